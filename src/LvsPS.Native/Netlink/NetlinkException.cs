namespace LvsPS.Native.Netlink;

/// <summary>A kernel refusal or a transport failure, with its errno (positive) kept.</summary>
public class NetlinkException : Exception
{
    public NetlinkException(int errno, string message) : base(message) => Errno = errno;

    public int Errno { get; }

    public static NetlinkException FromErrno(int errno, string operation, string? extAck = null)
        => new(errno, $"{operation}: {Netlink.Errno.Describe(errno)}{(extAck is null ? "" : $" ({extAck})")}");
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
