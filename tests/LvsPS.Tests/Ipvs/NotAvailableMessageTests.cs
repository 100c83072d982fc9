using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;

namespace LvsPS.Tests.Ipvs;

/// <summary>"No IPVS" says what was missing, so the user is not sent looking for a netlink family when a /proc file is absent.</summary>
public sealed class NotAvailableMessageTests
{
    [Fact]
    public void The_netlink_family_message_names_the_family()
    {
        var e = new IpvsNotAvailableException();
        Assert.Equal("the generic netlink family 'IPVS'", e.Missing);
        Assert.Contains("generic netlink family 'IPVS' is missing", e.Message);
        Assert.DoesNotContain("modprobe", e.Message); // what to do is the cmdlet layer's advice
    }

    [Fact]
    public void The_proc_file_message_names_the_file_and_what_to_do()
    {
        var inner = new FileNotFoundException("gone");
        var e = IpvsNotAvailableException.ProcFileMissing("ip_vs_conn", inner);
        Assert.Equal("/proc/net/ip_vs_conn", e.Missing);
        Assert.StartsWith("The kernel has no IPVS: /proc/net/ip_vs_conn is missing.", e.Message);
        Assert.DoesNotContain("modprobe", e.Message); // what to do is the cmdlet layer's advice
        Assert.DoesNotContain("netlink", e.Message);
        Assert.Same(inner, e.InnerException);
    }

    [Fact]
    public void Opening_an_absent_proc_file_reports_that_file()
    {
        // ProcNetFile maps only "not found"; a name no kernel has is absent whether or not ip_vs is loaded.
        var e = Assert.Throws<IpvsNotAvailableException>(() => ProcNetFile.Open("ip_vs_lvsps_no_such_file", null));
        Assert.Equal("/proc/net/ip_vs_lvsps_no_such_file", e.Missing);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }
}
