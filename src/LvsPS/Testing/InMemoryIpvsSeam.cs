using System.Management.Automation.Runspaces;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS.Testing;

/// <summary>
/// Where tests switch a session to an in-memory IPVS. It lives in the module and makes the
/// in-memory IPVS itself, so nothing crosses from the test's assemblies into the module's (which
/// may load the core in an AssemblyLoadContext of their own). A script in the session calls it
/// through the module's ImplementingAssembly:
/// <code>
/// $seam = (Get-Module LvsPS).ImplementingAssembly.GetType('LvsPS.Testing.InMemoryIpvsSeam')
/// $ipvs = $seam.GetMethod('Install', [Reflection.BindingFlags]'Static,NonPublic').Invoke($null, @())
/// $ipvs['lb1'].Refuse('AddRealServer', 'tcp/10.0.0.3:80 -> 10.0.0.7:80', 17)
/// </code>
/// and reads what happened with the cmdlets themselves (Get-LvsVirtualService) or through the
/// returned <see cref="InMemoryIpvsNamespaces"/>.
/// </summary>
internal static class InMemoryIpvsSeam
{
    /// <summary>Switches the calling runspace to a fresh in-memory IPVS (one per namespace) and returns it.</summary>
    internal static InMemoryIpvsNamespaces Install()
        => IpvsClients.UseInMemory(Runspace.DefaultRunspace ?? throw new InvalidOperationException("Call Install from a script in the session to switch."));

    /// <summary>Switches the calling runspace back to the kernel.</summary>
    internal static void Uninstall()
    {
        if (Runspace.DefaultRunspace is { } runspace)
            IpvsClients.UseKernel(runspace);
    }
}
