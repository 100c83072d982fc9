namespace LvsPS;

/// <summary>A finding of Test-LvsConfiguration: plain values, no core records (the addresses of its facts are in its message and fix).</summary>
public sealed class LvsFinding
{
    internal LvsFinding(Native.HostSettings.LvsFinding record)
    {
        Record = record;
        Severity = record.Severity;
        Check = record.Check;
        Target = record.Target;
        Message = record.Message;
        Fix = record.Fix;
        NetworkNamespace = record.NetworkNamespace;
    }

    internal Native.HostSettings.LvsFinding Record { get; }

    /// <summary>Info, Warning or Error: sorts in that order and is the type of -MinimumSeverity.</summary>
    public Native.HostSettings.FindingSeverity Severity { get; }
    /// <summary>The name of the trap (RealServerNotOnDirectorSegment, MissingArpSuppression, ...).</summary>
    public string Check { get; }
    /// <summary>What it is about: a service, a real server, an interface.</summary>
    public string Target { get; }
    public string Message { get; }
    /// <summary>What to do about it.</summary>
    public string Fix { get; }
    public string? NetworkNamespace { get; }

    public override string ToString() => Record.ToString();
}
