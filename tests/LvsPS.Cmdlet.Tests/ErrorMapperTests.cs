using System.Management.Automation;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Netlink;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The (operation, errno) → id/category map, through its public surface in the loaded module
/// ([LvsPS.ErrorMapper]::Map), so the test sees the very assembly the cmdlets use.
/// </summary>
public sealed class ErrorMapperTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private (ErrorRecord Record, bool Terminating) Map(Exception e, object target)
    {
        object[] result = _ps.Run("$m = [LvsPS.ErrorMapper]::Map($args[0], $args[1]); $m.Item1; $m.Item2", e, target).Select(o => o.BaseObject).ToArray();
        return ((ErrorRecord)result[0], (bool)result[1]);
    }

    [Theory]
    [InlineData(IpvsOperation.AddService, Errno.EEXIST, "VirtualServiceExists", ErrorCategory.ResourceExists, false)]
    [InlineData(IpvsOperation.AddRealServer, Errno.EEXIST, "RealServerExists", ErrorCategory.ResourceExists, false)]
    [InlineData(IpvsOperation.UpdateService, Errno.ESRCH, "VirtualServiceNotFound", ErrorCategory.ObjectNotFound, false)]
    [InlineData(IpvsOperation.AddRealServer, Errno.ESRCH, "VirtualServiceNotFound", ErrorCategory.ObjectNotFound, false)]
    [InlineData(IpvsOperation.RemoveService, Errno.ENOENT, "VirtualServiceNotFound", ErrorCategory.ObjectNotFound, false)]
    [InlineData(IpvsOperation.RemoveRealServer, Errno.ENOENT, "RealServerNotFound", ErrorCategory.ObjectNotFound, false)]
    [InlineData(IpvsOperation.UpdateRealServer, Errno.ENOENT, "RealServerNotFound", ErrorCategory.ObjectNotFound, false)]
    [InlineData(IpvsOperation.AddService, Errno.ENOENT, "SchedulerNotAvailable", ErrorCategory.ObjectNotFound, false)]
    [InlineData(IpvsOperation.UpdateService, Errno.ENOENT, "SchedulerNotAvailable", ErrorCategory.ObjectNotFound, false)]
    [InlineData(IpvsOperation.AddRealServer, Errno.EPERM, "PermissionDenied", ErrorCategory.PermissionDenied, true)]
    [InlineData(IpvsOperation.Flush, Errno.EACCES, "PermissionDenied", ErrorCategory.PermissionDenied, true)]
    [InlineData(IpvsOperation.AddRealServer, Errno.EINVAL, "IpvsInvalidArgument", ErrorCategory.InvalidArgument, false)]
    [InlineData(IpvsOperation.UpdateRealServer, Errno.ERANGE, "IpvsInvalidArgument", ErrorCategory.InvalidArgument, false)]
    [InlineData(IpvsOperation.Zero, Errno.EIO, "IpvsError", ErrorCategory.NotSpecified, false)]
    public void Kernel_refusals_map_by_operation_and_errno(IpvsOperation op, int errno, string id, ErrorCategory category, bool terminating)
    {
        var target = new object();
        IpvsException e = IpvsException.From(op, errno, "tcp/10.0.0.3:80", "wrr");
        (ErrorRecord record, bool isTerminating) = Map(e, target);
        Assert.Equal(id, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Equal(terminating, isTerminating);
        Assert.Same(target, record.TargetObject); // the input object, not the cmdlet
        Assert.Same(e, record.Exception);
        if (terminating)
            Assert.Contains("CAP_NET_ADMIN", record.ErrorDetails!.RecommendedAction);
    }

    [Fact]
    public void Without_an_input_object_the_kernel_target_is_kept()
    {
        IpvsException e = IpvsException.From(IpvsOperation.RemoveRealServer, Errno.ENOENT, "tcp/10.0.0.3:80 -> 10.0.0.7:80");
        object[] result = _ps.Run("$m = [LvsPS.ErrorMapper]::Map($args[0], $null); $m.Item1", e).Select(o => o.BaseObject).ToArray();
        var record = (ErrorRecord)result[0];
        Assert.Equal("tcp/10.0.0.3:80 -> 10.0.0.7:80", record.TargetObject);
        Assert.Equal("The real server tcp/10.0.0.3:80 -> 10.0.0.7:80 does not exist.", record.Exception.Message); // facts from the core
        Assert.Contains("Get-LvsRealServer", record.ErrorDetails!.RecommendedAction);             // advice from the cmdlet layer
    }

    [Fact]
    public void Global_blockers_terminate_with_advice()
    {
        (ErrorRecord noIpvs, bool t1) = Map(new IpvsNotAvailableException(), "x");
        Assert.True(t1);
        Assert.Equal(("IpvsNotAvailable", ErrorCategory.ResourceUnavailable), (noIpvs.FullyQualifiedErrorId, noIpvs.CategoryInfo.Category));
        Assert.Contains("modprobe ip_vs", noIpvs.ErrorDetails!.RecommendedAction);
        Assert.DoesNotContain("modprobe", noIpvs.ErrorDetails.Message);

        (ErrorRecord noProc, bool t0) = Map(IpvsNotAvailableException.ProcFileMissing("ip_vs_conn"), "x");
        Assert.True(t0);
        Assert.Equal(("IpvsNotAvailable", ErrorCategory.ResourceUnavailable), (noProc.FullyQualifiedErrorId, noProc.CategoryInfo.Category));
        Assert.Contains("/proc/net/ip_vs_conn is missing", noProc.ErrorDetails!.Message);
        Assert.Contains("modprobe ip_vs", noProc.ErrorDetails.RecommendedAction);

        (ErrorRecord denied, bool t2) = Map(NetlinkException.Refused(Errno.EPERM, "RTM_NEWADDR"), "x");
        Assert.True(t2);
        Assert.Equal(("PermissionDenied", ErrorCategory.PermissionDenied), (denied.FullyQualifiedErrorId, denied.CategoryInfo.Category));
        Assert.Contains("sudo pwsh", denied.ErrorDetails!.RecommendedAction);
        Assert.DoesNotContain("IPVS", denied.ErrorDetails.Message + denied.ErrorDetails.RecommendedAction); // route netlink is not IPVS
        Assert.DoesNotContain("CAP_NET_RAW", denied.ErrorDetails.RecommendedAction); // an address change needs no raw socket

        (ErrorRecord rawDenied, bool t4) = Map(new LvsPS.Native.Vrrp.VrrpSocketException(Errno.EPERM, "socket(AF_INET, SOCK_RAW, 112)"), "x");
        Assert.True(t4);
        Assert.Equal("PermissionDenied", rawDenied.FullyQualifiedErrorId);
        Assert.Contains("CAP_NET_RAW", rawDenied.ErrorDetails!.RecommendedAction); // VRRP's raw socket does

        (ErrorRecord ns, bool t3) = Map(new NetworkNamespaceNotFoundException("lb1", "/run/netns/lb1"), "x");
        Assert.True(t3);
        Assert.Equal(("NetworkNamespaceNotFound", ErrorCategory.ObjectNotFound, "lb1"), (ns.FullyQualifiedErrorId, ns.CategoryInfo.Category, (string)ns.TargetObject));
    }

    [Fact]
    public void Input_problems_are_InvalidArgument_and_do_not_terminate()
    {
        (ErrorRecord rule, bool t1) = Map(new IpvsValidationException(IpvsRule.GueNeedsPort, "GUE needs a port"), "x");
        Assert.False(t1);
        Assert.Equal((nameof(IpvsRule.GueNeedsPort), ErrorCategory.InvalidArgument), (rule.FullyQualifiedErrorId, rule.CategoryInfo.Category));

        (ErrorRecord format, bool t2) = Map(new FormatException("'tcp/x' is not a virtual service"), "x");
        Assert.False(t2);
        Assert.Equal(("InvalidVirtualService", ErrorCategory.InvalidArgument), (format.FullyQualifiedErrorId, format.CategoryInfo.Category));

        (ErrorRecord other, bool t3) = Map(new NetlinkException(Errno.ENOBUFS, "recv: ENOBUFS"), "x");
        Assert.False(t3);
        Assert.Equal(("NetlinkError", ErrorCategory.NotSpecified), (other.FullyQualifiedErrorId, other.CategoryInfo.Category));
    }

    [Fact]
    public void Only_known_exceptions_are_mapped()
    {
        Assert.Equal(new object[] { true, true, false, false },
            _ps.Run("""
                [LvsPS.ErrorMapper]::IsMapped([LvsPS.Native.Ipvs.IpvsNotAvailableException]::new($null))
                [LvsPS.ErrorMapper]::IsMapped([FormatException]::new('x'))
                [LvsPS.ErrorMapper]::IsMapped([InvalidOperationException]::new('a bug'))
                [LvsPS.ErrorMapper]::IsMapped([NullReferenceException]::new())
                """).Select(o => o.BaseObject).ToArray());
    }
}
