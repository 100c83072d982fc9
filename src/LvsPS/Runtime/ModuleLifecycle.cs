using System.Management.Automation;
using System.Management.Automation.Runspaces;
using LvsPS.Native.Runtime;

namespace LvsPS.Runtime;

/// <summary>
/// Ties the runtime's workers to the module's life. Each worker is kept with the session
/// (runspace) that started it; Remove-Module stops that session's workers in order (VRRP masters
/// send their priority-0 advert and release their addresses, then checks stop, then scripts still
/// running are terminated); the end of pwsh stops every worker the same way.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <summary>How long a shutdown waits for the workers before it goes on without them.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    private static int s_hooked;

    /// <summary>The owner recorded for a worker started now: the id of the running command's runspace.</summary>
    public static object? CurrentOwner => Runspace.DefaultRunspace?.InstanceId;

    /// <summary>The report of the last shutdown this module ran (module removal or process exit); null before any.</summary>
    public static ShutdownReport? LastShutdown { get; private set; }

    public void OnImport()
    {
        if (Interlocked.Exchange(ref s_hooked, 1) != 0)
            return;
        Supervisor.Shared.AddCleanup("script-block runspaces", () =>
        {
            ScriptBlockHost.DisposeShared();
            return Task.CompletedTask;
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            LastShutdown = Supervisor.Shared.ShutdownAllAsync(ShutdownTimeout).GetAwaiter().GetResult();
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (CurrentOwner is { } owner)
            LastShutdown = Supervisor.Shared.ShutdownOwnedByAsync(owner, ShutdownTimeout).GetAwaiter().GetResult();
    }
}
