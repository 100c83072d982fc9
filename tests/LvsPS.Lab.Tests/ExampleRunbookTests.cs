using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>The documented runbooks in examples/ run as written, each in a fresh namespace, and leave the table they promise.</summary>
public sealed class ExampleRunbookTests : CmdletLabBase
{
    private string Example(string name) => Path.Combine(PowerShellSession.RepoRoot, "examples", name);

    [Fact]
    public void EveryExampleHasATest()
        => Assert.Equal(
            new[] { "backup-drain-restore.ps1", "ipv6-fwmark-tunnel.ps1", "maintenance-drain-weight.ps1", "quickstart-lvs-dr.ps1" },
            Directory.GetFiles(Path.Combine(PowerShellSession.RepoRoot, "examples"), "*.ps1").Select(Path.GetFileName).Order(StringComparer.Ordinal));

    [Fact]
    public void QuickStart()
    {
        var r = Ps.Invoke("& $args[0]", Example("quickstart-lvs-dr.ps1"));
        Assert.Empty(r.AllErrors);
        // What the operator sees: the service row and the real-server rows, as tables.
        LabAssert.Matches(@"TCP\s+10\.0\.0\.3:80\s+wrr\s+persistent 20", r.HostText);
        LabAssert.Matches(@"-> 10\.0\.0\.7:80\s+Route\s+1\s+0\s+0", r.HostText);
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s wrr -p 20",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1",
        }, Ns.SavedRules());
    }

    [Fact]
    public void MaintenanceDrain()
    {
        var output = Ps.Run("& $args[0]", Example("maintenance-drain-weight.ps1"));
        Assert.Equal(2, output.Count); // the two real servers put back, passed through
        Assert.Equal(new[]
        {
            "-A -t 192.0.2.10:443 -s wlc",
            "-A -u 192.0.2.10:53 -s rr",
            "-a -t 192.0.2.10:443 -r 198.51.100.21:443 -m -w 5",
            "-a -t 192.0.2.10:443 -r 198.51.100.22:443 -m -w 5",
            "-a -u 192.0.2.10:53 -r 198.51.100.21:53 -m -w 5",
            "-a -u 192.0.2.10:53 -r 198.51.100.22:53 -m -w 5",
        }, Ns.SavedRules());
        LabAssert.Matches(@"-> 198\.51\.100\.21:443\s+1000\s+800\s", Ns.Ipvsadm("-Ln", "--thresholds"));
    }

    [Fact]
    public void BackupDrainRestore()
    {
        var output = Ps.Run("& $args[0]", Example("backup-drain-restore.ps1"));
        // The two import summaries: everything added back (the timeouts survived the flush), then nothing to do.
        Assert.Equal(2, output.Count);
        Assert.Equal((3, 1), ((int)output[0].Properties["Added"].Value, (int)output[0].Properties["Unchanged"].Value));
        Assert.True((bool)output[1].Properties["NoChange"].Value);
        Assert.Equal(new[]
        {
            "-A -t 192.0.2.20:80 -s wlc",
            "-a -t 192.0.2.20:80 -r 198.51.100.31:80 -m -w 5",
            "-a -t 192.0.2.20:80 -r 198.51.100.32:80 -m -w 3",
        }, Ns.SavedRules());
        LabAssert.Matches(@"-> 198\.51\.100\.31:80\s+500\s+400\s", Ns.Ipvsadm("-Ln", "--thresholds"));
        Assert.Contains("Timeout (tcp tcpfin udp): 600 ", Ns.Ipvsadm("-L", "--timeout"));
    }

    [Fact]
    public void Ipv6FwmarkTunnel()
    {
        Ps.Run("& $args[0]", Example("ipv6-fwmark-tunnel.ps1"));
        Assert.Equal(new[]
        {
            "-A -f 42 -s mh -b mh-port",
            "-A -u [2001:db8::53]:53 -s sh -p 60 -M 64 -b sh-fallback,sh-port",
            "-a -f 42 -r 203.0.113.7:0 -i -w 2 --tun-type gue --tun-port 6080 --tun-csum",
            "-a -f 42 -r 203.0.113.8:0 -i -w 1 --tun-type ipip",
            "-a -u [2001:db8::53]:53 -r [2001:db8:1::7]:5353 -m -w 3",
        }, Ns.SavedRules());
    }
}
