using LvsPS.Testing;

namespace LvsPS.Lab.Tests.Infrastructure;

/// <summary>
/// A fresh namespace per test and a hosted PowerShell session whose LvsPS cmdlets target it
/// by default ($PSDefaultParameterValues), so scripts read as a user on a director would write them.
/// </summary>
public abstract class CmdletLabBase : IDisposable
{
    protected CmdletLabBase()
    {
        Ns = new LabNamespace();
        Ps = new PowerShellSession(Ns.Name);
    }

    protected LabNamespace Ns { get; }
    protected PowerShellSession Ps { get; }

    public void Dispose()
    {
        Ps.Dispose();
        Ns.Dispose();
    }
}
