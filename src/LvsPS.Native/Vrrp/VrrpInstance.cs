using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LvsPS.Native.RouteNetlink;
using LvsPS.Native.Runtime;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Vrrp;

/// <summary>
/// A running VRRP instance: the pure <see cref="VrrpStateMachine"/> driven by one background
/// protocol thread that owns the raw socket, the packet socket for announcements and a route
/// netlink socket for the VIPs, all opened in the instance's network namespace. Other threads
/// talk to it through a <see cref="CommandInbox"/> woken by an eventfd; a command completes once
/// the protocol thread applied it. Track and notify scripts run on the runtime, never on the
/// protocol thread. As an <see cref="IWorker"/> it stops first at shutdown (a master hands over).
/// </summary>
public sealed partial class VrrpInstance : IDisposable, IWorker
{
    /// <summary>The worker kind under which the supervisor keeps instances.</summary>
    public const string WorkerKind = "VRRP instance";

    private const int HistoryLength = 64;
    private static readonly TimeSpan LinkPollInterval = TimeSpan.FromMilliseconds(200);

    private readonly VrrpInstanceOptions _options;
    private readonly VrrpSocket _socket;
    private readonly VrrpAnnouncer _announcer;
    private readonly RouteNetlinkClient _binder;
    private readonly NetworkLink _link;
    private readonly int _eventFd;
    private readonly VrrpReceiveFilter _filter;
    private readonly VrrpStateMachine _machine;
    private readonly IPAddress[] _destinations;
    private readonly byte[] _password;
    private readonly long _epoch = Stopwatch.GetTimestamp();
    private readonly CommandInbox _inbox;
    private readonly object _sync = new();
    private readonly List<VrrpStateChange> _history = new();
    private readonly BlockingCollection<VrrpStateChange> _notifications = new();
    private readonly ManualResetEventSlim _exited = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private readonly List<TimeSpan> _announceAt = new();
    private readonly Dictionary<string, bool> _trackUp = new(StringComparer.Ordinal);
    private TimeSpan _nextLinkPoll;
    private bool _stopRequested;

    private VrrpInstance(VrrpInstanceOptions options, VrrpSocket socket, VrrpAnnouncer announcer, RouteNetlinkClient binder, NetworkLink link, IPAddress localAddress, int eventFd)
    {
        _options = options;
        _socket = socket;
        _announcer = announcer;
        _binder = binder;
        _link = link;
        _eventFd = eventFd;
        LocalAddress = localAddress;
        _filter = new VrrpReceiveFilter(options) { LocalAddress = localAddress };
        _password = VrrpInstanceOptions.PasswordBytes(options.AuthenticationPassword);
        _destinations = options.IsUnicast ? options.UnicastPeers.ToArray() : new[] { VrrpInstanceOptions.MulticastGroup(options.AddressFamily) };
        _machine = new VrrpStateMachine(options.Version, (byte)options.Priority, options.AdvertisementInterval, localAddress,
            options.Preempt, options.PreemptDelay, options.InitialState);
        ConfiguredPriority = options.Priority;
        _inbox = new CommandInbox(WorkerKind, options.Name, Wake);
        _trackScripts = options.TrackScripts.Select(TrackScript).ToArray();
        ObserveNotifyScripts();
        _thread = new Thread(Run) { IsBackground = true, Name = $"vrrp:{options.Name}" };
    }

    public string Name => _options.Name;
    public VrrpInstanceOptions Options => _options;
    public string Interface => _options.Interface;
    public int VirtualRouterId => _options.VirtualRouterId;
    public int Version => _options.Version;
    public string? NetworkNamespace => _options.NetworkNamespace;
    public IReadOnlyList<VrrpVirtualAddress> VirtualAddresses => _options.VirtualAddresses;
    /// <summary>Held with <see cref="VirtualAddresses"/> but not advertised (keepalived's virtual_ipaddress_excluded).</summary>
    public IReadOnlyList<VrrpVirtualAddress> ExcludedAddresses => _options.ExcludedAddresses;
    public TimeSpan AdvertisementInterval => _options.AdvertisementInterval;
    public VrrpCounters Counters { get; } = new();
    /// <summary>The address this instance advertises from (the interface's primary, its link-local, or -UnicastSource).</summary>
    public IPAddress LocalAddress { get; }
    public int InterfaceIndex => _link.Index;
    public DateTimeOffset StartTime { get; } = DateTimeOffset.Now;
    public VrrpState State { get; private set; } = VrrpState.Init;
    public byte Priority { get; private set; }
    public int ConfiguredPriority { get; private set; }
    public bool Preempt { get; private set; }
    public TimeSpan PreemptDelay { get; private set; }
    public IPAddress? MasterAddress { get; private set; }
    public TimeSpan MasterAdvertisementInterval { get; private set; }
    public bool IsRunning => !_exited.IsSet;
    string IWorker.Kind => WorkerKind;
    ShutdownStage IWorker.ShutdownStage => ShutdownStage.HandOver;
    /// <summary>The last failure of a send, an address change or a tracked check; null when none.</summary>
    public string? LastError { get; private set; }
    public DateTimeOffset? LastTransitionTime { get; private set; }
    /// <summary>The virtual addresses found on the interface at start (left by a crashed run) and removed.</summary>
    public IReadOnlyList<VrrpVirtualAddress> StaleAddressesRemoved => _staleRemoved;
    private readonly List<VrrpVirtualAddress> _staleRemoved = new();

    /// <summary>The last state changes, oldest first.</summary>
    public IReadOnlyList<VrrpStateChange> History
    {
        get { lock (_sync) return _history.ToArray(); }
    }

    /// <summary>Raised on a background thread (never the protocol thread), in order, for every state change.</summary>
    public event Action<VrrpInstance, VrrpStateChange>? StateChanged;

    /// <summary>
    /// Validates the options, opens the sockets in the namespace (interface missing, not root and
    /// the like fail here), removes VIPs a crashed run left behind, and starts the protocol thread.
    /// </summary>
    public static VrrpInstance Start(VrrpInstanceOptions options, Action<VrrpInstance, VrrpStateChange>? onStateChange = null)
        => Start(options, onStateChange, syncGroup: null);

    private static VrrpInstance Open(VrrpInstanceOptions options)
    {
        RouteNetlinkClient binder = RouteNetlinkClient.Open(null);
        VrrpSocket? socket = null;
        VrrpAnnouncer? announcer = null;
        try
        {
            NetworkLink link = binder.FindLink(options.Interface)
                ?? throw new VrrpValidationException(VrrpRule.InterfaceNotFound,
                    $"The interface '{options.Interface}' does not exist{(options.NetworkNamespace is null ? "" : $" in network namespace '{options.NetworkNamespace}'")}.");
            IPAddress local = options.UnicastSource ?? PrimaryAddress(binder, link, options);
            socket = VrrpSocket.Open(options.AddressFamily, link.Name, link.Index, !options.IsUnicast, options.IsUnicast ? options.UnicastSource : null);
            announcer = VrrpAnnouncer.Open(link.Index, link.HardwareAddress);
            int efd = eventfd(0, VrrpNative.EFD_CLOEXEC | VrrpNative.EFD_NONBLOCK);
            VrrpNative.Check(efd, "eventfd");
            return new VrrpInstance(options, socket, announcer, binder, link, local, efd);
        }
        catch
        {
            socket?.Dispose();
            announcer?.Dispose();
            binder.Dispose();
            throw;
        }
    }

    private static IPAddress PrimaryAddress(RouteNetlinkClient binder, NetworkLink link, VrrpInstanceOptions options)
    {
        var vips = options.HeldAddresses.Select(v => v.Address).ToHashSet();
        IReadOnlyList<InterfaceAddress> addresses = binder.GetAddresses(link.Index, options.AddressFamily);
        InterfaceAddress? primary = options.AddressFamily == AddressFamily.InterNetworkV6
            ? addresses.FirstOrDefault(a => a.Address.IsIPv6LinkLocal && !vips.Contains(a.Address))
            : addresses.FirstOrDefault(a => !a.IsSecondary && !vips.Contains(a.Address)) ?? addresses.FirstOrDefault(a => !vips.Contains(a.Address));
        return primary?.Address ?? throw new VrrpValidationException(VrrpRule.NoInterfaceAddress,
            options.AddressFamily == AddressFamily.InterNetworkV6
                ? $"The interface '{link.Name}' has no IPv6 link-local address to advertise from (is it up? is IPv6 disabled?)."
                : $"The interface '{link.Name}' has no IPv4 address of its own to advertise from, and no unicast source address is given.");
    }

    private void Launch()
    {
        Priority = (byte)_options.Priority;
        Preempt = _options.Preempt;
        PreemptDelay = _options.PreemptDelay;
        MasterAdvertisementInterval = _options.AdvertisementInterval;
        if (_options.Priority != 255)
            foreach (VrrpVirtualAddress vip in _options.HeldAddresses)
                if (_binder.TryRemoveAddress(_link.Index, vip.Address, vip.PrefixLength))
                    _staleRemoved.Add(vip);
        _notifyThread = new Thread(Notify) { IsBackground = true, Name = $"vrrp-notify:{Name}" };
        _notifyThread.Start();
        _thread.Start();
        foreach (PeriodicScript script in _trackScripts)
            script.Start();
    }

    /// <summary>Changes the configured priority (tracking still adjusts it); returns once the protocol thread applied it, so <see cref="Priority"/> reads the new value.</summary>
    /// <exception cref="VrrpValidationException">Out of range.</exception>
    /// <exception cref="WorkerStoppedException">The instance is stopped.</exception>
    public void SetPriority(int priority) => SetPriorityAsync(priority).GetAwaiter().GetResult();

    /// <inheritdoc cref="SetPriority"/>
    public Task SetPriorityAsync(int priority)
    {
        if (priority is < 1 or > 255)
            throw new VrrpValidationException(VrrpRule.InvalidPriority, $"The priority {priority} is out of range: 1 to 255.");
        return _inbox.InvokeAsync(() =>
        {
            ConfiguredPriority = priority;
            Execute(_machine.SetPriority(Now, EffectivePriority()));
        });
    }

    /// <summary>Turns preemption on or off (and restarts the preempt delay when given); returns once applied.</summary>
    public void SetPreempt(bool preempt, TimeSpan? delay = null) => SetPreemptAsync(preempt, delay).GetAwaiter().GetResult();

    /// <inheritdoc cref="SetPreempt"/>
    public Task SetPreemptAsync(bool preempt, TimeSpan? delay = null)
    {
        if (delay is { } d && (d < TimeSpan.Zero || d > TimeSpan.FromSeconds(1000)))
            throw new VrrpValidationException(VrrpRule.InvalidPreemptDelay, "The preempt delay is 0 to 1000 s.");
        return _inbox.InvokeAsync(() =>
        {
            _machine.SetPreempt(Now, preempt, delay);
            Execute(new List<VrrpAction>()); // mirrors Preempt and PreemptDelay for readers
        });
    }

    /// <summary>Waits until the instance is in <paramref name="state"/>; false on timeout or when it stopped first.</summary>
    public bool WaitForState(VrrpState state, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_sync)
        {
            while (State != state)
            {
                if (!IsRunning && state != VrrpState.Init)
                    return false;
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                    return false;
                cancellationToken.ThrowIfCancellationRequested();
                Monitor.Wait(_sync, TimeSpan.FromMilliseconds(Math.Min(100, left * 1000.0 / Stopwatch.Frequency + 1)));
            }
            return true;
        }
    }

    /// <summary>Blocks until the instance stopped (Stop, or a fatal error); false when the token fired first.</summary>
    public bool WaitForExit(CancellationToken cancellationToken)
    {
        try
        {
            _exited.Wait(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Stops gracefully: a master sends a priority-0 advert and removes its VIPs, then the track
    /// scripts stop (a running one is terminated), the notify scripts of the last changes run, and the
    /// IPVS sync daemons it started are stopped. Completes when nothing of the instance runs.
    /// </summary>
    public Task StopAsync()
    {
        _inbox.Post(() => _stopRequested = true);
        // A StateChanged handler that stops its own instance cannot wait for the notifications to end: it is one.
        if (Thread.CurrentThread == _notifyThread)
            return Task.Run(() => _exited.Wait());
        return _ended.Task;
    }

    private Thread? _notifyThread;

    /// <summary><see cref="StopAsync"/>, waiting at most <paramref name="timeout"/> (10 s by default).</summary>
    public void Stop(TimeSpan? timeout = null) => StopAsync().Wait(timeout ?? TimeSpan.FromSeconds(10));

    public void Dispose() => Stop();

    private TimeSpan Now => Stopwatch.GetElapsedTime(_epoch);

    /// <summary>Wakes the protocol thread; never writes to the eventfd once it is closed (its number may belong to another file by then).</summary>
    private unsafe void Wake()
    {
        lock (_wakeLock)
        {
            if (_eventFdClosed)
                return;
            ulong one = 1;
            write(_eventFd, &one, (size_t)8);
        }
    }

    private void CloseEventFd()
    {
        lock (_wakeLock)
        {
            if (_eventFdClosed)
                return;
            _eventFdClosed = true;
            close(_eventFd);
        }
    }

    private readonly object _wakeLock = new();
    private bool _eventFdClosed;
}
