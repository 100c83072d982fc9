using System.Net;
using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

public sealed partial class KeepalivedConfigurationReader
{
    /// <summary>Lines of static_ipaddress, virtual_ipaddress, virtual_ipaddress_excluded: ADDR[/LEN] [dev IF] [scope S] [label L] ...</summary>
    private List<VrrpAddressDefinition> ReadAddressBlock(KeepalivedStatement block, string what)
    {
        var addresses = new List<VrrpAddressDefinition>();
        foreach (KeepalivedStatement line in block.Block ?? [])
        {
            _values.NoBlock(line);
            if (ReadAddressLine(line, what) is { } address)
                addresses.Add(address);
        }
        return addresses;
    }

    private VrrpAddressDefinition? ReadAddressLine(KeepalivedStatement line, string what)
    {
        string text = line.Keyword;
        int slash = text.IndexOf('/');
        int? prefix = null;
        if (slash >= 0)
        {
            if (!int.TryParse(text[(slash + 1)..], out int p) || p < 0 || p > (text.Contains(':') ? 128 : 32))
            {
                _diagnostics.Warn(DiagnosticCodes.InvalidValue, line.Location, $"{what}: '{text}' has an invalid prefix length; the address is skipped.");
                return null;
            }
            prefix = p;
            text = text[..slash];
        }
        if (!KeepalivedValues.TryAddress(text, out IPAddress? address))
        {
            _diagnostics.Warn(DiagnosticCodes.InvalidValue, line.Location, $"{what}: '{line.Keyword}' is not an IP address; the address is skipped.");
            return null;
        }
        var definition = new VrrpAddressDefinition { Address = address!, PrefixLength = prefix, Location = line.Location };
        var options = new List<string>();
        for (int i = 0; i < line.Arguments.Count; i++)
        {
            string word = line.Arguments[i];
            string? next = i + 1 < line.Arguments.Count ? line.Arguments[i + 1] : null;
            switch (word)
            {
                case "dev" when next != null: definition = definition with { Device = next }; i++; break;
                case "scope" when next != null: definition = definition with { Scope = next }; i++; break;
                case "label" when next != null: definition = definition with { Label = next }; i++; break;
                default: options.Add(word); break;
            }
        }
        if (definition.Device is { } device && _options.InterfaceExists?.Invoke(device) == false)
            _diagnostics.Warn(DiagnosticCodes.InterfaceMissing, line.Location, $"interface {device} for ip address {line.Keyword} does not exist on this host.");
        return definition with { Options = options };
    }

    private VrrpScriptDefinition? ReadScript(KeepalivedStatement block)
    {
        if (Name(block) is not { } name)
            return null;
        var script = new VrrpScriptDefinition { Name = name, Location = block.Location };
        foreach (KeepalivedStatement s in block.Block!)
        {
            if (!KeepalivedKeywords.VrrpScript.Contains(s.Keyword))
            {
                _values.Unknown(s, $"vrrp_script {name}");
                continue;
            }
            _values.NoBlock(s);
            switch (s.Keyword)
            {
                case "script": script = script with { Script = KeepalivedValues.Script(s) }; break;
                case "interval": script = script with { IntervalSeconds = _values.Timer(s, 0.000001) ?? script.IntervalSeconds }; break;
                case "timeout": script = script with { TimeoutSeconds = _values.Timer(s) ?? script.TimeoutSeconds }; break;
                case "weight":
                    script = script with
                    {
                        Weight = (int?)_values.Integer(s, -253, 253) ?? script.Weight,
                        WeightReverse = s.Arguments.Count > 1 && s.Arguments[1] == "reverse",
                    };
                    break;
                case "rise": script = script with { Rise = (int?)_values.Integer(s, 1, int.MaxValue) ?? script.Rise }; break;
                case "fall": script = script with { Fall = (int?)_values.Integer(s, 1, int.MaxValue) ?? script.Fall }; break;
                case "user": script = script with { User = _values.Word(s), Group = s.Arguments.Count > 1 ? s.Arguments[1] : null }; break;
                case "init_fail": script = script with { InitFail = true }; break;
            }
        }
        if (script.Script == null)
        {
            _diagnostics.Warn(DiagnosticCodes.ScriptDisabled, block.Location, $"vrrp_script {name} has no script; it is removed.");
            return null;
        }
        return script;
    }

    private static VrrpNotifyScripts ReadNotify(KeepalivedStatement s, VrrpNotifyScripts scripts)
    {
        string script = KeepalivedValues.Script(s);
        return s.Keyword switch
        {
            "notify_master" => scripts with { Master = script },
            "notify_backup" => scripts with { Backup = script },
            "notify_fault" => scripts with { Fault = script },
            "notify_stop" => scripts with { Stop = script },
            _ => scripts with { AnyState = script },
        };
    }

    private List<TrackDefinition> ReadTracks(KeepalivedStatement block)
    {
        var tracks = new List<TrackDefinition>();
        foreach (KeepalivedStatement line in block.Block ?? [])
        {
            int? weight = null;
            bool reverse = false;
            for (int i = 0; i < line.Arguments.Count; i++)
            {
                if (line.Arguments[i] == "weight" && i + 1 < line.Arguments.Count)
                {
                    weight = (int?)_values.Integer(line, -254, 254, i + 1);
                    i++;
                }
                else if (line.Arguments[i] == "reverse")
                    reverse = true;
            }
            tracks.Add(new TrackDefinition(line.Keyword, weight, reverse));
        }
        return tracks;
    }

    private VrrpSyncGroupDefinition? ReadSyncGroup(KeepalivedStatement block)
    {
        if (Name(block) is not { } name)
            return null;
        var group = new VrrpSyncGroupDefinition { Name = name, Location = block.Location };
        var other = new List<KeywordSetting>();
        foreach (KeepalivedStatement s in block.Block!)
        {
            if (!KeepalivedKeywords.SyncGroup.Contains(s.Keyword))
            {
                _values.Unknown(s, $"vrrp_sync_group {name}");
                continue;
            }
            switch (s.Keyword)
            {
                case "group":
                    group = group with { Instances = [.. group.Instances, .. s.Arguments, .. (s.Block ?? []).SelectMany(l => l.Arguments.Prepend(l.Keyword))] };
                    break;
                case "notify_master" or "notify_backup" or "notify_fault" or "notify_stop" or "notify": group = group with { Notify = ReadNotify(s, group.Notify) }; break;
                case "smtp_alert": group = group with { SmtpAlert = _values.Bool(s) }; break;
                case "track_script": group = group with { TrackScripts = ReadTracks(s) }; break;
                case "track_interface": group = group with { TrackInterfaces = ReadTracks(s) }; break;
                default: other.Add(KeywordSetting.From(s)); break;
            }
        }
        return group with { Other = other };
    }
}
