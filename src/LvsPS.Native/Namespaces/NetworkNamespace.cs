using System.Runtime.ExceptionServices;
using LvsPS.Native.Netlink;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Namespaces;

/// <summary>
/// Runs work inside a network namespace on a short-lived thread that joined it first:
/// setns affects only the calling thread, so the caller's own namespace never changes. What
/// the work opens there (sockets, /proc/thread-self/net files, /proc/sys/net files) stays
/// bound to that namespace and can be used from any thread afterwards.
/// </summary>
public static unsafe class NetworkNamespace
{
    private const int O_RDONLY = 0, O_CLOEXEC = 0x80000, CLONE_NEWNET = 0x40000000;

    /// <summary>A name from ip netns (/run/netns/NAME), or a path such as /proc/1234/ns/net.</summary>
    public static string PathOf(string networkNamespace)
        => networkNamespace.Contains('/') ? networkNamespace : $"/run/netns/{networkNamespace}";

    /// <summary>Runs <paramref name="work"/> in the namespace (null or empty: here, on the calling thread).</summary>
    /// <exception cref="NetworkNamespaceNotFoundException">No such namespace.</exception>
    /// <exception cref="NetlinkException">setns refused (EPERM without CAP_SYS_ADMIN).</exception>
    public static T Run<T>(string? networkNamespace, Func<T> work)
    {
        if (string.IsNullOrEmpty(networkNamespace))
            return work();
        string path = PathOf(networkNamespace);
        if (!File.Exists(path))
            throw new NetworkNamespaceNotFoundException(networkNamespace, path);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Join(path);
                result = work();
            }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        }) { Name = "lvsps-setns", IsBackground = true };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>
    /// Moves the calling thread into the namespace for good: for a long-lived thread of its own
    /// (the health engine's loop) that opens sockets there all the time. Never call it on a pool thread.
    /// </summary>
    /// <exception cref="NetworkNamespaceNotFoundException">No such namespace.</exception>
    public static void JoinOnThisThread(string networkNamespace)
    {
        string path = PathOf(networkNamespace);
        if (!File.Exists(path))
            throw new NetworkNamespaceNotFoundException(networkNamespace, path);
        Join(path);
    }

    private static void Join(string path)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = bytes)
            fd = open(p, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0)
            throw NetlinkException.FromErrno(errno, $"open({path})");
        try
        {
            if (setns(fd, CLONE_NEWNET) < 0)
                throw NetlinkException.FromErrno(errno, $"setns({path})");
        }
        finally
        {
            close(fd);
        }
    }
}
