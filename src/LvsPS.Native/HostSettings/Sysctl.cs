namespace LvsPS.Native.HostSettings;

/// <summary>Reads and writes kernel parameters of one network namespace; a fake stands in for it in tests.</summary>
public interface ISysctl
{
    /// <summary>The values of the named parameters (dotted names); null for a parameter that does not exist.</summary>
    IReadOnlyDictionary<string, string?> Read(IEnumerable<string> names);

    /// <summary>Writes the values in order; stops at the first failure (earlier writes stay).</summary>
    void Write(IEnumerable<KeyValuePair<string, string>> values);
}

/// <summary>The sysctl names LvsPS reads and writes, in the dotted form of sysctl(8).</summary>
public static class SysctlNames
{
    public const string IpForward = "net.ipv4.ip_forward";
    public const string ConnReuseMode = "net.ipv4.vs.conn_reuse_mode";
    public const string ExpireNodestConn = "net.ipv4.vs.expire_nodest_conn";
    public const string ExpireQuiescentTemplate = "net.ipv4.vs.expire_quiescent_template";
    public const string Conntrack = "net.ipv4.vs.conntrack";

    /// <summary>net.ipv4.conf.IFACE.KEY; a dot in an interface name (eth0.100) is written as '/', as sysctl(8) does.</summary>
    public static string Conf(string interfaceName, string key) => $"net.ipv4.conf.{interfaceName.Replace('.', '/')}.{key}";

    /// <summary>The /proc/sys path of a dotted name: dots become slashes and slashes dots.</summary>
    public static string PathOf(string name)
        => "/proc/sys/" + string.Create(name.Length, name, (span, n) =>
        {
            for (int i = 0; i < n.Length; i++)
                span[i] = n[i] switch { '.' => '/', '/' => '.', var c => c };
        });
}

/// <summary>
/// sysctl through /proc/sys, inside a network namespace: the per-namespace net.* tables
/// are those of the thread that opens the file, so every batch runs on a thread that joined
/// the namespace. Never runs sysctl(8).
/// </summary>
public sealed class ProcSysctl : ISysctl
{
    public ProcSysctl(string? networkNamespace = null) => NetworkNamespace = networkNamespace;

    public string? NetworkNamespace { get; }

    public IReadOnlyDictionary<string, string?> Read(IEnumerable<string> names)
    {
        string[] list = names.Distinct(StringComparer.Ordinal).ToArray();
        return Namespaces.NetworkNamespace.Run(NetworkNamespace, () =>
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (string name in list)
                values[name] = ReadOne(name);
            return (IReadOnlyDictionary<string, string?>)values;
        });
    }

    public void Write(IEnumerable<KeyValuePair<string, string>> values)
    {
        var list = values.ToList();
        Namespaces.NetworkNamespace.Run(NetworkNamespace, () =>
        {
            foreach ((string name, string value) in list)
                WriteOne(name, value);
            return 0;
        });
    }

    private static string? ReadOne(string name)
    {
        try
        {
            return File.ReadAllText(SysctlNames.PathOf(name)).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static void WriteOne(string name, string value)
    {
        try
        {
            // One write(2) of the whole value, as sysctl -w does; the kernel parses it at once.
            using var stream = new FileStream(SysctlNames.PathOf(name), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(value + "\n");
            stream.Write(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SysctlNotFoundException(name, e);
        }
        catch (UnauthorizedAccessException e)
        {
            // .NET keeps the errno (EACCES, EPERM) as the HResult of the inner IOException.
            string errno = e.InnerException is IOException { HResult: > 0 and < 4096 } io ? $" ({Netlink.Errno.Describe(io.HResult)})" : "";
            throw new HostSettingException(name, $"Writing {name} was refused{errno}: it needs CAP_NET_ADMIN in the network namespace.", e, permission: true);
        }
        catch (IOException e)
        {
            throw new HostSettingException(name, $"The kernel refused {name} = {value}: {e.Message}", e);
        }
    }
}

/// <summary>A kernel parameter could not be read or written.</summary>
public class HostSettingException : Exception
{
    public HostSettingException(string setting, string message, Exception? inner = null, bool permission = false)
        : base(message, inner)
    {
        Setting = setting;
        IsPermissionDenied = permission;
    }

    /// <summary>The sysctl name, address or interface concerned.</summary>
    public string Setting { get; }
    public bool IsPermissionDenied { get; }
    /// <summary>What went wrong, where it is more than "the kernel refused".</summary>
    public HostSettingProblem Problem { get; init; }
    /// <summary>With <see cref="HostSettingProblem.IpipDeviceExists"/>: the catch-all ipip device the namespace has.</summary>
    public string? Existing { get; init; }
}

/// <summary>The host-setting failures that call for advice of their own.</summary>
public enum HostSettingProblem
{
    Other,
    /// <summary>Another ipip device is the namespace's catch-all tunnel already (one per namespace).</summary>
    IpipDeviceExists,
    /// <summary>An interface of that name exists but is not an ipip tunnel.</summary>
    NotAnIpipTunnel,
    /// <summary>A net.ipv4.vs.* parameter is missing: the ip_vs module is not loaded.</summary>
    IpvsParameterMissing,
}

/// <summary>The parameter does not exist: an unknown interface, or net.ipv4.vs.* without the ip_vs module.</summary>
public sealed class SysctlNotFoundException : HostSettingException
{
    public SysctlNotFoundException(string name, Exception? inner = null)
        : base(name, $"The kernel parameter {name} does not exist ({SysctlNames.PathOf(name)}){(name.StartsWith("net.ipv4.vs.", StringComparison.Ordinal) ? ": the net.ipv4.vs parameters exist while the ip_vs module is loaded" : ": the interface it names does not exist")}.", inner)
    {
        Problem = name.StartsWith("net.ipv4.vs.", StringComparison.Ordinal) ? HostSettingProblem.IpvsParameterMissing : HostSettingProblem.Other;
    }
}

/// <summary>No interface of that name in the namespace.</summary>
public sealed class InterfaceNotFoundException : HostSettingException
{
    public InterfaceNotFoundException(string name, string? networkNamespace)
        : base(name, $"There is no network interface '{name}'{(networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'")}.")
    {
    }
}
