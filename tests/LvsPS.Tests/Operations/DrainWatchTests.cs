using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Operations;

namespace LvsPS.Tests.Operations;

/// <summary>The drain loop on a clock of its own: one dump per service per poll, drained when no active connection is left (or gone), busy at the timeout.</summary>
public sealed class DrainWatchTests
{
    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");

    private sealed class ManualTime : TimeProvider
    {
        public long Ticks;
        public override long GetTimestamp() => Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    private static (InMemoryIpvs Ipvs, RealServerRef A, RealServerRef B) TwoBusy()
    {
        var ipvs = new InMemoryIpvs();
        ipvs.AddVirtualService(new VirtualService { Key = Web });
        foreach (string a in new[] { "10.0.0.7", "10.0.0.8" })
            ipvs.AddRealServer(new RealServer { VirtualService = Web, Address = IPAddress.Parse(a), Port = 80, Forwarding = ForwardingMethod.Route });
        ipvs.SetConnections(Web, IPAddress.Parse("10.0.0.7"), 80, active: 3, inactive: 9);
        ipvs.SetConnections(Web, IPAddress.Parse("10.0.0.8"), 80, active: 1);
        return (ipvs, new RealServerRef(null, Web, IPAddress.Parse("10.0.0.7"), 80), new RealServerRef(null, Web, IPAddress.Parse("10.0.0.8"), 80));
    }

    [Fact]
    public void Real_servers_drain_as_their_active_connections_end_inactive_ones_do_not_count_and_a_gone_one_is_drained()
    {
        (InMemoryIpvs ipvs, RealServerRef a, RealServerRef b) = TwoBusy();
        var time = new ManualTime();
        int sleeps = 0;
        var progress = new List<DrainProgress>();
        var watch = new DrainWatch(_ => ipvs, time, (span, _) =>
        {
            time.Ticks += span.Ticks;
            if (++sleeps == 1) ipvs.SetConnections(Web, a.Address, 80, active: 0, inactive: 9);
            if (sleeps == 2) ipvs.RemoveRealServer(Web, b.Address, 80);
        });
        int dumps = ipvs.Dumps;

        DrainResult result = watch.Wait(new[] { a, b }, TimeSpan.FromSeconds(300), progress.Add);

        Assert.Empty(result.Busy);
        Assert.Equal(new[] { a, b }, result.Drained.Select(d => d.Target));
        Assert.Equal(9u, result.Drained[0].Last!.InactiveConnections);
        Assert.Null(result.Drained[1].Last);
        Assert.Equal(3, ipvs.Dumps - dumps); // one real-server dump per poll for the one service
        Assert.Equal(new[] { (0, 4UL), (1, 1UL) }, progress.Select(p => (p.Drained, p.ActiveLeft)));
    }

    [Fact]
    public void At_the_timeout_the_busy_ones_are_returned_with_their_last_reading()
    {
        (InMemoryIpvs ipvs, RealServerRef a, RealServerRef b) = TwoBusy();
        var time = new ManualTime();
        int polls = 0;
        DrainResult result = new DrainWatch(_ => { polls++; return ipvs; }, time, (span, _) => time.Ticks += span.Ticks).Wait(new[] { a, b }, TimeSpan.FromSeconds(3));

        Assert.Empty(result.Drained);
        Assert.Equal(new[] { 3u, 1u }, result.Busy.Select(x => x.Last!.ActiveConnections));
        Assert.Equal(4, polls); // at 0, 1, 2 and 3 s
        Assert.False(result.Cancelled);
    }

    [Fact]
    public void Cancellation_ends_the_wait_at_once()
    {
        (InMemoryIpvs ipvs, RealServerRef a, _) = TwoBusy();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        DrainResult result = new DrainWatch(_ => ipvs).Wait(new[] { a }, TimeSpan.FromHours(1), cancellationToken: cancel.Token);
        Assert.True(result.Cancelled);
        Assert.Single(result.Busy);
    }
}
