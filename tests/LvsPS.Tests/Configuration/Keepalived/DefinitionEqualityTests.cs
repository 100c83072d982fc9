using System.Text.Json;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using Xunit;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>
/// A reload keeps a definition running when it is the same: what its JSON says, found without writing it. Every pair
/// of the seeds' definitions, and copies of them edited in one place, are judged as their JSON judges them.
/// </summary>
public sealed class DefinitionEqualityTests
{
    private static bool JsonSame<T>(T a, T b)
        => JsonSerializer.SerializeToUtf8Bytes(a, DirectorJson.Options).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, DirectorJson.Options));

    private static IReadOnlyList<DirectorConfiguration> Seeds()
        => new[] { "002-master.conf", "002-backup.conf", "003-master.conf", "003-backup.conf" }
            .Select(f => KeepalivedConfigurationReader.ReadFile(KeepalivedSeedTests.Seed(f), KeepalivedSeedTests.SeedHost).Configuration)
            .ToArray();

    private static void AgreesWithJson<T>(IReadOnlyList<T> items)
    {
        int same = 0;
        foreach (T a in items)
            foreach (T b in items)
            {
                bool json = JsonSame(a, b);
                Assert.True(json == DirectorReloadPlan.SameDefinition(a, b), $"{typeof(T).Name}: JSON says {(json ? "same" : "different")}:\n{JsonSerializer.Serialize(a, DirectorJson.Options)}\n{JsonSerializer.Serialize(b, DirectorJson.Options)}");
                same += json ? 1 : 0;
            }
        Assert.True(same >= items.Count, "each item is the same as itself");
    }

    [Fact]
    public void SeedDefinitions_AreJudgedAsTheirJson()
    {
        IReadOnlyList<DirectorConfiguration> seeds = Seeds();
        List<VirtualServerDefinition> servers = seeds.SelectMany(c => c.VirtualServers).ToList();
        Assert.NotEmpty(servers);
        // Copies: elsewhere in the file, lists of another class, one value edited.
        foreach (VirtualServerDefinition vs in servers.ToArray())
        {
            servers.Add(vs with { Location = new SourceLocation("other.conf", 999), RealServers = vs.RealServers.ToList() });
            servers.Add(vs with { Scheduler = vs.Scheduler + "x" });
            servers.Add(vs with { PersistenceTimeout = vs.PersistenceTimeout is null ? 300u : null });
            servers.Add(vs with { RealServers = vs.RealServers.Select((r, i) => i == 0 ? r with { Weight = r.Weight + 1 } : r).ToArray() });
            servers.Add(vs with { RealServers = vs.RealServers.Select(r => r with { Location = default, Checkers = r.Checkers.ToArray() }).ToList() });
            servers.Add(vs with { RealServers = vs.RealServers.Select(r => r with { Checkers = r.Checkers.Select(c => c with { Retry = c.Retry + 1 }).ToList() }).ToList() });
            servers.Add(vs with { RealServers = vs.RealServers.Take(Math.Max(0, vs.RealServers.Count - 1)).ToList() });
            servers.Add(vs with { Address = System.Net.IPAddress.Parse("10.9.9.9") });
        }
        AgreesWithJson(servers);
        AgreesWithJson(seeds.SelectMany(c => c.VrrpInstances).SelectMany(i => new[] { i, i with { Priority = i.Priority + 1 }, i with { Location = default } }).ToList());
        AgreesWithJson(seeds.Select(c => c.Global).ToList());
        AgreesWithJson(seeds);
    }

    [Fact]
    public void DifferentInOneValue_IsNotTheSame()
    {
        VirtualServerDefinition vs = Seeds().SelectMany(c => c.VirtualServers).First(v => v.RealServers.Count > 0);
        Assert.True(DirectorReloadPlan.SameDefinition(vs, vs with { Location = default, RealServers = vs.RealServers.ToArray() }));
        Assert.False(DirectorReloadPlan.SameDefinition(vs, vs with { Quorum = vs.Quorum + 1 }));
        Assert.False(DirectorReloadPlan.SameDefinition(vs, vs with { RealServers = vs.RealServers.Select(r => r with { Address = System.Net.IPAddress.Parse("10.9.9.8") }).ToArray() }));
        Assert.False(DirectorReloadPlan.SameDefinition(vs, null));
    }
}
