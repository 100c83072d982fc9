using System.Net;
using CsCheck;
using LvsPS.Native.Configuration;
using LvsPS.Native.Ipvs;

namespace LvsPS.Tests.Configuration;

/// <summary>The ipvsadm-save format: writer, reader, and the round trip between them.</summary>
public sealed class IpvsadmRulesTests
{
    /// <summary>
    /// What <c>ipvsadm-save -n</c> (1.31) printed in the lab for a table built with ipvsadm
    /// (kernel 6.1): every option, in ipvsadm's order.
    /// </summary>
    private const string IpvsadmSaveOutput =
        "-A -t 10.0.0.3:80 -s wrr -p 20\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 1\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.9:80 -m -w 0\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.10:8080 -m -w 3\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.11:80 -i -w 2 --tun-type ipip\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.12:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.13:80 -i -w 1 --tun-type gre --tun-csum\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.14:80 -i -w 1 --tun-type gre --tun-nocsum\n" +
        "-a -t 10.0.0.3:80 -r 10.0.0.15:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n" +
        "-A -t 10.0.0.4:80 -s sh -p 60 -M 255.255.255.0 --pe sip -b sh-fallback,sh-port\n" +
        "-A -t 10.0.0.8:0 -s wlc -p 10 -M 0.0.0.0\n" +
        "-A -u 10.0.0.5:53 -s rr -o\n" +
        "-A -u 10.0.0.6:53 -s rr -p 360 -o\n" +
        "-A --sctp-service 10.0.0.7:9 -s mh -b mh-fallback\n" +
        "-A -t [2001:db8::1]:0 -s wlc -p 10\n" +
        "-A -u [2001:db8::1]:53 -s sh -p 60 -M 64 -b sh-fallback,sh-port\n" +
        "-a -u [2001:db8::1]:53 -r [2001:db8::7]:5353 -m -w 3\n" +
        "-A -f 42 -s mh -b mh-port\n" +
        "-a -f 42 -r [2001:db8::9]:0 -i -w 5 --tun-type ipip\n" +
        "-A -f 43 -6 -s rr -p 30 -M 64\n";

    private static VirtualServiceKey K(string text) => VirtualServiceKey.Parse(text);

    [Fact]
    public void What_ipvsadm_save_printed_is_read_and_written_back_byte_for_byte()
    {
        IpvsadmRuleSet rules = IpvsadmRulesReader.Parse(IpvsadmSaveOutput, "save.rules");
        Assert.Equal(10, rules.Services.Count);
        Assert.False(rules.ClearsTable);
        Assert.Equal(IpvsadmSaveOutput, IpvsadmRulesWriter.Write(rules.Services));
    }

    [Fact]
    public void Every_ipvsadm_save_option_is_understood()
    {
        var s = IpvsadmRulesReader.Parse(IpvsadmSaveOutput).Services.ToDictionary(x => x.Key.ToString());
        VirtualService sh = s["tcp/10.0.0.4:80"];
        Assert.Equal(("sh", SchedulerFlags.Flag1 | SchedulerFlags.Flag2, true, 60u, (int?)24, "sip"),
            (sh.Scheduler, sh.SchedulerFlags, sh.Persistent, sh.PersistenceTimeout, sh.PersistencePrefixLength, sh.PersistenceEngine));
        Assert.Equal(0, s["tcp/10.0.0.8:0"].PersistencePrefixLength);
        Assert.True(s["udp/10.0.0.6:53"].OnePacket);
        Assert.Equal(IpvsProtocol.Sctp, s["sctp/10.0.0.7:9"].Key.Protocol);
        Assert.Equal(64, s["fwmark/43/ipv6"].PersistencePrefixLength);

        RealServer[] dests = s["tcp/10.0.0.3:80"].RealServers.ToArray();
        Assert.Equal(8, dests.Length);
        Assert.Equal((ForwardingMethod.Route, 1u), (dests[0].Forwarding, dests[0].Weight));
        Assert.Equal((ForwardingMethod.Masquerade, (ushort)8080, 3u), (dests[2].Forwarding, dests[2].Port, dests[2].Weight));
        Assert.Equal((TunnelType.Gue, (ushort)6080, TunnelChecksum.Checksum), (dests[4].TunnelType, dests[4].TunnelPort, dests[4].TunnelChecksum));
        Assert.Equal((TunnelType.Gre, TunnelChecksum.Checksum), (dests[5].TunnelType, dests[5].TunnelChecksum));
        RealServer v6 = Assert.Single(s["fwmark/42"].RealServers);
        Assert.Equal((IPAddress.Parse("2001:db8::9"), (ushort)0, ForwardingMethod.Tunnel), (v6.Address, v6.Port, v6.Forwarding));
    }

    [Fact]
    public void Thresholds_are_kept_after_the_weight_unless_asked_to_print_exactly_what_ipvsadm_save_does()
    {
        var key = K("tcp/10.0.0.3:80");
        var service = new VirtualService
        {
            Key = key, Scheduler = "wlc",
            RealServers = new[]
            {
                new RealServer { VirtualService = key, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Tunnel,
                    Weight = 2, UpperThreshold = 100, LowerThreshold = 10, TunnelType = TunnelType.Gue, TunnelPort = 6080, TunnelChecksum = TunnelChecksum.RemoteChecksum },
                new RealServer { VirtualService = key, Address = IPAddress.Parse("10.0.0.8"), Port = 80, UpperThreshold = 5 },
            },
        };
        Assert.Equal(
            "-A -t 10.0.0.3:80 -s wlc\n" +
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -i -w 2 -x 100 -y 10 --tun-type gue --tun-port 6080 --tun-remcsum\n" +
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -m -w 1 -x 5\n",
            IpvsadmRulesWriter.Write(new[] { service }));
        Assert.Equal(
            "-A -t 10.0.0.3:80 -s wlc\n" +
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -i -w 2 --tun-type gue --tun-port 6080 --tun-remcsum\n" +
            "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -m -w 1\n",
            IpvsadmRulesWriter.Write(new[] { service }, includeThresholds: false));
        ValidTables.AssertSame(new[] { service }, IpvsadmRulesReader.Parse(IpvsadmRulesWriter.Write(new[] { service })).Services);
    }

    [Fact]
    public void Kernel_local_forwarding_is_written_as_direct_routing_like_ipvsadm()
        => Assert.Equal("-a -f 3 -r 127.0.0.1:0 -g -w 1", IpvsadmRulesWriter.FormatRealServer(
            new RealServer { VirtualService = K("fwmark/3"), Address = IPAddress.Loopback, Forwarding = ForwardingMethod.Local }, K("fwmark/3")));

    [Fact]
    public void Any_valid_table_survives_writer_then_reader()
        => ValidTables.Table.Sample(table =>
            ValidTables.AssertSame(table, IpvsadmRulesReader.Parse(IpvsadmRulesWriter.Write(table, sort: false)).Services), iter: 300);

    [Fact]
    public void Services_and_real_servers_are_sorted_like_ipvsadm_unless_asked_not_to()
    {
        var rules = IpvsadmRulesReader.Parse(IpvsadmSaveOutput).Services.Reverse()
            .Select(s => s with { RealServers = s.RealServers.Reverse().ToArray() }).ToArray();
        Assert.Equal(IpvsadmSaveOutput, IpvsadmRulesWriter.Write(rules, includeThresholds: false));
        Assert.StartsWith("-A -f 43 -6 -s rr -p 30 -M 64\n-A -f 42", IpvsadmRulesWriter.Write(rules, sort: false));
    }

    [Fact]
    public void Hand_written_rules_use_long_options_defaults_comments_and_continuations()
    {
        const string text = """
            # web farm
            ipvsadm --add-service --tcp-service=10.0.0.3:80 --scheduler rr --persistent   # bare -p: ipvsadm's 360 s
            --add-server -t 10.0.0.3:80 --real-server 10.0.0.7          # -g and weight 1 by default, port of the service
            -a -t 10.0.0.3:80 -r 10.0.0.8 --masquerading \
               --weight 4 --u-threshold 50 --l-threshold 5
            -A --udp-service [2001:db8::1]:53
            -A -f 7 -6 -s mh -b mh-port,flag-3 -o
            -a -f 7 -6 -r [2001:db8::7] -i --tun-type gue --tun-port 6080 --tun-csum
            --add-service --fwmark-service 8 -p 30 -M 255.255.0.0 --pe sip
            """;
        IpvsadmRuleSet rules = IpvsadmRulesReader.Parse(text, "hand.rules");
        Assert.Equal(4, rules.Services.Count);

        VirtualService web = rules.Services[0];
        Assert.Equal(("rr", true, 360u), (web.Scheduler, web.Persistent, web.PersistenceTimeout));
        Assert.Equal(new RealServer { VirtualService = web.Key, Address = IPAddress.Parse("10.0.0.7"), Port = 80, Forwarding = ForwardingMethod.Route, Weight = 1 }, web.RealServers[0]);
        Assert.Equal(new RealServer { VirtualService = web.Key, Address = IPAddress.Parse("10.0.0.8"), Port = 80, Forwarding = ForwardingMethod.Masquerade, Weight = 4, UpperThreshold = 50, LowerThreshold = 5 },
            web.RealServers[1]);

        Assert.Equal(("wlc", false), (rules.Services[1].Scheduler, rules.Services[1].Persistent));
        VirtualService mark = rules.Services[2];
        Assert.Equal((IpFamily.IPv6, SchedulerFlags.Flag2 | SchedulerFlags.Flag3, true), (mark.Key.Family, mark.SchedulerFlags, mark.OnePacket));
        RealServer gue = Assert.Single(mark.RealServers);
        Assert.Equal((ForwardingMethod.Tunnel, TunnelType.Gue, (ushort)6080, TunnelChecksum.Checksum, (ushort)0), (gue.Forwarding, gue.TunnelType, gue.TunnelPort, gue.TunnelChecksum, gue.Port));
        Assert.Equal((16, "sip"), (rules.Services[3].PersistencePrefixLength, rules.Services[3].PersistenceEngine));
    }

    [Fact]
    public void Clear_edit_delete_and_set_shape_the_resulting_table()
    {
        const string text = """
            -A -t 10.0.0.1:80 -s rr
            -C
            -A -t 10.0.0.3:80 -s rr
            -a -t 10.0.0.3:80 -r 10.0.0.7:80 -w 1
            -a -t 10.0.0.3:80 -r 10.0.0.8:80 -w 1
            -A -u 10.0.0.3:53
            -E -t 10.0.0.3:80 -s wrr -p 20
            -e -t 10.0.0.3:80 -r 10.0.0.7:80 -w 9
            -d -t 10.0.0.3:80 -r 10.0.0.8:80
            -D -u 10.0.0.3:53
            --set 900 120 300
            """;
        IpvsadmRuleSet rules = IpvsadmRulesReader.Parse(text);
        Assert.True(rules.ClearsTable);
        Assert.Equal(new IpvsTimeouts(900, 120, 300), rules.Timeouts);
        VirtualService s = Assert.Single(rules.Services);
        Assert.Equal(("tcp/10.0.0.3:80", "wrr", 20u), (s.Key.ToString(), s.Scheduler, s.PersistenceTimeout));
        Assert.Equal(9u, Assert.Single(s.RealServers).Weight);
    }

    public static TheoryData<string, int, string> Malformed => new()
    {
        { "-A -t 10.0.0.3:80 -s rr\n-A -t 10.0.0.3:80", 2, "already defined" },
        { "-a -t 10.0.0.3:80 -r 10.0.0.7:80", 1, "not defined above" },
        { "-A -t 10.0.0.3:80\n\n# comment\n-A -t 10.0.0.4:80 -s nosuch", 4, "'nosuch' is not an IPVS scheduler" },
        { "-A -t 10.0.0.3:80 -s", 1, "-s needs a value" },
        { "-A -t 10.0.0.3:80 --frobnicate", 1, "--frobnicate is not an option" },
        { "-A -t 10.0.0.3:80 rr", 1, "unexpected 'rr'" },
        { "-A -t host.example:80", 1, "numeric addresses only" },
        { "-A -t 10.3:80", 1, "'10.3' is not an IPv4 address in dotted-quad form" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 012.0.0.7", 2, "inet_aton would read it as 10.0.0.7" },
        { "-A -t 10.0.0.3:80 -A", 1, "given twice" },
        { "-A -t 10.0.0.3:80 -a", 1, "one command" },
        { "-t 10.0.0.3:80 -s rr", 1, "no command" },
        { "-A -s rr", 1, "names no virtual service" },
        { "-A -t 10.0.0.3:80 -r 10.0.0.7", 1, "belongs to a real server" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -s rr", 2, "belongs to a virtual service" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80", 2, "needs -r" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -w 70000", 2, "not a valid weight" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -x 5 -y 10", 2, "above its upper threshold" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -g -i", 2, "choose one forwarding method" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -m --tun-type gue", 2, "need tunnel forwarding" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -i --tun-type gue", 2, "GUE tunnelling needs" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -i --tun-type vxlan", 2, "ipip, gue and gre" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -i --tun-csum", 2, "not ipip" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 -i --tun-type gre --tun-port 1", 2, "gue tunnel type only" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7:8080 -g", 2, "cannot change the port" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r [2001:db8::7]:80 -m", 2, "another address family" },
        { "-A -t 10.0.0.3:80 -s rr -b sh-port", 1, "belongs to the 'sh' scheduler" },
        { "-A -t 10.0.0.3:80 -p 20 -M 255.0.255.0", 1, "not a contiguous netmask" },
        { "-A -t 10.0.0.3:0 -s rr", 1, "port 0" },
        { "-A -t 10.0.0.3:80 --pe sip", 1, "works only for a persistent service" },
        { "-A -f 0", 1, "firewall mark" },
        { "-A -f 7 -6\n-a -f 7 -r [2001:db8::7] -i", 2, "add -6" },
        { "-A -t 10.0.0.3:80 -6", 1, "-6 applies to firewall-mark" },
        { "-A -t 10.0.0.3:80 -s 'rr", 1, "not closed" },
        { "-C -t 10.0.0.3:80", 1, "takes no other options" },
        { "--set 900 120", 1, "three timeouts" },
        { "-A -t 10.0.0.3:80\n-e -t 10.0.0.3:80 -r 10.0.0.9 -w 2", 2, "not defined above" },
        { "-A -t 10.0.0.3:80\n-\\\n-a -t 10.0.0.3:80 -r 10.0.0.7 -w x", 2, "not an option" },
        { "-A -t 10.0.0.3:80\n-a -t 10.0.0.3:80 -r 10.0.0.7 \\\n  -w x", 2, "not a valid weight" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_bad_line_is_reported_with_file_and_line(string text, int line, string reason)
    {
        var e = Assert.Throws<ConfigurationFormatException>(() => IpvsadmRulesReader.Parse(text, "/etc/ipvsadm.rules"));
        Assert.Equal(("/etc/ipvsadm.rules", (long)line), (e.FileName, e.LineNumber));
        Assert.StartsWith($"/etc/ipvsadm.rules:{line}: ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_validation_failure_keeps_its_rule_id()
    {
        var e = Assert.Throws<ConfigurationFormatException>(() => IpvsadmRulesReader.Parse("-A -t 10.0.0.3:80 -s nosuch"));
        Assert.Equal(IpvsRule.UnknownScheduler, e.Rule);
        Assert.StartsWith("<input>:1: ", e.Message);
    }

    [Fact]
    public void ReadFile_names_the_path_it_was_given()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lvsps-{Guid.NewGuid():N}.rules");
        File.WriteAllText(path, "-A -t 10.0.0.3:80 -s rr\n-a -t 10.0.0.3:80 -r 10.0.0.7:80 -w -1\n");
        try
        {
            var e = Assert.Throws<ConfigurationFormatException>(() => IpvsadmRulesReader.ReadFile(path));
            Assert.StartsWith($"{path}:2: ", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
