using System.Net;
using LvsPS.Native.DesiredState;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Native.Netlink;

namespace LvsPS.Tests.DesiredState;

/// <summary>Batches, the wait before the plan's second half, approval, held-back removals, cancellation and failures, as the report tells them.</summary>
public sealed class PlanApplierTests
{
    private static readonly VirtualServiceKey Web = VirtualServiceKey.Parse("tcp/10.0.0.3:80");

    private static RealServer Dest(int i, uint weight = 1)
        => new() { VirtualService = Web, Address = new IPAddress(new byte[] { 10, 1, (byte)(i >> 8), (byte)i }), Port = 80, Forwarding = ForwardingMethod.Route, Weight = weight };

    private static VirtualService WebWith(IEnumerable<RealServer> dests) => new() { Key = Web, Scheduler = "rr", RealServers = dests.ToArray() };

    /// <summary>Web with real servers 1..<paramref name="from"/> now, 1001..1000+<paramref name="to"/> desired: <paramref name="to"/> additions, then <paramref name="from"/> removals.</summary>
    private static (InMemoryIpvs Ipvs, IpvsPlan Plan) Swap(int from, int to)
    {
        InMemoryIpvs ipvs = KernelTables.Load(new[] { WebWith(Enumerable.Range(1, from).Select(i => Dest(i))) });
        IpvsPlan plan = DesiredStatePlanner.Plan(IpvsSnapshot.Capture(ipvs), KernelTables.Desired(new[] { WebWith(Enumerable.Range(1001, to).Select(i => Dest(i))) }), replace: true);
        return (ipvs, plan);
    }

    [Fact]
    public void Changes_go_in_batches_and_the_removals_wait_for_the_answers_to_the_additions()
    {
        (InMemoryIpvs ipvs, IpvsPlan plan) = Swap(from: 3, to: 1200);
        var batches = new List<int>();
        ipvs.BeforeApply = b => batches.Add(b.Count);
        var progress = new List<int>();

        ApplyReport report = new PlanApplier(ipvs) { ChunkSize = 500, Progress = p => progress.Add(p.StepsDone) }.Apply(plan);

        Assert.Equal(new[] { 500, 500, 200, 3 }, batches);
        Assert.Equal(new[] { 500, 1000, 1200, 1203 }, progress);
        Assert.True(report.Complete);
        Assert.Equal((1200, 3, 0), (report.Added, report.Removed, report.Refused));
        Assert.Equal(1200, ipvs.GetRealServers(Web).Count);
    }

    [Fact]
    public void A_declined_addition_holds_back_the_removal_that_would_leave_the_service_without_real_servers()
    {
        (InMemoryIpvs ipvs, IpvsPlan plan) = Swap(from: 2, to: 1);
        ApplyReport report = new PlanApplier(ipvs) { Approve = s => s is not ChangeStep { Change.Kind: IpvsChangeKind.AddRealServer } }.Apply(plan);

        Assert.Equal(new[] { StepStatus.Declined, StepStatus.Applied, StepStatus.HeldBack }, report.Outcomes.Select(o => o.Status));
        Assert.False(report.Complete);
        Assert.Equal("10.1.0.1:80", Assert.Single(ipvs.GetRealServers(Web)).Endpoint); // removed in the kernel's order, newest first: 10.1.0.2 went
    }

    [Fact]
    public void A_refused_addition_is_reported_with_the_kernels_error_and_holds_back_the_last_removal()
    {
        (InMemoryIpvs ipvs, IpvsPlan plan) = Swap(from: 1, to: 1);
        ipvs.Refuse(IpvsChangeKind.AddRealServer, "tcp/10.0.0.3:80 -> 10.1.3.233:80", Errno.ENOMEM);
        ApplyReport report = new PlanApplier(ipvs).Apply(plan);

        Assert.Equal(new[] { StepStatus.Refused, StepStatus.HeldBack }, report.Outcomes.Select(o => o.Status));
        Assert.Equal(Errno.ENOMEM, Assert.IsType<IpvsException>(report.Outcomes[0].Error).Errno);
        Assert.Equal("10.1.0.1:80", Assert.Single(ipvs.GetRealServers(Web)).Endpoint);
    }

    [Fact]
    public void Cancellation_stops_between_batches_and_what_was_not_sent_is_reported_not_attempted()
    {
        (InMemoryIpvs ipvs, IpvsPlan plan) = Swap(from: 10, to: 30);
        using var cancel = new CancellationTokenSource();
        ApplyReport report = new PlanApplier(ipvs) { ChunkSize = 10, Progress = p => { if (p.StepsDone >= 20) cancel.Cancel(); } }.Apply(plan, cancel.Token);

        Assert.True(report.Cancelled);
        Assert.Equal(20, report.Added);
        Assert.Equal(10 + 10, report.NotApplied);
        Assert.All(report.Outcomes.Skip(20), o => Assert.Equal(StepStatus.NotAttempted, o.Status));
        Assert.Equal(10 + 20, ipvs.GetRealServers(Web).Count); // nothing removed yet: still served
    }

    [Fact]
    public void Cancelled_while_asking_sends_nothing_of_the_batch_being_put_together()
    {
        (InMemoryIpvs ipvs, IpvsPlan plan) = Swap(from: 1, to: 5);
        int asked = 0, loaded = ipvs.ApplyCalls;
        ApplyReport report = new PlanApplier(ipvs) { Approve = _ => ++asked < 3 ? true : throw new OperationCanceledException() }.Apply(plan);

        Assert.True(report.Cancelled);
        Assert.Equal(loaded, ipvs.ApplyCalls);
        Assert.Equal(plan.Steps.Count, report.NotApplied);
    }

    [Fact]
    public void A_batch_that_cannot_be_sent_stops_the_run_and_its_fate_is_reported_unknown()
    {
        (InMemoryIpvs ipvs, IpvsPlan plan) = Swap(from: 1, to: 4);
        var broken = new NetlinkException(Errno.ENOBUFS, "the socket broke");
        int batches = 0;
        ipvs.BeforeApply = _ => { if (++batches == 2) throw broken; };
        ApplyReport report = new PlanApplier(ipvs) { ChunkSize = 2 }.Apply(plan);

        Assert.Same(broken, report.StoppedBy);
        Assert.Equal(new[] { StepStatus.Applied, StepStatus.Applied, StepStatus.Unknown, StepStatus.Unknown, StepStatus.NotAttempted },
            report.Outcomes.Select(o => o.Status));
    }

    [Fact]
    public void Timeouts_and_daemons_go_one_by_one_a_refusal_goes_on_and_no_privilege_stops()
    {
        var ipvs = new InMemoryIpvs();
        var plan = new IpvsPlan
        {
            Steps =
            [
                new SetTimeoutsStep(new IpvsTimeouts(int.MaxValue, 0, 0), null),
                new StartSyncDaemonStep(new SyncDaemon { State = SyncDaemonState.Master, Interface = "eth9" }, Restart: false),
                new StartSyncDaemonStep(new SyncDaemon { State = SyncDaemonState.Backup, Interface = "lo" }, Restart: false),
                new SetTimeoutsStep(new IpvsTimeouts(60, 0, 0), null),
            ],
        };
        ApplyReport report = new PlanApplier(ipvs).Apply(plan);
        Assert.Equal(new[] { StepStatus.Refused, StepStatus.Refused, StepStatus.Applied, StepStatus.Applied }, report.Outcomes.Select(o => o.Status));
        Assert.Equal(Errno.ENODEV, ((IpvsException)report.Outcomes[1].Error!).Errno);
        Assert.Equal((1, 1, 2), (report.Added, report.Changed, report.Refused));

        var denied = new PlanApplier(new DeniedIpvs(ipvs)).Apply(plan);
        Assert.Equal(Errno.EPERM, Assert.IsType<IpvsException>(denied.StoppedBy).Errno);
        Assert.Equal(new[] { StepStatus.Unknown, StepStatus.NotAttempted, StepStatus.NotAttempted, StepStatus.NotAttempted }, denied.Outcomes.Select(o => o.Status));
    }

    /// <summary>An IPVS that refuses everything for want of privilege (EPERM), as the kernel does without CAP_NET_ADMIN.</summary>
    private sealed class DeniedIpvs(IIpvsClient inner) : IIpvsClient
    {
        private static IpvsException Denied(IpvsOperation op) => IpvsException.From(op, Errno.EPERM, "");
        public string? NetworkNamespace => inner.NetworkNamespace;
        public IReadOnlyList<VirtualService> GetVirtualServices(bool includeRealServers = true) => throw Denied(IpvsOperation.GetServices);
        public VirtualService? GetVirtualService(VirtualServiceKey key, bool includeRealServers = true) => throw Denied(IpvsOperation.GetServices);
        public IReadOnlyList<RealServer> GetRealServers(VirtualServiceKey key) => throw Denied(IpvsOperation.GetRealServers);
        public void AddVirtualService(VirtualService service) => throw Denied(IpvsOperation.AddService);
        public void UpdateVirtualService(VirtualService service) => throw Denied(IpvsOperation.UpdateService);
        public void RemoveVirtualService(VirtualServiceKey key) => throw Denied(IpvsOperation.RemoveService);
        public void AddRealServer(RealServer realServer) => throw Denied(IpvsOperation.AddRealServer);
        public void UpdateRealServer(RealServer realServer) => throw Denied(IpvsOperation.UpdateRealServer);
        public void RemoveRealServer(VirtualServiceKey service, IPAddress address, ushort port) => throw Denied(IpvsOperation.RemoveRealServer);
        public IReadOnlyList<IpvsChangeResult> Apply(IReadOnlyList<IpvsChange> changes) => throw Denied(IpvsOperation.AddService);
        public IpvsInfo GetInfo() => throw Denied(IpvsOperation.GetInfo);
        public IpvsTimeouts GetTimeouts() => throw Denied(IpvsOperation.GetTimeouts);
        public void SetTimeouts(IpvsTimeouts timeouts) => throw Denied(IpvsOperation.SetTimeouts);
        public void ZeroCounters(VirtualServiceKey? key) => throw Denied(IpvsOperation.Zero);
        public void Flush() => throw Denied(IpvsOperation.Flush);
        public IReadOnlyList<SyncDaemon> GetSyncDaemons() => throw Denied(IpvsOperation.GetSyncDaemons);
        public void StartSyncDaemon(SyncDaemon daemon) => throw Denied(IpvsOperation.StartSyncDaemon);
        public void StopSyncDaemon(SyncDaemonState state) => throw Denied(IpvsOperation.StopSyncDaemon);
        public void Dispose() { }
    }
}
