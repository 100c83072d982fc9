namespace LvsPS.Native.Netlink;

/// <summary>One netlink datagram socket: what <see cref="NetlinkConnection"/> needs of the kernel.</summary>
internal interface INetlinkSocket : IDisposable
{
    /// <summary>Sends the bytes as one datagram (one sendmsg), which may hold many messages.</summary>
    void Send(ReadOnlySpan<byte> datagram);

    /// <summary>Receives one datagram; returns its length. Throws <see cref="NetlinkException"/> on errors, including ENOBUFS.</summary>
    int Receive(Span<byte> buffer);
}
