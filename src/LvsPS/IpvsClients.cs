using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;

namespace LvsPS;

/// <summary>
/// The one way cmdlets and completers get an IPVS client: the kernel's, over netlink; or, in a
/// runspace that the test seam (<see cref="Testing.InMemoryIpvsSeam"/>) switched, an in-memory
/// IPVS that answers as the kernel does. Per runspace, so tests running side by side do not see
/// each other's switch.
/// </summary>
internal static class IpvsClients
{
    private static readonly ConditionalWeakTable<Runspace, InMemoryIpvsNamespaces> s_inMemory = new();

    public static IIpvsClient Open(string? networkNamespace)
        => InMemoryOf(Runspace.DefaultRunspace) is { } memory ? memory.Open(networkNamespace) : IpvsClient.Open(networkNamespace);

    /// <summary>
    /// <see cref="Open"/> as the calling runspace sees it, for work that opens clients on a thread of
    /// its own later (the health-check engine): the runspace's switch is read now, on its thread.
    /// </summary>
    public static Func<string?, IIpvsClient> OpenerForThisRunspace()
        => InMemoryOf(Runspace.DefaultRunspace) is { } memory ? memory.Open : IpvsClient.Open;

    public static InMemoryIpvsNamespaces? InMemoryOf(Runspace? runspace)
        => runspace is not null && s_inMemory.TryGetValue(runspace, out InMemoryIpvsNamespaces? memory) ? memory : null;

    /// <summary>From now on the runspace's cmdlets use a fresh in-memory IPVS.</summary>
    public static InMemoryIpvsNamespaces UseInMemory(Runspace runspace)
    {
        var memory = new InMemoryIpvsNamespaces();
        s_inMemory.AddOrUpdate(runspace, memory);
        return memory;
    }

    /// <summary>From now on the runspace's cmdlets use the kernel again.</summary>
    public static void UseKernel(Runspace runspace) => s_inMemory.Remove(runspace);
}
