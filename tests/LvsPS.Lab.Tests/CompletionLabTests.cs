using System.Management.Automation;
using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// -Scheduler completes with the schedulers this kernel has: exactly the names ipvsadm can create a service
/// with (the kernel loads ip_vs_NAME on first use). The lab's Debian 6.1 has no ip_vs_twos, so one name must go.
/// </summary>
public sealed class CompletionLabTests : CmdletLabBase
{
    [Fact]
    public void Scheduler_offers_exactly_the_schedulers_ipvsadm_can_use()
    {
        LabEnvironment.RequireLab();
        string[] offered = Ps.Invoke("(TabExpansion2 $args[0] $args[0].Length).CompletionMatches", "New-LvsVirtualService -Scheduler ")
            .Output.Select(o => ((CompletionResult)o.BaseObject).CompletionText).ToArray();

        // One shell tries every name: an ip netns exec per add and delete (27) took 26 s in the VM, one shell 12 s.
        string probe = "for s in \"$@\"; do if ipvsadm -A -t 10.0.0.3:80 -s \"$s\" 2>/dev/null; then echo \"$s\"; ipvsadm -D -t 10.0.0.3:80 || exit 1; fi; done";
        string[] usable = Shell.Run(["ip", "netns", "exec", Ns.Name, "sh", "-c", probe, "sh", .. Schedulers.Names])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Empty(Ns.Ipvsadm("-Sn").Trim()); // every service the probe created was deleted again

        Assert.Equal(usable, offered); // on 6.1 every name but twos: offering all fourteen would fail here
    }
}
