namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// How bad a finding is. A notice is something keepalived 2.2.7 only logs when it runs (its
/// <c>-t</c> says nothing); a warning is something <c>keepalived -t</c> reports and keepalived then
/// runs anyway (exit 5); an error is something LvsPS will not run: the file changes nothing.
/// </summary>
public enum DiagnosticSeverity
{
    Notice,
    Warning,
    Error,
}

/// <summary>
/// One finding about a keepalived.conf, at the file and line it concerns. <see cref="Code"/> is a
/// stable name for the kind of finding (tests and scripts match on it); <see cref="Message"/> says
/// what happened and what was done about it, or for an error, what to change.
/// </summary>
public sealed record KeepalivedDiagnostic(DiagnosticSeverity Severity, string Code, SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Severity.ToString().ToLowerInvariant()}: {Message}";
}

/// <summary>The kinds of finding (the <see cref="KeepalivedDiagnostic.Code"/> values).</summary>
public static class DiagnosticCodes
{
    // Source level: the file itself.
    public const string NotText = nameof(NotText);
    public const string TooLarge = nameof(TooLarge);
    public const string FileUnreadable = nameof(FileUnreadable);
    public const string IncludeMissing = nameof(IncludeMissing);
    public const string IncludeMatchedNothing = nameof(IncludeMatchedNothing);
    public const string IncludeLoop = nameof(IncludeLoop);
    public const string UnclosedBlock = nameof(UnclosedBlock);
    public const string ExtraCloseBrace = nameof(ExtraCloseBrace);
    public const string StrayOpenBrace = nameof(StrayOpenBrace);
    public const string UnclosedQuote = nameof(UnclosedQuote);
    public const string BadRepetition = nameof(BadRepetition);
    public const string MacroTooDeep = nameof(MacroTooDeep);
    public const string TooManyLines = nameof(TooManyLines);
    public const string TooManyFindings = nameof(TooManyFindings);

    // Statements.
    public const string UnknownKeyword = nameof(UnknownKeyword);
    public const string UnknownBlockSkipped = nameof(UnknownBlockSkipped);
    public const string UnexpectedBlock = nameof(UnexpectedBlock);
    public const string MissingBlock = nameof(MissingBlock);
    public const string Deprecated = nameof(Deprecated);
    public const string InvalidValue = nameof(InvalidValue);
    public const string MissingValue = nameof(MissingValue);
    public const string DuplicateName = nameof(DuplicateName);

    // Meaning: keepalived's validation after parsing.
    public const string VirtualServerWithoutRealServers = nameof(VirtualServerWithoutRealServers);
    public const string DuplicateRealServer = nameof(DuplicateRealServer);
    public const string PortReset = nameof(PortReset);
    public const string ProtocolIgnored = nameof(ProtocolIgnored);
    public const string FamilyMismatch = nameof(FamilyMismatch);
    public const string CheckerDropped = nameof(CheckerDropped);
    public const string ScriptDisabled = nameof(ScriptDisabled);
    public const string UnknownReference = nameof(UnknownReference);
    public const string InterfaceMissing = nameof(InterfaceMissing);
    public const string SettingAdjusted = nameof(SettingAdjusted);
    public const string VrrpInstanceInvalid = nameof(VrrpInstanceInvalid);
}
