using System.Net;
using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

public sealed partial class KeepalivedConfigurationReader
{
    private VrrpInstanceDefinition? ReadInstance(KeepalivedStatement block, GlobalSettings global)
    {
        if (Name(block) is not { } name)
            return null;
        var instance = new VrrpInstanceDefinition { Name = name, Location = block.Location, Version = global.VrrpVersion };
        var other = new List<KeywordSetting>();
        foreach (KeepalivedStatement s in block.Block!)
        {
            if (!KeepalivedKeywords.Instance.Contains(s.Keyword))
            {
                _values.Unknown(s, $"vrrp_instance {name}");
                continue;
            }
            switch (s.Keyword)
            {
                case "state":
                    string? state = _values.Word(s);
                    if (state is "MASTER" or "BACKUP")
                        instance = instance with { InitialState = state };
                    else if (state != null)
                        _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"({name}) state '{state}' is not MASTER or BACKUP; ignored.");
                    break;
                case "interface":
                    instance = instance with { Interface = _values.Word(s) };
                    if (instance.Interface is { } link && _options.InterfaceExists?.Invoke(link) == false)
                        _diagnostics.Warn(DiagnosticCodes.InterfaceMissing, s.Location, $"interface {link} for vrrp_instance {name} does not exist on this host.");
                    break;
                case "virtual_router_id":
                    instance = instance with { VirtualRouterId = (int?)_values.Integer(s, 1, 255) ?? instance.VirtualRouterId };
                    break;
                case "priority":
                    instance = instance with { Priority = (int?)_values.Integer(s, 1, 255) ?? instance.Priority };
                    break;
                case "advert_int":
                    instance = instance with { AdvertIntervalSeconds = _values.Timer(s, 0.01, 255) ?? instance.AdvertIntervalSeconds };
                    break;
                case "version":
                    instance = instance with { Version = (int?)_values.Integer(s, 2, 3) ?? instance.Version };
                    break;
                case "authentication":
                    instance = ReadAuthentication(s, instance);
                    break;
                case "virtual_ipaddress":
                    instance = instance with { VirtualAddresses = [.. instance.VirtualAddresses, .. ReadAddressBlock(s, $"({name}) virtual_ipaddress")] };
                    break;
                case "virtual_ipaddress_excluded":
                    instance = instance with { ExcludedAddresses = [.. instance.ExcludedAddresses, .. ReadAddressBlock(s, $"({name}) virtual_ipaddress_excluded")] };
                    break;
                case "track_script": instance = instance with { TrackScripts = [.. instance.TrackScripts, .. ReadTracks(s)] }; break;
                case "track_interface": instance = instance with { TrackInterfaces = [.. instance.TrackInterfaces, .. ReadTracks(s)] }; break;
                case "nopreempt": instance = instance with { NoPreempt = true }; break;
                case "preempt": instance = instance with { NoPreempt = false }; break;
                case "preempt_delay":
                    instance = instance with { PreemptDelaySeconds = _values.Timer(s, 0, 1000) ?? instance.PreemptDelaySeconds };
                    break;
                case "unicast_src_ip":
                    if (_values.Word(s) is { } source)
                        instance = instance with { UnicastSourceAddress = _values.Address(s, source, "unicast_src_ip") };
                    break;
                case "unicast_peer":
                    instance = instance with { UnicastPeers = [.. instance.UnicastPeers, .. ReadPeers(s)] };
                    break;
                case "notify_master" or "notify_backup" or "notify_fault" or "notify_stop" or "notify": instance = instance with { Notify = ReadNotify(s, instance.Notify) }; break;
                case "smtp_alert": instance = instance with { SmtpAlert = _values.Bool(s) }; break;
                case "lvs_sync_daemon_interface":
                    _diagnostics.Warn(DiagnosticCodes.Deprecated, s.Location, $"({name}) lvs_sync_daemon_interface in a vrrp_instance is deprecated: use lvs_sync_daemon in global_defs.");
                    other.Add(KeywordSetting.From(s));
                    break;
                default:
                    other.Add(KeywordSetting.From(s));
                    break;
            }
        }
        return instance with { Other = other };
    }

    private VrrpInstanceDefinition ReadAuthentication(KeepalivedStatement block, VrrpInstanceDefinition instance)
    {
        foreach (KeepalivedStatement s in block.Block ?? [])
        {
            switch (s.Keyword)
            {
                case "auth_type":
                    string? type = _values.Word(s);
                    if (type is "PASS" or "AH")
                        instance = instance with { AuthType = type };
                    else if (type != null)
                        _diagnostics.Warn(DiagnosticCodes.InvalidValue, s.Location, $"({instance.Name}) auth_type '{type}' is not PASS or AH; ignored.");
                    break;
                case "auth_pass":
                    string? pass = _values.Word(s);
                    if (pass is { Length: > 8 })
                    {
                        _diagnostics.Warn(DiagnosticCodes.SettingAdjusted, s.Location, $"({instance.Name}) auth_pass is longer than 8 characters; only the first 8 are used.");
                        pass = pass[..8];
                    }
                    instance = instance with { AuthPassword = pass };
                    break;
                default:
                    _values.Unknown(s, $"authentication of {instance.Name}");
                    break;
            }
        }
        return instance;
    }

    private List<IPAddress> ReadPeers(KeepalivedStatement block)
    {
        var peers = new List<IPAddress>();
        foreach (KeepalivedStatement line in block.Block ?? [])
            if (_values.Address(line, line.Keyword, "unicast_peer") is { } peer)
                peers.Add(peer);
        return peers;
    }
}
