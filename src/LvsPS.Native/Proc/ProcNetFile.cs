using LvsPS.Native.Ipvs;
using LvsPS.Native.Namespaces;
using Microsoft.Win32.SafeHandles;

namespace LvsPS.Native.Proc;

/// <summary>
/// Opens a file of /proc/net as seen from a network namespace. /proc/net is /proc/self/net,
/// which follows the thread group leader, so the file is opened through
/// /proc/thread-self/net by a short-lived thread that joined the namespace (setns affects
/// only the calling thread). The open file stays bound to that namespace: it can be read
/// from any thread afterwards.
/// </summary>
internal static class ProcNetFile
{
    public static string PathOf(string fileName) => $"/proc/thread-self/net/{fileName}";

    /// <summary>An unbuffered stream over /proc/net/<paramref name="fileName"/> of the namespace (null: the caller's).</summary>
    public static FileStream Open(string fileName, string? networkNamespace)
    {
        SafeFileHandle handle = NetworkNamespace.Run(networkNamespace, () => OpenHandle(fileName));
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
            throw IpvsNotAvailableException.ProcFileMissing(fileName, e);
        }
    }
}
