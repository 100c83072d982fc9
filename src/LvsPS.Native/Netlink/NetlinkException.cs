namespace LvsPS.Native.Netlink;

/// <summary>How a netlink request failed: told apart because the remedies differ.</summary>
public enum NetlinkFailure
{
    /// <summary>The kernel received the request and refused it (an NLMSG_ERROR with an errno).</summary>
    KernelRefusal,
    /// <summary>The request did not get through: socket, namespace, send or receive failed, or no answer came.</summary>
    Transport,
    /// <summary>The kernel's answer could not be read (EPROTO).</summary>
    MalformedReply,
}

/// <summary>
/// A netlink request that failed, with the facts: what was being done, the errno (positive),
/// whether the kernel refused it or it never got through, and the kernel's extended-ACK text and
/// the offset in the request of the attribute it objected to, when it sent them.
/// </summary>
public class NetlinkException : Exception
{
    /// <summary>A transport failure described by <paramref name="message"/> (kept for callers that only have an errno and text).</summary>
    public NetlinkException(int errno, string message)
        : this(NetlinkFailure.Transport, message, errno, detail: null) { }

    public NetlinkException(NetlinkFailure failure, string operation, int errno, string? detail = null,
        string? extendedAckMessage = null, int? extendedAckOffset = null, Exception? inner = null)
        : base(Describe(failure, operation, errno, detail, extendedAckMessage, extendedAckOffset), inner)
    {
        Failure = failure;
        Operation = operation;
        Errno = errno;
        ExtendedAckMessage = extendedAckMessage;
        ExtendedAckOffset = extendedAckOffset;
    }

    public NetlinkFailure Failure { get; }

    /// <summary>What was being done: "socket(AF_NETLINK)", "get IPVS services", "RTM_NEWADDR".</summary>
    public string Operation { get; }

    public int Errno { get; }

    /// <summary>The kernel's own words (NLMSGERR_ATTR_MSG), when it sent them.</summary>
    public string? ExtendedAckMessage { get; }

    /// <summary>The byte offset in the request of the attribute the kernel objected to (NLMSGERR_ATTR_OFFS).</summary>
    public int? ExtendedAckOffset { get; }

    /// <summary>True when the kernel answered and said no; false when the request did not get through or the answer was unreadable.</summary>
    public bool IsKernelRefusal => Failure == NetlinkFailure.KernelRefusal;

    /// <summary>The kernel refused the request (NLMSG_ERROR, or a negative NLMSG_DONE status).</summary>
    public static NetlinkException Refused(int errno, string operation, string? extendedAckMessage = null, int? extendedAckOffset = null)
        => new(NetlinkFailure.KernelRefusal, operation, errno, null, extendedAckMessage, extendedAckOffset);

    /// <summary>A system call on the way to the kernel failed.</summary>
    public static NetlinkException FromErrno(int errno, string operation) => new(NetlinkFailure.Transport, operation, errno);

    /// <summary>The kernel's answer did not have the layout it must have.</summary>
    public static NetlinkException Malformed(string operation, string problem) => new(NetlinkFailure.MalformedReply, operation, Netlink.Errno.EPROTO, problem);

    private static string Describe(NetlinkFailure failure, string operation, int errno, string? detail, string? extAck, int? offset)
    {
        string kernelWords = extAck is null && offset is null ? ""
            : $" (the kernel says: {(extAck is null ? "" : $"'{extAck}'")}{(extAck is not null && offset is not null ? ", " : "")}{(offset is null ? "" : $"at byte {offset} of the request")})";
        return failure switch
        {
            NetlinkFailure.KernelRefusal => $"{operation}: the kernel refused it with {Netlink.Errno.Describe(errno)}{kernelWords}",
            NetlinkFailure.MalformedReply => $"{operation}: malformed reply from the kernel: {detail}",
            _ when detail is not null => $"{operation}: {detail}",
            _ => $"{operation}: {Netlink.Errno.Describe(errno)}",
        };
    }
}

/// <summary>The errno values the library tells apart, with their names.</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
        EACCES = 13, EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22, ERANGE = 34, EPROTO = 71,
        EOPNOTSUPP = 95, EAFNOSUPPORT = 97, ENOBUFS = 105, ETIMEDOUT = 110;

    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EIO => "EIO",
        EBADF => "EBADF", EAGAIN => "EAGAIN", ENOMEM => "ENOMEM", EACCES => "EACCES", EBUSY => "EBUSY",
        EEXIST => "EEXIST", ENODEV => "ENODEV", EINVAL => "EINVAL", ERANGE => "ERANGE",
        EPROTO => "EPROTO", EOPNOTSUPP => "EOPNOTSUPP", EAFNOSUPPORT => "EAFNOSUPPORT",
        ENOBUFS => "ENOBUFS", ETIMEDOUT => "ETIMEDOUT", _ => $"errno {errno}",
    };

    public static string Describe(int errno) => $"{Name(errno)}: {new System.ComponentModel.Win32Exception(errno).Message}";
}
