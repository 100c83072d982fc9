using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Ipvs.InMemory;
using Xunit;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>A reload given a reader reads the file while the kernel's services are dumped, and changes nothing when the read fails.</summary>
public sealed class DirectorReloadReadTests
{
    private const string Conf = """
        virtual_server 10.0.0.3 80 {
          protocol TCP
          real_server 10.0.0.7 80 {
            weight 1
          }
        }

        """;

    private static DirectorConfiguration Read(string text)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text, "t.conf", Path.GetTempPath(), new KeepalivedReadOptions());
        Assert.False(r.HasErrors, string.Join('\n', r.Diagnostics));
        return r.Configuration;
    }

    private static async Task With(Func<RunningDirector, InMemoryIpvs, Task> test)
    {
        var ipvs = new InMemoryIpvs();
        RunningDirector director = RunningDirector.Start(Read(Conf), new DirectorRunOptions { Name = "read", OpenIpvs = _ => ipvs });
        try
        {
            await test(director, ipvs);
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public Task TheKernelIsDumped_WhileTheFileIsRead() => With((director, ipvs) =>
    {
        int before = ipvs.Dumps;
        bool dumpedDuringRead = false;
        DirectorReloadResult? r = director.Reload(() =>
        {
            // The service dump runs on another thread: it ends while this read waits for it.
            dumpedDuringRead = SpinWait.SpinUntil(() => ipvs.Dumps > before, TimeSpan.FromSeconds(10));
            return Read(Conf.Replace("weight 1", "weight 5"));
        }, _ => true);
        Assert.True(dumpedDuringRead);
        Assert.NotNull(r);
        Assert.Empty(r.Errors);
        Assert.Equal(5u, ipvs.GetRealServers(director.Table[0].Key).Single().Weight);
        return Task.CompletedTask;
    });

    [Fact]
    public Task AReadThatFindsErrors_ChangesNothing() => With((director, ipvs) =>
    {
        DirectorConfiguration running = director.Configuration;
        Assert.Null(director.Reload(() => null, _ => throw new InvalidOperationException("not asked: there is no plan")));
        Assert.Same(running, director.Configuration);
        Assert.Equal(0, director.Reloads);
        Assert.Equal(1u, ipvs.GetRealServers(director.Table[0].Key).Single().Weight);
        return Task.CompletedTask;
    });

    [Fact]
    public async Task TheDrainPoll_WaitsWhileAReloadRuns()
    {
        const string two = Conf + """
            virtual_server 10.0.0.4 80 {
              protocol TCP
              real_server 10.0.0.8 80 {
                weight 1
              }
            }

            """;
        var ipvs = new InMemoryIpvs();
        RunningDirector director = RunningDirector.Start(Read(two), new DirectorRunOptions { Name = "poll", OpenIpvs = _ => ipvs, DrainPoll = TimeSpan.FromMilliseconds(20) });
        try
        {
            VirtualServiceKey drained = VirtualServiceKey.Parse("tcp/10.0.0.4:80");
            ipvs.SetConnections(drained, System.Net.IPAddress.Parse("10.0.0.8"), 80, active: 1);
            Assert.Empty(director.Reload(Read(Conf)).Errors);
            Assert.Single(director.PendingDrains);

            // Its connection ends while a reload reads its file: the poll (every 20 ms) leaves the service until the reload is done.
            bool keptDuringReload = false;
            DirectorReloadResult? r = director.Reload(() =>
            {
                ipvs.SetConnections(drained, System.Net.IPAddress.Parse("10.0.0.8"), 80, active: 0);
                Thread.Sleep(300);
                keptDuringReload = ipvs.GetVirtualService(drained) is not null;
                return Read(Conf.Replace("weight 1", "weight 2"));
            }, _ => true);
            Assert.True(keptDuringReload);
            Assert.NotNull(r);
            Assert.Empty(r.Errors);
            Assert.Empty(r.Plan.Repairs);
            Assert.True(SpinWait.SpinUntil(() => ipvs.GetVirtualService(drained) is null, TimeSpan.FromSeconds(10)), "the drained service was not removed after the reload");
        }
        finally
        {
            await director.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public Task WhatTheReadThrows_PropagatesAsItIs_AndTheDirectorRunsOn() => With((director, ipvs) =>
    {
        var thrown = new IOException("the disk went away");
        Assert.Same(thrown, Assert.Throws<IOException>(() => director.Reload(() => throw thrown, _ => true)));
        Assert.True(director.IsRunning);
        DirectorReloadResult r = director.Reload(Read(Conf.Replace("weight 1", "weight 2")));
        Assert.Empty(r.Errors);
        Assert.Equal(2u, ipvs.GetRealServers(director.Table[0].Key).Single().Weight);
        return Task.CompletedTask;
    });
}
