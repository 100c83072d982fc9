using System.Management.Automation;
using System.Management.Automation.Runspaces;
using LvsPS.Run;

// usage: lvsps-run MODULE.psd1 SCRIPT.ps1 [ARGS...]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: lvsps-run MODULE.psd1 SCRIPT.ps1 [ARGS...]");
    return 2;
}
// Output goes to files and pipes (CI logs, the lab VM's log): no colour codes.
PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
var iss = InitialSessionState.CreateDefault2();
iss.ImportPSModule(Path.GetFullPath(args[0]));
var host = new ConsoleHost();
using Runspace runspace = RunspaceFactory.CreateRunspace(host, iss);
runspace.Open();
using var ps = PowerShell.Create();
ps.Runspace = runspace;
ps.AddCommand(Path.GetFullPath(args[1]));
foreach (string a in args.Skip(2))
    ps.AddArgument(a);
ps.AddCommand("Out-Default");
try
{
    ps.Invoke();
}
catch (RuntimeException e)
{
    Console.Error.WriteLine($"{e.ErrorRecord.FullyQualifiedErrorId}: {e.Message}");
    return 1;
}
foreach (ErrorRecord e in ps.Streams.Error)
    Console.Error.WriteLine($"{e.FullyQualifiedErrorId}: {e.Exception.Message}");
return ps.HadErrors ? 1 : 0;
