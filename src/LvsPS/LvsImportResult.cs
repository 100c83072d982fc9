namespace LvsPS;

/// <summary>The file formats of Export- and Import-LvsConfiguration.</summary>
public enum LvsConfigurationFormat
{
    /// <summary>The rules of ipvsadm-save -n, which ipvsadm-restore reads: services and real servers only.</summary>
    IpvsadmRules,
    /// <summary>LvsPS's lossless JSON: also thresholds, tunnel settings, timeouts and sync daemons.</summary>
    Json,
}

/// <summary>What Import-LvsConfiguration did: objects (services, real servers, sync daemons, timeouts) added, changed, removed or left alone.</summary>
public sealed record LvsImportResult
{
    /// <summary>The file that was imported.</summary>
    public required string Path { get; init; }
    /// <summary>IpvsadmRules or Json.</summary>
    public string Format { get; init; } = nameof(LvsConfigurationFormat.IpvsadmRules);
    public int Added { get; init; }
    public int Changed { get; init; }
    public int Removed { get; init; }
    /// <summary>Objects of the file that already matched and were not touched (their connections and counters survive).</summary>
    public int Unchanged { get; init; }
    /// <summary>Changes the kernel refused (each was written as an error).</summary>
    public int Failed { get; init; }
    /// <summary>Removals not made because they would have left a service without real servers after its replacement was refused or not confirmed (each was written as a warning).</summary>
    public int HeldBack { get; init; }
    /// <summary>Changes not made because the import was stopped (or could not reach the kernel) before them.</summary>
    public int NotApplied { get; init; }
    public string? NetworkNamespace { get; init; }

    /// <summary>True when the table already matched the file.</summary>
    public bool NoChange => Added == 0 && Changed == 0 && Removed == 0 && Failed == 0 && HeldBack == 0 && NotApplied == 0;
}
