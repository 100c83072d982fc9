using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs.InMemory;
using Xunit;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>
/// A reload maps and validates only the virtual servers whose checks it restarts or starts; the others run on untouched,
/// and their notes (checkers LvsPS does not run) are written again, with the new file's lines.
/// </summary>
public sealed class DirectorReloadPrepareTests
{
    private const string NotRun = """
        virtual_server 10.0.0.3 80 {
          protocol TCP
          real_server 10.0.0.7 80 {
            BFD_CHECK {
              name b1
            }
            FILE_CHECK {
              track_file nowhere
            }
          }
        }
        virtual_server 10.0.0.4 80 {
          protocol TCP
          real_server 10.0.0.8 80 {
            weight 2
          }
        }

        """;

    private static DirectorConfiguration Read(string text)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text, "t.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return r.Configuration;
    }

    [Fact]
    public void Notes_OfAVirtualServerNotMapped_AreThoseItsMappingWrites()
    {
        DirectorConfiguration c = Read(NotRun);
        var mapped = new List<string>();
        DirectorHealthChecks.Services(c, mapped);
        var noted = new List<string>();
        foreach (VirtualServerDefinition vs in c.VirtualServers)
            DirectorHealthChecks.AddNotes(vs, c, noted);
        Assert.Equal(2, mapped.Count);
        Assert.Equal(mapped, noted);
    }

    [Fact]
    public async Task Reload_KeepsTheNotesOfAnUnchangedVirtualServer_WithItsNewLine()
    {
        var ipvs = new InMemoryIpvs();
        RunningDirector director = RunningDirector.Start(Read(NotRun), new DirectorRunOptions { Name = "notes", OpenIpvs = _ => ipvs });
        try
        {
            Assert.Equal(2, director.Notes.Count(n => n.Contains("is not run by LvsPS")));
            Assert.Contains(director.Notes, n => n.StartsWith("t.conf:4: ") && n.Contains("BFD_CHECK"));

            // Two lines more above it, and the other virtual server changed: the first is unchanged and not mapped again.
            DirectorReloadResult r = director.Reload(Read("# moved\n# down\n" + NotRun.Replace("weight 2", "weight 3")));
            Assert.Empty(r.Errors);
            Assert.Equal(1, r.Plan.Unchanged);
            Assert.Equal(["[10.0.0.4]:tcp:80"], r.Plan.RestartedChecks);
            Assert.Equal(2, director.Notes.Count(n => n.Contains("is not run by LvsPS")));
            Assert.Contains(director.Notes, n => n.StartsWith("t.conf:6: ") && n.Contains("BFD_CHECK"));
            Assert.Equal(3u, ipvs.GetRealServers(director.Table[1].Key).Single().Weight);
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
