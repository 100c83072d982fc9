using LvsPS.Native.Ipvs;
using Xunit;

namespace LvsPS.Tests.Ipvs;

/// <summary>Which schedulers a kernel has, read from a module tree written here as depmod writes one.</summary>
public sealed class KernelSchedulersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-modules-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private string NoFile => Path.Combine(_dir, "absent");

    [Fact]
    public void Built_in_loaded_and_installed_schedulers_are_found_in_the_order_of_the_names()
    {
        Write("modules.builtin", "kernel/net/netfilter/ipvs/ip_vs_rr.ko", "kernel/fs/ext4/ext4.ko");
        Write("modules.dep",
            "kernel/net/netfilter/ipvs/ip_vs_wlc.ko.xz: kernel/net/netfilter/ipvs/ip_vs.ko.xz",
            "kernel/net/netfilter/ipvs/ip_vs_mh.ko.zst: kernel/net/netfilter/ipvs/ip_vs.ko.zst",
            "kernel/net/netfilter/ipvs/ip_vs_ftp.ko: kernel/net/netfilter/ipvs/ip_vs.ko",
            "kernel/net/netfilter/ipvs/ip_vs.ko:");
        string proc = Write("proc-modules", "ip_vs_sh 12288 0 - Live 0x0000000000000000", "ip_vs 204800 4 ip_vs_sh, Live 0x0");

        Assert.Equal(new[] { "rr", "wlc", "sh", "mh" }, KernelSchedulers.Find(_dir, proc));
    }

    [Fact]
    public void A_kernel_without_a_scheduler_module_has_none()
    {
        Write("modules.dep", "kernel/fs/ext4/ext4.ko:", "kernel/net/netfilter/ipvs/ip_vs_pe_sip.ko: kernel/net/netfilter/ipvs/ip_vs.ko");
        Assert.Empty(KernelSchedulers.Find(_dir, NoFile)!);
    }

    [Fact]
    public void Loaded_modules_alone_are_enough_and_nothing_readable_is_unknown()
    {
        string proc = Write("proc-modules", "ip_vs_twos 12288 0 - Live 0x0", "ip_vs_lblcr 12288 0 - Live 0x0");
        Assert.Equal(new[] { "lblcr", "twos" }, KernelSchedulers.Find(NoFile, proc));
        Assert.Null(KernelSchedulers.Find(NoFile, NoFile));
        Assert.Null(KernelSchedulers.Find(null, NoFile));
    }
}
