using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

using LvsPS.Testing;

namespace LvsPS.Run;

/// <summary>A minimal non-interactive host: output to stdout, errors and warnings to stderr, confirmations answered "no".</summary>
internal sealed class ConsoleHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();
    private readonly ConsoleUI _ui = new();
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId => _id;
    public override string Name => "lvsps-run";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) => Environment.Exit(exitCode);
}

internal sealed class ConsoleUI : PSHostUserInterface
{
    private readonly FixedSizeRawUI _raw = new(120); // the 120-column terminal the views are made for
    public override PSHostRawUserInterface RawUI => _raw;
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw new NotSupportedException("lvsps-run is not interactive");
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
    {
        Console.Error.WriteLine($"{caption}: {message} (not interactive: answering '{choices[defaultChoice].Label.Replace("&", "")}')");
        return defaultChoice;
    }
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
    public override string ReadLine() => "";
    public override SecureString ReadLineAsSecureString() => new();
    // The engine styles table headers even under OutputRendering PlainText when it is hosted;
    // this host writes to logs and pipes, so it drops the escape sequences itself.
    private static string Plain(string value) => System.Text.RegularExpressions.Regex.Replace(value, "\x1b\\[[0-9;]*m", "");
    public override void Write(string value) => Console.Write(Plain(value));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Write(Plain(value));
    public override void WriteLine(string value) => Console.WriteLine(Plain(value));
    public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);
    public override void WriteDebugLine(string message) => Console.Error.WriteLine("DEBUG: " + message);
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) => Console.Error.WriteLine("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => Console.Error.WriteLine("WARNING: " + message);
}
