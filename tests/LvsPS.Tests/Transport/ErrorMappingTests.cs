using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Tests.Support;

namespace LvsPS.Tests.Transport;

/// <summary>Kernel refusals become <see cref="IpvsException"/>s with the operation, errno, target and what the answer means; advice is the cmdlet layer's.</summary>
public sealed class ErrorMappingTests
{
    private static readonly VirtualServiceKey Tcp = VirtualServiceKey.Parse("tcp/10.0.0.3:80");
    private static readonly VirtualService Service = new() { Key = Tcp, Scheduler = "wrr" };

    private static IpvsException Refused(int errno, Action<IpvsClient> act)
    {
        var kernel = new FakeKernel { Errno = (_, _) => errno };
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<IpvsException>(() => act(client));
        Assert.Equal(errno, e.Errno);
        Assert.Single(kernel.IpvsRequests);
        Assert.DoesNotMatch(@"\b[A-Z][a-z]+-Lvs|\s-[A-Z][a-z]", e.Message); // facts: no cmdlet, no parameter
        return e;
    }

    [Fact]
    public void EEXIST_on_add_service_says_it_exists()
    {
        IpvsException e = Refused(Errno.EEXIST, c => c.AddVirtualService(Service));
        Assert.Equal((IpvsOperation.AddService, "tcp/10.0.0.3:80"), (e.Operation, e.Target));
        Assert.Equal("The virtual service tcp/10.0.0.3:80 already exists.", e.Message);
    }

    [Fact]
    public void ESRCH_on_remove_service_says_it_does_not_exist()
    {
        IpvsException e = Refused(Errno.ESRCH, c => c.RemoveVirtualService(Tcp));
        Assert.Equal((IpvsOperation.RemoveService, "tcp/10.0.0.3:80"), (e.Operation, e.Target));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void ENOENT_on_remove_real_server_names_the_real_server()
    {
        IpvsException e = Refused(Errno.ENOENT, c => c.RemoveRealServer(Tcp, IPAddress.Parse("10.0.0.7"), 80));
        Assert.Equal((IpvsOperation.RemoveRealServer, "tcp/10.0.0.3:80 -> 10.0.0.7:80"), (e.Operation, e.Target));
        Assert.Equal("The real server tcp/10.0.0.3:80 -> 10.0.0.7:80 does not exist.", e.Message);
    }

    [Fact]
    public void ENOENT_on_add_service_is_a_missing_scheduler_module()
    {
        IpvsException e = Refused(Errno.ENOENT, c => c.AddVirtualService(Service with { Scheduler = "twos" }));
        Assert.Contains("ip_vs_twos", e.Message);
        Assert.Equal("twos", e.Scheduler); // for the cmdlet layer's advice (modprobe ip_vs_twos)
    }

    [Fact]
    public void ESRCH_on_add_real_server_says_its_service_is_missing()
    {
        IpvsException e = Refused(Errno.ESRCH, c => c.AddRealServer(new RealServer { VirtualService = Tcp, Address = IPAddress.Parse("10.0.0.7"), Port = 80 }));
        Assert.Equal(IpvsOperation.AddRealServer, e.Operation);
        Assert.Equal("The virtual service of tcp/10.0.0.3:80 -> 10.0.0.7:80 does not exist.", e.Message);
    }

    [Fact]
    public void EPERM_says_CAP_NET_ADMIN_is_needed()
    {
        IpvsException e = Refused(Errno.EPERM, c => c.AddVirtualService(Service));
        Assert.Contains("CAP_NET_ADMIN", e.Message);
        Assert.DoesNotContain("pwsh", e.Message);
    }

    [Fact]
    public void EPERM_on_a_dump_says_the_same()
    {
        var kernel = new FakeKernel { Dump = m => new[] { Replies.Error(m, Errno.EPERM) } };
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<IpvsException>(() => client.GetVirtualServices());
        Assert.Equal((IpvsOperation.GetServices, Errno.EPERM), (e.Operation, e.Errno));
        Assert.Contains("CAP_NET_ADMIN", e.Message);
        Assert.IsType<NetlinkException>(e.InnerException);
    }

    [Fact]
    public void Extended_ack_text_is_kept_in_the_inner_exception()
    {
        var kernel = new FakeKernel { Errno = (_, _) => Errno.EINVAL, ExtAck = "missing attribute: SCHED_NAME" };
        using IpvsClient client = kernel.Open();
        var e = Assert.Throws<IpvsException>(() => client.Flush());
        Assert.Equal(IpvsOperation.Flush, e.Operation);
        Assert.Equal("missing attribute: SCHED_NAME", e.ExtendedAckMessage);
        Assert.Contains("missing attribute: SCHED_NAME", e.Message);
        Assert.True(((NetlinkException)e.InnerException!).IsKernelRefusal);
    }

    [Fact]
    public void Get_one_service_that_does_not_exist_is_null()
    {
        var kernel = new FakeKernel { Errno = (_, _) => Errno.ESRCH };
        using IpvsClient client = kernel.Open();
        Assert.Null(client.GetVirtualService(Tcp));
    }
}
