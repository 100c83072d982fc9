using System.Security.Cryptography;

namespace LvsPS.Testing;

/// <summary>
/// A broadcast segment made of namespaces: a bridge in a namespace of its own (multicast
/// snooping off), and one namespace per node joined by veth with eth0 10.N.0.x/24 and a
/// link-local IPv6 address (DAD off). Names are unique per instance; Dispose deletes them all,
/// which also removes the veth pairs.
/// </summary>
public sealed class Segment : IDisposable
{
    private readonly List<string> _namespaces = new();
    private readonly string _id = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
    private static int s_subnet = Random.Shared.Next(0, 200);
    private int _attached;

    public Segment(int nodes)
    {
        Subnet = $"10.{100 + Interlocked.Increment(ref s_subnet) % 150}.0";
        Bridge = $"lvt{_id}b";
        AddNamespace(Bridge);
        Sh.Run("ip", "-n", Bridge, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
        Sh.Run("ip", "-n", Bridge, "link", "set", "br0", "up");
        for (int i = 1; i <= nodes; i++)
        {
            string ns = $"lvt{_id}n{i}";
            AddNamespace(ns);
            Sh.Run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0");
            Sh.Run("ip", "-n", Bridge, "link", "add", $"p{i}", "type", "veth", "peer", "name", "eth0", "netns", ns);
            Sh.Run("ip", "-n", Bridge, "link", "set", $"p{i}", "master", "br0", "up");
            Sh.Run("ip", "-n", ns, "addr", "add", $"{Address(i)}/24", "dev", "eth0");
            Sh.Run("ip", "-n", ns, "link", "set", "eth0", "up");
            Nodes.Add(ns);
        }
    }

    public string Subnet { get; }
    public string Bridge { get; }
    public List<string> Nodes { get; } = new();
    public string Node(int i) => Nodes[i - 1];
    public string Address(int i) => $"{Subnet}.{i}";
    public string Vip => $"{Subnet}.100";

    public bool HasAddress(int node, string address)
        => Sh.Try("ip", "-n", Node(node), "-o", "addr", "show", "dev", "eth0").Output.Contains($" {address}/");

    /// <summary>The MAC address of a node's eth0, as six bytes.</summary>
    public byte[] MacAddress(int node)
    {
        string line = Sh.Run("ip", "-n", Node(node), "-o", "link", "show", "dev", "eth0");
        string mac = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "link/ether").Skip(1).First();
        return Convert.FromHexString(mac.Replace(":", ""));
    }

    /// <summary>
    /// Joins a namespace of another segment to this one's bridge as <paramref name="interfaceName"/> (a second network:
    /// eth1 of a NAT director), up, with the next address of this subnet after the nodes'; returns that address.
    /// </summary>
    public string Attach(string networkNamespace, string interfaceName)
    {
        int port = Nodes.Count + Interlocked.Increment(ref _attached);
        Sh.Run("ip", "-n", Bridge, "link", "add", $"p{port}", "type", "veth", "peer", "name", interfaceName, "netns", networkNamespace);
        Sh.Run("ip", "-n", Bridge, "link", "set", $"p{port}", "master", "br0", "up");
        Sh.Run("ip", "-n", networkNamespace, "addr", "add", $"{Address(port)}/24", "dev", interfaceName);
        Sh.Run("ip", "-n", networkNamespace, "link", "set", interfaceName, "up");
        return Address(port);
    }

    /// <summary>Takes a node's own eth0 down or up inside its namespace (carrier loss as the node sees it).</summary>
    public void SetLink(int node, bool up) => Sh.Run("ip", "-n", Node(node), "link", "set", "eth0", up ? "up" : "down");

    /// <summary>Silences a node without telling it (bridge port blocking): no carrier change, no packets.</summary>
    public void Isolate(int node, bool isolated)
        => Sh.Run("bridge", "-n", Bridge, "link", "set", "dev", $"p{node}", "state", isolated ? "0" : "3");

    private void AddNamespace(string name)
    {
        Sh.Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        Sh.Run("ip", "-n", name, "link", "set", "lo", "up");
    }

    public void Dispose()
    {
        foreach (string ns in Enumerable.Reverse(_namespaces))
            Sh.Try("ip", "netns", "del", ns);
    }
}
