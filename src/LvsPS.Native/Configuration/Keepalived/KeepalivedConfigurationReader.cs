using LvsPS.Native.Configuration.Director;

namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// Reads a keepalived.conf (keepalived 2.2.7's grammar and meaning) into a
/// <see cref="DirectorConfiguration"/> with every finding at its file and line. Nothing here
/// touches the system except reading the files (and, when the options ask, looking up
/// interfaces and scripts the way keepalived checks them).
/// </summary>
public sealed partial class KeepalivedConfigurationReader
{
    private readonly KeepalivedReadOptions _options;
    private readonly DiagnosticBag _diagnostics;
    private readonly KeepalivedValues _values;

    private KeepalivedConfigurationReader(KeepalivedReadOptions options)
    {
        _options = options;
        _diagnostics = new DiagnosticBag(options.MaxFindings);
        _values = new KeepalivedValues(_diagnostics);
    }

    public static KeepalivedReadResult ReadFile(string path, KeepalivedReadOptions? options = null)
        => new KeepalivedConfigurationReader(options ?? new()).Run(reader => reader.ReadFile(path));

    /// <summary>Reads text; includes and <c>${_PWD}</c> resolve against <paramref name="directory"/> (default: the current directory).</summary>
    public static KeepalivedReadResult Parse(string text, string fileName = "keepalived.conf", string? directory = null, KeepalivedReadOptions? options = null)
        => new KeepalivedConfigurationReader(options ?? new()).Run(reader => reader.ReadText(text, fileName, directory ?? Directory.GetCurrentDirectory()));

    /// <summary>The statement tree alone (for tools and tests of the grammar).</summary>
    internal static (IReadOnlyList<KeepalivedStatement> Statements, IReadOnlyList<KeepalivedDiagnostic> Diagnostics) ParseStatements(string text, string fileName = "keepalived.conf", string? directory = null, KeepalivedReadOptions? options = null)
    {
        var reader = new KeepalivedConfigurationReader(options ?? new());
        IReadOnlyList<KeepalivedStatement> statements = [];
        try
        {
            var pool = new WordPool();
            var source = new KeepalivedSourceReader(reader._options, reader._diagnostics, pool);
            source.ReadText(text, fileName, directory ?? Directory.GetCurrentDirectory());
            statements = KeepalivedStatementBuilder.Build(source.Lines, reader._diagnostics, pool);
        }
        catch (ReadAbortedException)
        {
        }
        return (statements, reader._diagnostics.Items);
    }

    private KeepalivedReadResult Run(Action<KeepalivedSourceReader> read)
    {
        DirectorConfiguration configuration = new();
        try
        {
            var pool = new WordPool();
            var source = new KeepalivedSourceReader(_options, _diagnostics, pool);
            read(source);
            IReadOnlyList<KeepalivedStatement> statements = KeepalivedStatementBuilder.Build(source.Lines, _diagnostics, pool);
            configuration = ReadTopLevel(statements);
        }
        catch (ReadAbortedException)
        {
        }
        return new KeepalivedReadResult(configuration, _diagnostics.Items.ToArray());
    }

    private DirectorConfiguration ReadTopLevel(IReadOnlyList<KeepalivedStatement> statements)
    {
        GlobalSettings global = new();
        var staticAddresses = new List<VrrpAddressDefinition>();
        var scripts = new List<VrrpScriptDefinition>();
        var syncGroups = new List<VrrpSyncGroupDefinition>();
        var instances = new List<VrrpInstanceDefinition>();
        var groups = new List<VirtualServerGroupDefinition>();
        var servers = new List<VirtualServerDefinition>();
        var other = new List<KeywordSetting>();
        foreach (KeepalivedStatement s in statements)
        {
            if (!KeepalivedKeywords.TopLevel.Contains(s.Keyword))
            {
                _values.Unknown(s, "the top level");
                continue;
            }
            if (KeepalivedKeywords.TopLevelKeptAsWritten.Contains(s.Keyword))
            {
                other.Add(KeywordSetting.From(s));
                continue;
            }
            if (!s.HasBlock)
            {
                _diagnostics.Warn(DiagnosticCodes.MissingBlock, s.Location, $"'{s.Text}' needs a block ('{{' ... '}}'); the line is ignored.");
                continue;
            }
            switch (s.Keyword)
            {
                case "global_defs": global = ReadGlobal(s, global); break;
                case "static_ipaddress": staticAddresses.AddRange(ReadAddressBlock(s, "static_ipaddress")); break;
                case "vrrp_script": Add(scripts, ReadScript(s), x => x?.Name, s); break;
                case "vrrp_sync_group": Add(syncGroups, ReadSyncGroup(s), x => x?.Name, s); break;
                case "vrrp_instance": Add(instances, ReadInstance(s, global), x => x?.Name, s); break;
                case "virtual_server_group": Add(groups, ReadServerGroup(s), x => x?.Name, s); break;
                case "virtual_server": if (ReadVirtualServer(s) is { } vs) servers.Add(vs); break;
            }
        }
        (global, instances) = MoveInstanceSyncDaemon(global, instances);
        var configuration = new DirectorConfiguration
        {
            Global = global,
            StaticAddresses = staticAddresses,
            VrrpScripts = scripts,
            VrrpSyncGroups = syncGroups,
            VrrpInstances = instances,
            VirtualServerGroups = groups,
            VirtualServers = servers,
            OtherBlocks = other,
        };
        return Validate(configuration);
    }

    /// <summary>
    /// The deprecated per-instance <c>lvs_sync_daemon_interface IF</c> means what the global
    /// <c>lvs_sync_daemon IF INSTANCE</c> means (the one written back); the global one wins if both are given.
    /// </summary>
    private static (GlobalSettings, List<VrrpInstanceDefinition>) MoveInstanceSyncDaemon(GlobalSettings global, List<VrrpInstanceDefinition> instances)
    {
        for (int i = 0; i < instances.Count; i++)
        {
            KeywordSetting? old = instances[i].Other.FirstOrDefault(o => o.Keyword == "lvs_sync_daemon_interface");
            if (old == null)
                continue;
            instances[i] = instances[i] with { Other = instances[i].Other.Where(o => o != old).ToArray() };
            if (global.LvsSyncDaemon == null && old.Arguments.Count > 0)
                global = global with { LvsSyncDaemon = new LvsSyncDaemonDefinition { Interface = old.Arguments[0], VrrpInstance = instances[i].Name } };
        }
        return (global, instances);
    }

    private void Add<T>(List<T> list, T? item, Func<T?, string?> name, KeepalivedStatement s) where T : class
    {
        if (item == null)
            return;
        if (list.Any(x => name(x) == name(item)))
        {
            _diagnostics.Warn(DiagnosticCodes.DuplicateName, s.Location, $"{s.Keyword} '{name(item)}' is defined twice; this later one is ignored.");
            return;
        }
        list.Add(item);
    }

    private string? Name(KeepalivedStatement s)
    {
        if (s.Arguments.Count > 0)
            return s.Arguments[0];
        _diagnostics.Warn(DiagnosticCodes.MissingValue, s.Location, $"{s.Keyword} needs a name; the block is ignored.");
        return null;
    }
}
