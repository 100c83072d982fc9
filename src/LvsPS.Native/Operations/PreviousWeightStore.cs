using System.Globalization;
using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Operations;

/// <summary>
/// Remembers the weight a real server had before it was drained (set to weight 0), so that it
/// can be put back later, by another process or after the session ended. One small file per
/// real server, holding the weight in decimal, in a root-only directory: by default
/// <c>/run/lvsps/drain</c> (tmpfs, so a reboot forgets, like the kernel's table does), or
/// <c>$LVSPS_DRAIN_DIR</c>. The file name is the network namespace as named by the caller
/// ("current" for the caller's own) and the real server's identity, percent-encoded:
/// <c>netns-lb1_tcp%2F10.0.0.3%3A80%20-%3E%2010.0.0.7%3A80</c>.
/// </summary>
public sealed class PreviousWeightStore
{
    public const string DefaultDirectory = "/run/lvsps/drain";
    /// <summary>The environment variable that moves the directory (tests, systems without /run).</summary>
    public const string DirectoryVariable = "LVSPS_DRAIN_DIR";

    public PreviousWeightStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    /// <summary>The store at <c>$LVSPS_DRAIN_DIR</c>, else <see cref="DefaultDirectory"/>.</summary>
    public static PreviousWeightStore Default
        => new(Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } d ? d : DefaultDirectory);

    public string Directory { get; }

    /// <summary>The file that holds the previous weight of one real server of one namespace.</summary>
    public string PathOf(string? networkNamespace, VirtualServiceKey service, IPAddress address, ushort port)
    {
        string ns = string.IsNullOrEmpty(networkNamespace) ? "current" : "netns-" + Uri.EscapeDataString(networkNamespace);
        string identity = $"{service} -> {VirtualServiceKey.FormatEndpoint(VirtualServiceKey.Normalize(address), port)}";
        return Path.Combine(Directory, ns + "_" + Uri.EscapeDataString(identity));
    }

    /// <summary>Records the weight (replacing what was recorded), atomically (<see cref="Files.AtomicFile"/>).</summary>
    /// <exception cref="IOException">The directory cannot be created or written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission (the default directory needs root).</exception>
    public void Remember(string? networkNamespace, VirtualServiceKey service, IPAddress address, ushort port, uint weight)
    {
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Files.AtomicFile.WriteAllText(PathOf(networkNamespace, service, address, port), weight.ToString(CultureInfo.InvariantCulture) + "\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The recorded weight, or null when none is recorded (or the file is not a weight).</summary>
    public uint? Recall(string? networkNamespace, VirtualServiceKey service, IPAddress address, ushort port)
    {
        string file = PathOf(networkNamespace, service, address, port);
        if (!File.Exists(file))
            return null;
        string text = File.ReadAllText(file).Trim();
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint weight) ? weight : null;
    }

    /// <summary>Deletes the record; false when there was none.</summary>
    public bool Forget(string? networkNamespace, VirtualServiceKey service, IPAddress address, ushort port)
    {
        string file = PathOf(networkNamespace, service, address, port);
        if (!File.Exists(file))
            return false;
        File.Delete(file);
        return true;
    }
}
