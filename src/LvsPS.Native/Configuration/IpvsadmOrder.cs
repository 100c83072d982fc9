using System.Buffers.Binary;
using System.Net;
using LvsPS.Native.Ipvs;

namespace LvsPS.Native.Configuration;

/// <summary>
/// The order in which ipvsadm lists (-L) and saves (-S) the table, unless given --nosort. The kernel
/// dumps services in hash order and the real servers of a service in reverse insertion order;
/// ipvsadm (libipvs) sorts both with glibc's qsort, which is a top-down merge sort, and comparators
/// that subtract unsigned 32-bit values into a signed int: firewall mark, family, protocol,
/// address (host-order 32-bit words), port for services; address, port for real servers (the
/// words compared are chosen by the first server's family). The subtraction wraps when two values
/// are 2^31 or more apart, so 200.0.0.1 sorts before 10.0.0.1 and the order is not even
/// transitive: to list what ipvsadm lists, the same merge sort runs over the kernel's order with
/// the same comparisons (checked against ipvsadm 1.31 in the lab).
/// </summary>
public static class IpvsadmOrder
{
    /// <summary>The services sorted as ipvsadm lists them, each with its real servers sorted.</summary>
    /// <param name="services">In the kernel's dump order, which is where ipvsadm's sort starts from.</param>
    public static IReadOnlyList<VirtualService> Sort(IEnumerable<VirtualService> services)
    {
        VirtualService[] sorted = services.ToArray();
        MergeSort(sorted, (a, b) => CompareServices(a.Key, b.Key));
        for (int i = 0; i < sorted.Length; i++)
            if (sorted[i].RealServers.Count > 1)
                sorted[i] = sorted[i] with { RealServers = SortRealServers(sorted[i].RealServers) };
        return sorted;
    }

    /// <summary>Real servers in ipvsadm's order, from the kernel's order.</summary>
    public static IReadOnlyList<RealServer> SortRealServers(IEnumerable<RealServer> realServers)
    {
        RealServer[] sorted = realServers.ToArray();
        MergeSort(sorted, CompareRealServers);
        return sorted;
    }

    /// <summary>libipvs's service comparison, wrap-around included.</summary>
    public static int CompareServices(VirtualServiceKey a, VirtualServiceKey b)
    {
        int r = Difference(a.FirewallMark, b.FirewallMark);
        if (r != 0)
            return r;
        r = (ushort)a.Family - (ushort)b.Family;
        if (r != 0)
            return r;
        r = (ushort)a.Protocol - (ushort)b.Protocol;
        if (r != 0)
            return r;
        // Firewall-mark services carry no address: the kernel reports zeros.
        r = CompareAddresses(a.Address, b.Address, a.Family == IpFamily.IPv6);
        return r != 0 ? r : a.Port - b.Port;
    }

    /// <summary>libipvs's real-server comparison: address words as the first one's family has them, then port.</summary>
    public static int CompareRealServers(RealServer a, RealServer b)
    {
        int r = CompareAddresses(a.Address, b.Address, a.Family == IpFamily.IPv6);
        return r != 0 ? r : a.Port - b.Port;
    }

    private static int CompareAddresses(IPAddress? a, IPAddress? b, bool sixWords)
    {
        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        Fill(a, x);
        Fill(b, y);
        int words = sixWords ? 4 : 1;
        int r = 0;
        for (int i = 0; r == 0 && i < words; i++)
            r = Difference(BinaryPrimitives.ReadUInt32BigEndian(x[(i * 4)..]), BinaryPrimitives.ReadUInt32BigEndian(y[(i * 4)..]));
        return r;
    }

    /// <summary>The address as the kernel's union holds it: an IPv4 address in the first word, zeros after it.</summary>
    private static void Fill(IPAddress? address, Span<byte> into)
    {
        into.Clear();
        if (address != null && !address.TryWriteBytes(into, out _))
            throw new ArgumentException($"'{address}' is neither IPv4 nor IPv6.", nameof(address));
    }

    /// <summary>C's <c>int r = u1 - u2;</c> on two unsigned 32-bit values.</summary>
    private static int Difference(uint a, uint b) => unchecked((int)(a - b));

    /// <summary>glibc's msort: split at n/2, sort both halves, merge taking the left one while it compares &lt;= 0.</summary>
    private static void MergeSort<T>(T[] items, Func<T, T, int> compare)
    {
        if (items.Length > 1)
            Sort(items, 0, items.Length, new T[items.Length], compare);
    }

    private static void Sort<T>(T[] items, int start, int count, T[] scratch, Func<T, T, int> compare)
    {
        if (count <= 1)
            return;
        int leftCount = count / 2;
        int rightCount = count - leftCount;
        Sort(items, start, leftCount, scratch, compare);
        Sort(items, start + leftCount, rightCount, scratch, compare);
        int left = start, leftEnd = start + leftCount, right = leftEnd, end = start + count, into = 0;
        while (left < leftEnd && right < end)
            scratch[into++] = compare(items[left], items[right]) <= 0 ? items[left++] : items[right++];
        while (left < leftEnd)
            scratch[into++] = items[left++];
        // What is left of the right half is already in place.
        Array.Copy(scratch, 0, items, start, into);
    }
}
