using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Proc;

/// <summary>
/// Opens a file of /proc/net as seen from a network namespace. /proc/net is /proc/self/net,
/// which follows the thread group leader, so the file is opened through
/// /proc/thread-self/net by a short-lived thread that joined the namespace (setns affects
/// only the calling thread). The open file stays bound to that namespace: it can be read
/// from any thread afterwards.
/// </summary>
internal static unsafe class ProcNetFile
{
    private const int O_RDONLY = 0, O_CLOEXEC = 0x80000, CLONE_NEWNET = 0x40000000;

    public static string PathOf(string fileName) => $"/proc/thread-self/net/{fileName}";

    /// <summary>An unbuffered stream over /proc/net/<paramref name="fileName"/> of the namespace (null: the caller's).</summary>
    public static FileStream Open(string fileName, string? networkNamespace)
    {
        SafeFileHandle handle;
        if (string.IsNullOrEmpty(networkNamespace))
        {
            handle = OpenHandle(fileName);
        }
        else
        {
            string nsPath = networkNamespace.Contains('/') ? networkNamespace : $"/run/netns/{networkNamespace}";
            if (!File.Exists(nsPath))
                throw new NetworkNamespaceNotFoundException(networkNamespace, nsPath);
            SafeFileHandle? opened = null;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    JoinNamespace(nsPath);
                    opened = OpenHandle(fileName);
                }
                catch (Exception e) { failure = e; }
            }) { Name = "lvsps-setns", IsBackground = true };
            thread.Start();
            thread.Join();
            if (failure != null)
                throw failure;
            handle = opened!;
        }
        // bufferSize 0: the parsers keep their own buffer.
        return new FileStream(handle, FileAccess.Read, bufferSize: 0);
    }

    private static SafeFileHandle OpenHandle(string fileName)
    {
        try
        {
            return File.OpenHandle(PathOf(fileName), FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // /proc/net/ip_vs_* exist only while the ip_vs module is loaded.
            throw new IpvsNotAvailableException(e);
        }
    }

    private static void JoinNamespace(string path)
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
