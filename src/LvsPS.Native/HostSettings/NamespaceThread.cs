using LvsPS.Native.Netlink;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.HostSettings;

/// <summary>
/// Runs work inside a network namespace on a short-lived thread that joined it first:
/// setns affects only the calling thread, and /proc/sys/net resolves against the network
/// namespace of the thread that opens it, so the caller's own namespace never changes.
/// </summary>
internal static unsafe class NamespaceThread
{
    private const int O_RDONLY = 0, O_CLOEXEC = 0x80000, CLONE_NEWNET = 0x40000000;

    public static string PathOf(string networkNamespace)
        => networkNamespace.Contains('/') ? networkNamespace : $"/run/netns/{networkNamespace}";

    public static T Run<T>(string? networkNamespace, Func<T> work)
    {
        if (string.IsNullOrEmpty(networkNamespace))
            return work();
        string path = PathOf(networkNamespace);
        if (!File.Exists(path))
            throw new NetworkNamespaceNotFoundException(networkNamespace, path);
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Join(path);
                result = work();
            }
            catch (Exception e) { failure = e; }
        }) { Name = "lvsps-setns", IsBackground = true };
        thread.Start();
        thread.Join();
        if (failure != null)
            throw failure;
        return result;
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
