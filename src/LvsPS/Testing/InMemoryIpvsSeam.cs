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

    /// <summary>
    /// Stops the calling runspace's running pipeline, as Ctrl+C would, when <paramref name="ipvs"/> receives its
    /// <paramref name="batch"/>th batch (which is still applied), and holds that batch until the stop has reached
    /// the cmdlets: what a user's Ctrl+C during "Sending" does, made repeatable.
    /// </summary>
    internal static void StopPipelineAtBatch(InMemoryIpvs ipvs, int batch)
    {
        Runspace runspace = Runspace.DefaultRunspace ?? throw new InvalidOperationException("Call StopPipelineAtBatch from a script in the session.");
        int seen = 0;
        ipvs.BeforeApply = _ =>
        {
            // Runspace.GetCurrentlyRunningPipeline and Pipeline are not in PowerShellStandard's reference; the engine has them.
            const System.Reflection.BindingFlags any = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
            if (++seen != batch || runspace.GetType().GetMethod("GetCurrentlyRunningPipeline", any)?.Invoke(runspace, null) is not { } pipeline)
                return;
            pipeline.GetType().GetMethod("StopAsync", any)!.Invoke(pipeline, null);
            SpinWait.SpinUntil(() => pipeline.GetType().GetProperty("PipelineStateInfo", any)!.GetValue(pipeline) is { } info
                && info.GetType().GetProperty("State")!.GetValue(info)?.ToString() != "Running", TimeSpan.FromSeconds(10));
            Thread.Sleep(200); // the stopper calls StopProcessing right after it marks the pipeline Stopping
        };
    }

    /// <summary>Switches the calling runspace back to the kernel.</summary>
    internal static void Uninstall()
    {
        if (Runspace.DefaultRunspace is { } runspace)
            IpvsClients.UseKernel(runspace);
    }
}
