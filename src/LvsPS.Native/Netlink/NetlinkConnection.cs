using System.Buffers.Binary;
using LvsPS.Native.Interop;

namespace LvsPS.Native.Netlink;

/// <summary>Receives one reply message's payload (after the nlmsghdr) and its type.</summary>
internal delegate void NetlinkReplyHandler(ReadOnlySpan<byte> payload, ushort type);

/// <summary>Writes one request of a batch: the message for <c>index</c>, with the given header flags and sequence.</summary>
internal delegate void NetlinkBatchBuilder(NetlinkWriter writer, int index, ushort flags, uint sequence);

/// <summary>Writes one request message with the given header flags and sequence.</summary>
internal delegate void NetlinkRequestBuilder(NetlinkWriter writer, ushort flags, uint sequence);

/// <summary>The kernel's answer to one request of a batch: errno 0 when applied, else its refusal in its own words when it gave them.</summary>
internal readonly record struct NetlinkAnswer(int Errno, string? ExtendedAckMessage = null, int? ExtendedAckOffset = null)
{
    public bool Succeeded => Errno == 0;
}

/// <summary>
/// Request/reply over one persistent netlink socket: sequence numbers checked, ACKs and
/// NLMSG_ERROR decoded, multipart dumps collected (and retried when NLM_F_DUMP_INTR says a
/// dump was inconsistent), and batches of many requests per sendmsg with each failure
/// matched back to its request by sequence number. Not thread-safe: one caller at a time.
/// </summary>
internal sealed class NetlinkConnection : IDisposable
{
    /// <summary>Requests per sendmsg; each add-dest is ≈108 bytes, so this stays near 64 KiB.</summary>
    public const int MaxBatchRequests = 512;
    public const int MaxBatchBytes = 60 * 1024;
    public const int MaxDumpAttempts = 5;

    private readonly INetlinkSocket _socket;
    private readonly byte[] _receiveBuffer = new byte[256 * 1024];
    private readonly NetlinkWriter _writer = new(MaxBatchBytes + 4096);
    private uint _sequence;

    public NetlinkConnection(INetlinkSocket socket, uint firstSequence = 0)
    {
        _socket = socket;
        _sequence = firstSequence == 0 ? (uint)Environment.TickCount : firstSequence;
    }

    /// <summary>Sends one request that the kernel must acknowledge; replies before the ACK go to <paramref name="onReply"/>.</summary>
    public void Execute(NetlinkRequestBuilder build, NetlinkReplyHandler? onReply, string operation)
    {
        uint seq = NextSequence();
        _writer.Reset();
        build(_writer, (ushort)(netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_ACK), seq);
        _socket.Send(_writer.WrittenSpan);
        while (true)
        {
            int n = _socket.Receive(_receiveBuffer);
            var messages = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, n));
            while (messages.MoveNext())
            {
                if (messages.Sequence != seq)
                    continue; // a stale answer to an earlier, abandoned request
                if (messages.Type == netlink_h.NLMSG_ERROR)
                {
                    int error = NetlinkErrorMessage.Decode(messages.Payload, messages.Flags, out string? text, out int? offset);
                    if (error != 0)
                        throw NetlinkException.Refused(-error, operation, text, offset);
                    return;
                }
                if (messages.Type != netlink_h.NLMSG_DONE && messages.Type != netlink_h.NLMSG_NOOP)
                    onReply?.Invoke(messages.Payload, messages.Type);
            }
            ThrowIfMalformed(messages.Error, operation);
        }
    }

    /// <summary>
    /// Runs a dump to its NLMSG_DONE. When the kernel flags it as interrupted (the table
    /// changed mid-dump), <paramref name="restart"/> is called and the dump is run again.
    /// </summary>
    public void Dump(NetlinkRequestBuilder build, NetlinkReplyHandler onReply, Action restart, string operation)
        => Dump(build, onReply, restart, operation, refusalOf: null);

    private void Dump(NetlinkRequestBuilder build, NetlinkReplyHandler onReply, Action restart, string operation, uint? refusalOf)
    {
        for (int attempt = 1; ; attempt++)
        {
            if (!DumpOnce(build, onReply, operation, refusalOf))
                return;
            if (attempt == MaxDumpAttempts)
                throw new NetlinkException(NetlinkFailure.Transport, operation, Errno.EAGAIN, $"the table kept changing during {MaxDumpAttempts} dumps in a row");
            restart();
        }
    }

    /// <summary>
    /// Sends a request without asking for an ACK, then a dump on the same socket that shows what
    /// the request left. For requests whose success the kernel may leave unanswered:
    /// netlink_rcv_skb sends nothing at all, neither ACK nor error, when a handler returns -EINTR
    /// (IPVS's DEL_DAEMON does, having stopped the daemon, when the daemon's thread had not run
    /// yet: kthread_stop returns -EINTR), so waiting for an ACK would wait forever. The kernel
    /// handles one socket's requests in order, each before its sendmsg returns, so a refusal
    /// arrives before the dump's first message and is thrown as from <see cref="Execute"/>.
    /// </summary>
    public void ExecuteConfirmedByDump(NetlinkRequestBuilder request, NetlinkRequestBuilder dump, NetlinkReplyHandler onDumpReply,
        Action restart, string operation)
    {
        uint requestSequence = NextSequence();
        _writer.Reset();
        request(_writer, netlink_h.NLM_F_REQUEST, requestSequence);
        _socket.Send(_writer.WrittenSpan);
        Dump(dump, onDumpReply, restart, operation, refusalOf: requestSequence);
    }

    /// <summary>Returns true when the dump was interrupted and must be repeated. A refusal of the request <paramref name="refusalOf"/> (sent just before, without ACK) is thrown.</summary>
    private bool DumpOnce(NetlinkRequestBuilder build, NetlinkReplyHandler onReply, string operation, uint? refusalOf)
    {
        uint seq = NextSequence();
        _writer.Reset();
        build(_writer, (ushort)(netlink_h.NLM_F_REQUEST | netlink_h.NLM_F_DUMP), seq);
        _socket.Send(_writer.WrittenSpan);
        bool interrupted = false;
        while (true)
        {
            int n = _socket.Receive(_receiveBuffer);
            var messages = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, n));
            while (messages.MoveNext())
            {
                if (messages.Sequence != seq)
                {
                    if (messages.Sequence == refusalOf && messages.Type == netlink_h.NLMSG_ERROR)
                    {
                        int refused = NetlinkErrorMessage.Decode(messages.Payload, messages.Flags, out string? why, out int? at);
                        if (refused != 0)
                            throw NetlinkException.Refused(-refused, operation, why, at);
                    }
                    continue;
                }
                if ((messages.Flags & netlink_h.NLM_F_DUMP_INTR) != 0)
                    interrupted = true;
                switch (messages.Type)
                {
                    case netlink_h.NLMSG_ERROR:
                        int error = NetlinkErrorMessage.Decode(messages.Payload, messages.Flags, out string? text, out int? offset);
                        if (error != 0)
                            throw NetlinkException.Refused(-error, operation, text, offset);
                        return interrupted;
                    case netlink_h.NLMSG_DONE:
                        int status = messages.Payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(messages.Payload) : 0;
                        if (status < 0)
                            throw NetlinkException.Refused(-status, operation);
                        return interrupted;
                    case netlink_h.NLMSG_NOOP:
                        break;
                    default:
                        if (!interrupted)
                            onReply(messages.Payload, messages.Type);
                        break;
                }
            }
            ThrowIfMalformed(messages.Error, operation);
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> requests, many per sendmsg. Only the last request of each
    /// sendmsg asks for an ACK: the kernel still answers every failing request with an
    /// NLMSG_ERROR, and handles a datagram's messages in order, so the last ACK closes the chunk.
    /// Returns the kernel's answer to each request (errno 0 = applied). Not a transaction: earlier successes stay.
    /// </summary>
    public NetlinkAnswer[] ExecuteBatch(int count, NetlinkBatchBuilder build, string operation)
    {
        var results = new NetlinkAnswer[count];
        int next = 0;
        while (next < count)
        {
            _writer.Reset();
            int first = next;
            uint firstSeq = _sequence + 1;
            int lastStart = 0;
            while (next < count && next - first < MaxBatchRequests && _writer.Length < MaxBatchBytes)
            {
                lastStart = _writer.Length;
                build(_writer, next, netlink_h.NLM_F_REQUEST, NextSequence());
                next++;
            }
            _writer.AddMessageFlags(lastStart, netlink_h.NLM_F_ACK);
            ReceiveBatchAnswers(results, first, next - first, firstSeq, operation);
        }
        return results;
    }

    private void ReceiveBatchAnswers(NetlinkAnswer[] results, int first, int sent, uint firstSeq, string operation)
    {
        _socket.Send(_writer.WrittenSpan);
        uint lastSeq = firstSeq + (uint)sent - 1;
        while (true)
        {
            int n = _socket.Receive(_receiveBuffer);
            var messages = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, n));
            bool done = false;
            while (messages.MoveNext())
            {
                uint offset = messages.Sequence - firstSeq;
                if (messages.Type != netlink_h.NLMSG_ERROR || offset >= (uint)sent)
                    continue;
                int error = NetlinkErrorMessage.Decode(messages.Payload, messages.Flags, out string? text, out int? at);
                results[first + (int)offset] = new NetlinkAnswer(-error, text, at);
                if (messages.Sequence == lastSeq)
                    done = true;
            }
            ThrowIfMalformed(messages.Error, operation);
            if (done)
                return;
        }
    }

    private uint NextSequence()
    {
        return ++_sequence; // wraps; the kernel does not care, and batch offsets are computed modulo 2^32
    }

    private static void ThrowIfMalformed(string? error, string operation)
    {
        if (error != null)
            throw NetlinkException.Malformed(operation, error);
    }

    public void Dispose() => _socket.Dispose();
}
