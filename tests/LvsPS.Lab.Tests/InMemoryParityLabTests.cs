using LvsPS.Lab.Tests.Infrastructure;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Lab.Tests;

/// <summary>
/// The in-memory IPVS that the cmdlet and unit tiers use is only as good as its likeness to the
/// kernel: the same scenario of requests, refusals included, against the real IPVS and the
/// in-memory one must end alike, step by step, and with the same table (ipvsadm -Sn the witness).
/// </summary>
public sealed class InMemoryParityLabTests : IDisposable
{
    private readonly LabNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    /// <summary>A scheduler whose module this kernel does not have (6.1 has no twos).</summary>
    private static string SchedulerTheKernelLacks()
    {
        string dir = $"/lib/modules/{Shell.Run("uname", "-r").Trim()}/kernel/net/netfilter/ipvs";
        string[] modules = Directory.Exists(dir) ? Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).ToArray() : Array.Empty<string>();
        return Schedulers.Names.FirstOrDefault(n => !modules.Any(m => m.StartsWith($"ip_vs_{n}.ko", StringComparison.Ordinal)))
            ?? throw new InvalidOperationException($"every scheduler module is in {dir}; the scenario needs one the kernel lacks");
    }

    [Fact]
    public void The_kernel_and_the_in_memory_IPVS_answer_every_request_alike_and_end_with_the_same_table()
    {
        string lacking = SchedulerTheKernelLacks();
        using IpvsClient kernel = IpvsClient.Open(_ns.Name);
        IReadOnlyList<IpvsKernelRulesScenario.Outcome> real = IpvsKernelRulesScenario.Run(kernel, lacking);

        var memory = new InMemoryIpvs(_ns.Name);
        memory.AvailableSchedulers.Remove(lacking);
        IReadOnlyList<IpvsKernelRulesScenario.Outcome> imitation = IpvsKernelRulesScenario.Run(memory, lacking);

        Assert.All(real, o => Assert.True(o.Expected == o.Actual, $"the kernel: {o.Name}: expected {o.Expected}, got {o.Actual}"));
        Assert.Equal(real.Select(o => $"{o.Name}: {o.Actual}"), imitation.Select(o => $"{o.Name}: {o.Actual}"));
        Assert.Equal(IpvsKernelRulesScenario.Table(kernel), IpvsKernelRulesScenario.Table(memory));

        // ipvsadm reads the kernel's table as the in-memory IPVS holds it.
        Assert.Equal(_ns.SavedRules(),
            IpvsadmRulesWriter.Write(memory.GetVirtualServices(), includeThresholds: false)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
    }
}
