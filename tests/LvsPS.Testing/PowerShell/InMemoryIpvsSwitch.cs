namespace LvsPS.Testing;

/// <summary>
/// Switches a hosted session's LvsPS cmdlets to the module's in-memory IPVS (which answers like the
/// kernel), so a test can run cmdlets and assert what happened after the kernel call. It goes through
/// the module's own seam (LvsPS.Testing.InMemoryIpvsSeam, reached via the module's ImplementingAssembly)
/// so nothing of the test's copy of the core crosses into the module's; in the session the in-memory
/// IPVS is <c>$LvsInMemoryIpvs</c> (<c>$LvsInMemoryIpvs['lb1']</c> is namespace lb1's, <c>.get_Item('')</c> the
/// current one's): scripts inject refusals and connection counts there. Dispose switches back.
/// </summary>
public sealed class InMemoryIpvsSwitch : IDisposable
{
    private readonly PowerShellSession _ps;

    public InMemoryIpvsSwitch(PowerShellSession ps)
    {
        _ps = ps;
        ps.Run(Seam + "$global:LvsInMemoryIpvs = $seam.GetMethod('Install', [Reflection.BindingFlags]'Static,NonPublic').Invoke($null, @())");
    }

    private const string Seam = "$seam = (Get-Module LvsPS).ImplementingAssembly.GetType('LvsPS.Testing.InMemoryIpvsSeam', $true)\n";

    /// <summary>The table of a namespace as Export-LvsConfiguration writes it (ipvsadm-save -n, sorted): what a test asserts on.</summary>
    public IReadOnlyList<string> Rules(string? networkNamespace = null)
        => _ps.Run(networkNamespace is null ? "Export-LvsConfiguration" : "Export-LvsConfiguration -NetworkNamespace $args[0]", networkNamespace)
            .SelectMany(o => o.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();

    public void Dispose()
    {
        _ps.Run(Seam + "$seam.GetMethod('Uninstall', [Reflection.BindingFlags]'Static,NonPublic').Invoke($null, @()); $global:LvsInMemoryIpvs = $null");
    }
}
