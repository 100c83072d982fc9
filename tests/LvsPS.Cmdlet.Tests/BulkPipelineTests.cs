using System.Management.Automation;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Piped records to New-LvsVirtualService are collected and sent in batches at the end of the
/// pipeline. This host has no IPVS, so the kernel shows up as one IpvsNotAvailable after every
/// record was looked at: per-record checks and -WhatIf still happen as each arrives.
/// </summary>
public sealed class BulkPipelineTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static VirtualService Service(int i, string scheduler = "rr") => new()
    {
        Key = VirtualServiceKey.Parse($"tcp/10.9.{i / 250}.{i % 250 + 1}:80"),
        Scheduler = scheduler,
    };

    private static string Id(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    [Fact]
    public void Every_piped_record_is_checked_before_the_batch_goes_to_the_kernel()
    {
        VirtualService bad1 = Service(1, "nosuch"), good = Service(2), bad2 = Service(3, "nosuch");
        PowerShellSession.Result r = _ps.Invoke("$args[0] | New-LvsVirtualService", new object[] { new[] { bad1, good, bad2 } });
        // Sent one by one, the good record would have stopped the pipeline before bad2 was looked at.
        Assert.Equal(new[] { nameof(IpvsRule.UnknownScheduler), nameof(IpvsRule.UnknownScheduler), "IpvsNotAvailable" }, r.AllErrors.Select(Id));
        Assert.Same(bad1, r.AllErrors.First().TargetObject);
        Assert.Same(bad2, r.AllErrors.ElementAt(1).TargetObject);
    }

    [Fact]
    public void WhatIf_asks_for_each_piped_record_and_sends_nothing()
    {
        VirtualService[] services = Enumerable.Range(0, 3).Select(i => Service(i)).ToArray();
        PowerShellSession.Result r = _ps.Invoke("$args[0] | New-LvsVirtualService -WhatIf", new object[] { services });
        Assert.Empty(r.AllErrors); // nothing queued, so the kernel is never opened
        foreach (VirtualService s in services)
            Assert.Contains($"on target \"{s.Key}\"", r.HostText);
        Assert.Equal(3, r.HostText.Split("What if:").Length - 1);
    }

    [Fact]
    public void A_large_batch_reports_progress()
    {
        const int n = 510; // more than the 500 changes of one Apply chunk (LvsCmdletBase.ChunkChanges)
        VirtualService[] services = Enumerable.Range(0, n).Select(i => Service(i)).ToArray();
        PowerShellSession.Result r = _ps.Invoke("$args[0] | New-LvsVirtualService", new object[] { services });
        Assert.Equal("IpvsNotAvailable", Id(Assert.Single(r.AllErrors)));
        ProgressRecord p = Assert.Single(r.Progress!, p => p.RecordType == ProgressRecordType.Processing);
        Assert.Equal("Creating virtual services", p.Activity);
        Assert.Equal($"0 of {n} changes applied", p.StatusDescription);
    }

    [Fact]
    public void Piped_identity_strings_are_batched_too_and_show_progress()
    {
        const int n = 2000;
        string[] identities = Enumerable.Range(0, n).Select(i => Service(i).Key.ToString()).ToArray();
        PowerShellSession.Result r = _ps.Invoke("$args[0] | New-LvsVirtualService -Scheduler rr", new object[] { identities });
        // Sent one by one, the first string would have stopped the pipeline with no progress at all.
        Assert.Equal("IpvsNotAvailable", Id(Assert.Single(r.AllErrors)));
        ProgressRecord p = Assert.Single(r.Progress!, p => p.RecordType == ProgressRecordType.Processing);
        Assert.Equal("Creating virtual services", p.Activity);
        Assert.Equal($"0 of {n} changes applied", p.StatusDescription);
    }

    [Fact]
    public void A_small_batch_shows_no_progress()
    {
        PowerShellSession.Result r = _ps.Invoke("$args[0] | New-LvsVirtualService", new object[] { new[] { Service(1), Service(2) } });
        Assert.Equal("IpvsNotAvailable", Id(Assert.Single(r.AllErrors)));
        Assert.Empty(r.Progress!);
    }

    [Fact]
    public void Piped_real_servers_are_collected_too()
    {
        RealServer good = Records.Dr("10.0.0.7"), bad = Records.Dr("10.0.0.8") with { Port = 8080 };
        PowerShellSession.Result r = _ps.Invoke("$args[0] | Add-LvsRealServer", new object[] { new[] { good, bad } });
        Assert.Equal(new[] { nameof(IpvsRule.PortRemapNotPossible), "IpvsNotAvailable" }, r.AllErrors.Select(Id));
        Assert.Same(bad, r.AllErrors.First().TargetObject);
    }
}
