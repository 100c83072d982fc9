using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace LvsPS.Testing;

/// <summary>
/// A PSHost that keeps what the engine writes to the host (What if: lines, confirmations,
/// rendered format views, warnings, verbose), so tests can assert on what a user would see.
/// </summary>
public sealed class CapturingHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();
    public CapturingUI Capture { get; } = new();
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId => _id;
    public override string Name => "LvsPSTestHost";
    public override PSHostUserInterface UI => Capture;
    public override Version Version => new(1, 0);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}

public sealed class CapturingUI : PSHostUserInterface
{
    private readonly StringBuilder _text = new();
    private readonly FixedSizeRawUI _raw = new(160); // wide enough that no test table wraps
    public string Text { get { lock (_text) return _text.ToString(); } }
    public List<ProgressRecord> Progress { get; } = new();
    /// <summary>The answer PromptForChoice gives (index into the choices); -1 = the default.</summary>
    public int ChoiceAnswer { get; set; } = -1;
    public void Clear() { lock (_text) _text.Clear(); }
    private void Append(string s) { lock (_text) _text.Append(s); }
    public override PSHostRawUserInterface RawUI => _raw;
    /// <summary>What Prompt (a missing mandatory parameter) types, by field name; a field not listed is NotSupported.</summary>
    public Dictionary<string, string> PromptAnswers { get; } = new(StringComparer.OrdinalIgnoreCase);
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions)
    {
        var answers = new Dictionary<string, PSObject>();
        foreach (FieldDescription field in descriptions)
        {
            Append($"[PROMPT {field.Name}]\n");
            answers[field.Name] = PromptAnswers.TryGetValue(field.Name, out string? typed) ? new PSObject(typed) : throw new NotSupportedException("Prompt " + field.Name);
        }
        return answers;
    }
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
    {
        Append($"[CHOICE {caption}: {message}]\n");
        return ChoiceAnswer >= 0 ? ChoiceAnswer : defaultChoice;
    }
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
    public override string ReadLine() => "";
    public override SecureString ReadLineAsSecureString() => new();
    public override void Write(string value) => Append(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);
    public override void WriteLine(string value) => Append(value + "\n");
    public override void WriteErrorLine(string value) => Append("ERR: " + value + "\n");
    public override void WriteDebugLine(string message) => Append("DEBUG: " + message + "\n");
    public override void WriteProgress(long sourceId, ProgressRecord record) { lock (Progress) Progress.Add(record); }
    public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");
    public override void WriteWarningLine(string message) => Append("WARNING: " + message + "\n");
}
