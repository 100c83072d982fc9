using System.Management.Automation;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The cmdlets past the kernel call: against the module's in-memory IPVS (which answers like the
/// kernel, errnos included), what they changed is read back with the cmdlets themselves.
/// Assertions use strings only, so they hold however the module loads its core.
/// </summary>
[Collection(DrainStoreCollection.Name)]
public sealed class InMemoryKernelCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>, IDisposable
{
    private readonly PowerShellSession _ps = fixture.Session;
    private readonly InMemoryIpvsSwitch _ipvs = new(fixture.Session);

    public void Dispose() => _ipvs.Dispose();

    private static string[] Ids(PowerShellSession.Result r) => r.AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray();

    [Fact]
    public void Created_services_and_real_servers_read_back_and_PassThru_writes_what_the_kernel_holds()
    {
        PowerShellSession.Result r = _ps.Invoke("""
            New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20 -PassThru |
                Add-LvsRealServer -Address 10.0.0.7 -Forwarding DR -Weight 2 -PassThru |
                ForEach-Object { "$($_.VirtualService) -> $($_.Address):$($_.Port) $($_.Forwarding) $($_.Weight)" }
            """);
        Assert.Empty(r.AllErrors);
        Assert.Equal("tcp/10.0.0.3:80 -> 10.0.0.7:80 Route 2", Assert.Single(r.Output).ToString());
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s wrr -p 20", "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 2" }, _ipvs.Rules());
    }

    [Fact]
    public void A_batch_with_refusals_applies_the_rest_and_names_each_refused_record()
    {
        _ps.Run("New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler rr; Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7");
        _ps.Run("$LvsInMemoryIpvs.get_Item('').Refuse('AddRealServer', 'tcp/10.0.0.3:80 -> 10.0.0.9:80', 12)");
        PowerShellSession.Result r = _ps.Invoke("""
            '10.0.0.7', '10.0.0.8', '10.0.0.9', '10.0.0.10' | ForEach-Object {
                [LvsPS.Native.Ipvs.RealServer]@{ VirtualService = [LvsPS.Native.Ipvs.VirtualServiceKey]::Parse('tcp/10.0.0.3:80'); Address = $_; Port = 80; Forwarding = 'Route' }
            } | Add-LvsRealServer -PassThru | ForEach-Object { "$($_.Address):$($_.Port)" }
            """);
        Assert.Equal(new[] { "RealServerExists", "IpvsError" }, Ids(r));
        Assert.Equal(new[] { "tcp/10.0.0.3:80 -> 10.0.0.7:80", "tcp/10.0.0.3:80 -> 10.0.0.9:80" }, r.AllErrors.Select(e => e.TargetObject.ToString()));
        Assert.Equal(new[] { "10.0.0.10:80", "10.0.0.8:80" }, r.Output.Select(o => o.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s rr",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 1",
            "-a -t 10.0.0.3:80 -r 10.0.0.10:80 -g -w 1",
        }, _ipvs.Rules());
    }

    [Fact]
    public void Set_changes_only_what_was_given_and_the_tunnel_settings_survive_a_weight_change()
    {
        _ps.Run("New-LvsVirtualService fwmark/3 -Scheduler rr");
        _ps.Run("Add-LvsRealServer fwmark/3 10.0.1.7 -Forwarding Tunnel -TunnelType Gue -TunnelPort 6080 -TunnelChecksum Checksum -UpperThreshold 50");
        _ps.Run("Set-LvsRealServer fwmark/3 10.0.1.7 -Weight 7; Set-LvsVirtualService fwmark/3 -Persistent");
        Assert.Equal(new[]
        {
            "-A -f 3 -s rr -p 360",
            "-a -f 3 -r 10.0.1.7:0 -i -w 7 -x 50 --tun-type gue --tun-port 6080 --tun-csum",
        }, _ipvs.Rules());
    }

    [Fact]
    public void Missing_objects_are_told_apart_service_or_real_server()
    {
        _ps.Run("New-LvsVirtualService tcp/10.0.0.3:80");
        PowerShellSession.Result r = _ps.Invoke("""
            Set-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 2
            Set-LvsRealServer tcp/10.0.0.4:80 10.0.0.7 -Weight 2
            Remove-LvsRealServer tcp/10.0.0.3:80 10.0.0.7
            New-LvsVirtualService tcp/10.0.0.3:80
            """);
        Assert.Equal(new[] { "RealServerNotFound", "VirtualServiceNotFound", "RealServerNotFound", "VirtualServiceExists" }, Ids(r));
    }

    [Fact]
    public void Suspend_and_resume_round_trip_the_weight_through_the_kernel()
    {
        WithDrainDirectory(_ =>
        {
            _ps.Run("New-LvsVirtualService tcp/10.0.0.3:80; Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 5");
            Assert.Equal("5", _ps.Run("Suspend-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -PassThru | ForEach-Object PreviousWeight").Single().ToString());
            Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 0", _ipvs.Rules());
            _ps.Run("Resume-LvsRealServer tcp/10.0.0.3:80 10.0.0.7");
            Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 5", _ipvs.Rules());
        });
    }

    /// <summary>Runs <paramref name="test"/> with the previous weights kept in a directory of its own.</summary>
    private void WithDrainDirectory(Action<string> test)
    {
        string dir = Directory.CreateTempSubdirectory("lvsps-drain").FullName;
        try
        {
            _ps.Run("$env:LVSPS_DRAIN_DIR = $args[0]", dir);
            test(dir);
        }
        finally
        {
            _ps.Run("$env:LVSPS_DRAIN_DIR = $null");
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Suspend_Remove_waits_for_the_active_connections_then_removes_and_a_busy_one_times_out_at_weight_0()
    {
        WithDrainDirectory(dir =>
        {
            _ps.Run("New-LvsVirtualService tcp/10.0.0.3:80; Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Weight 4; Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.8 -Weight 2");
            _ps.Run("$LvsInMemoryIpvs.get_Item('').SetConnections('tcp/10.0.0.3:80', '10.0.0.8', 80, 5, 0, 0)");
            PowerShellSession.Result r = _ps.Invoke("Get-LvsRealServer tcp/10.0.0.3:80 | Suspend-LvsRealServer -Remove -Timeout 1");
            Assert.Equal(new[] { "DrainTimeout" }, Ids(r));
            Assert.Contains("tcp/10.0.0.3:80 -> 10.0.0.8:80 still has 5 active connections after 1 s", r.AllErrors.Single().Exception.Message);
            Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s wlc", "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 0" }, _ipvs.Rules());
            Assert.Single(Directory.GetFiles(dir)); // the removed one's weight is forgotten, the busy one's kept
            _ps.Run("Resume-LvsRealServer tcp/10.0.0.3:80 10.0.0.8");
            Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 2", _ipvs.Rules());
        });
    }

    [Fact]
    public void Namespaces_are_separate_tables()
    {
        _ps.Run("New-LvsVirtualService tcp/10.0.0.3:80 -NetworkNamespace lb1; New-LvsVirtualService udp/10.0.0.3:53");
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s wlc" }, _ipvs.Rules("lb1"));
        Assert.Equal(new[] { "-A -u 10.0.0.3:53 -s wlc" }, _ipvs.Rules());
        Assert.Equal("lb1", _ps.Run("Get-LvsVirtualService -NetworkNamespace lb1 | ForEach-Object NetworkNamespace").Single().ToString());
    }

    [Fact]
    public void Clear_empties_the_table_and_Get_reads_nothing_back()
    {
        _ps.Run("New-LvsVirtualService tcp/10.0.0.3:80; New-LvsVirtualService fwmark/9");
        _ps.Run("Clear-LvsVirtualService -Confirm:$false");
        Assert.Empty(_ps.Run("Get-LvsVirtualService"));
    }
}
