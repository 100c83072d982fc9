using System.Net;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Vrrp;

public sealed partial class VrrpInstance
{
    private void Run()
    {
        _inbox.BindToCurrentThread();
        try
        {
            PollLinks(force: true);
            Execute(_machine.Start(Now));
            while (!_stopRequested)
            {
                WaitForWork();
                _inbox.ApplyPending();
                if (_stopRequested)
                    break;
                _socket.ReceiveAll(OnPacket);
                Execute(_machine.Tick(Now));
                SendDueAnnouncements();
                PollLinks(force: false);
            }
            Execute(_machine.Shutdown(Now));
        }
        catch (Exception e)
        {
            LastError = $"the protocol thread stopped: {e.Message}";
            Counters.Error();
            TryRemoveVips();
            Publish(new VrrpStateChange(Name, State, VrrpState.Init, LastError, DateTimeOffset.Now, Priority, MasterAddress));
        }
        finally
        {
            _inbox.Close();
            _socket.Dispose();
            _announcer.Dispose();
            _binder.Dispose();
            CloseEventFd();
            lock (_sync)
            {
                _exited.Set();
                Monitor.PulseAll(_sync);
            }
            _notifications.CompleteAdding();
            _ = FinishAsync();
        }
    }

    /// <summary>poll() on the socket and the eventfd until the next timer of the machine, the announcer or the link poll.</summary>
    private unsafe void WaitForWork()
    {
        TimeSpan now = Now;
        TimeSpan next = _machine.NextDeadline ?? now + TimeSpan.FromSeconds(1);
        if (_announceAt.Count > 0 && _announceAt.Min() < next)
            next = _announceAt.Min();
        if (_nextLinkPoll < next)
            next = _nextLinkPoll;
        int timeout = (int)Math.Clamp(Math.Ceiling((next - now).TotalMilliseconds), 0, 1000);
        pollfd* fds = stackalloc pollfd[2];
        fds[0].fd = _socket.FileDescriptor;
        fds[0].events = VrrpNative.POLLIN;
        fds[1].fd = _eventFd;
        fds[1].events = VrrpNative.POLLIN;
        if (poll(fds, 2, timeout) > 0 && (fds[1].revents & VrrpNative.POLLIN) != 0)
        {
            ulong value;
            read(_eventFd, &value, 8);
        }
    }

    private void OnPacket(in VrrpIpPacket packet, VrrpDropReason parsed)
    {
        VrrpDropReason reason = parsed;
        VrrpAdvertisement? advert = null;
        if (reason == VrrpDropReason.None)
            reason = _filter.Check(packet, out advert);
        if (reason != VrrpDropReason.None)
        {
            Counters.Drop(reason);
            return;
        }
        Counters.Received(advert!.Priority);
        Execute(_machine.Receive(Now, advert, packet.Source));
    }

    private void Execute(List<VrrpAction> actions)
    {
        foreach (VrrpAction action in actions)
        {
            switch (action.Kind)
            {
                case VrrpActionKind.SendAdvertisement:
                    SendAdvertisement(action.Priority);
                    break;
                case VrrpActionKind.AddVirtualAddresses:
                    foreach (VrrpVirtualAddress vip in _options.HeldAddresses)
                        Try($"add {vip} to {_link.Name}", () => _binder.TryAddAddress(_link.Index, vip.Address, vip.PrefixLength));
                    break;
                case VrrpActionKind.RemoveVirtualAddresses:
                    _announceAt.Clear();
                    TryRemoveVips();
                    break;
                case VrrpActionKind.Announce:
                    Announce();
                    if (_options.GratuitousArpDelay > TimeSpan.Zero)
                        _announceAt.Add(Now + _options.GratuitousArpDelay);
                    if (_options.GratuitousArpRefresh > TimeSpan.Zero)
                        _announceAt.Add(Now + _options.GratuitousArpRefresh);
                    break;
                case VrrpActionKind.StateChanged:
                    if (action.To != VrrpState.Master)
                        _announceAt.Clear();
                    Counters.Transition(action.To);
                    Publish(new VrrpStateChange(Name, action.From, action.To, action.Reason ?? "", DateTimeOffset.Now, _machine.Priority, _machine.MasterAddress));
                    break;
                case VrrpActionKind.MasterWanted:
                    OnMasterWanted();
                    break;
            }
        }
        ReportToGroup();
        Priority = _machine.Priority;
        Preempt = _machine.Preempt;
        PreemptDelay = _machine.PreemptDelay;
        MasterAddress = _machine.MasterAddress;
        MasterAdvertisementInterval = _machine.MasterAdvertisementInterval;
    }

    private void SendAdvertisement(byte priority)
    {
        var advert = new VrrpAdvertisement(_options.Version, (byte)_options.VirtualRouterId, priority, _options.AdvertisementIntervalCentiseconds,
            _options.VirtualAddresses.Select(v => v.Address).ToArray(),
            _password.Length > 0 ? VrrpAuthenticationType.Password : VrrpAuthenticationType.None, _password.Length > 0 ? _password : new byte[8]);
        foreach (IPAddress destination in _destinations)
        {
            if (Try($"send an advert to {destination}", () => _socket.Send(VrrpCodec.Encode(advert, LocalAddress, destination), LocalAddress, destination)))
                Counters.Sent(priority);
        }
    }

    private void Announce()
    {
        for (int i = 0; i < Math.Max(1, _options.GratuitousArpRepeat); i++)
            foreach (VrrpVirtualAddress vip in _options.HeldAddresses)
                if (Try($"announce {vip.Address}", () => _announcer.Announce(vip.Address)))
                    Counters.Announced();
    }

    private void SendDueAnnouncements()
    {
        TimeSpan now = Now;
        int due = _announceAt.RemoveAll(t => t <= now);
        if (due == 0 || State != VrrpState.Master)
            return;
        Announce();
        if (_options.GratuitousArpRefresh > TimeSpan.Zero && !_announceAt.Any(t => t > now + _options.GratuitousArpDelay))
            _announceAt.Add(now + _options.GratuitousArpRefresh);
    }

    private void TryRemoveVips()
    {
        foreach (VrrpVirtualAddress vip in _options.HeldAddresses)
            Try($"remove {vip} from {_link.Name}", () => _binder.TryRemoveAddress(_link.Index, vip.Address, vip.PrefixLength));
    }

    private bool Try(string what, Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (Exception e) when (e is VrrpSocketException or Netlink.NetlinkException)
        {
            LastError = $"{what}: {e.Message}";
            Counters.Error();
            return false;
        }
    }

    private void Publish(VrrpStateChange change)
    {
        lock (_sync)
        {
            State = change.To;
            LastTransitionTime = change.Time;
            _history.Add(change);
            if (_history.Count > HistoryLength)
                _history.RemoveAt(0);
            Monitor.PulseAll(_sync);
        }
        if (!_notifications.IsAddingCompleted)
            _notifications.Add(change);
    }

    private void Notify()
    {
        try
        {
            foreach (VrrpStateChange change in _notifications.GetConsumingEnumerable())
            {
                try
                {
                    StateChanged?.Invoke(this, change);
                }
                catch (Exception e)
                {
                    LastError = $"the state-change handler failed: {e.Message}";
                }
                QueueNotifyScripts(change);
            }
        }
        finally
        {
            _notified.TrySetResult();
        }
    }
}
