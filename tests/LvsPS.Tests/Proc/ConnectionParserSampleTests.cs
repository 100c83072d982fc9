using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;

namespace LvsPS.Tests.Proc;

/// <summary>
/// The parser on tables recorded from the lab kernel (Samples/record.sh), with the
/// ipvsadm -Lnc output of the same moment as the witness, and on hand-written rows in the
/// kernel's format for what the lab cannot produce (SIP Call-IDs, SCTP, IP_n).
/// </summary>
public sealed class ConnectionParserSampleTests
{
    private static List<IpvsConnection> Parse(string sample, ConnectionFilter? filter = null)
    {
        using FileStream s = ProcSamples.Open(sample);
        return IpvsConnectionReader.Parse(s, filter).ToList();
    }

    /// <summary>ipvsadm -Lnc rows: "TCP 01:46  TIME_WAIT   192.168.50.2:36294 192.168.50.100:8080 10.20.0.11:80".</summary>
    private static List<(string Pro, TimeSpan Expire, string State, string Source, string Virtual, string Dest)> IpvsadmRows(string sample)
        => ProcSamples.Text(sample).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (f[0], TimeSpan.ParseExact(f[1], @"mm\:ss", null), f[2], f[3], f[4], f[5]))
            .ToList();

    [Fact]
    public void RecordedTableMatchesIpvsadmRowForRow()
    {
        List<IpvsConnection> rows = Parse("ip_vs_conn.txt");
        var witness = IpvsadmRows("ipvsadm-Lnc.txt");
        Assert.Equal(11, witness.Count);
        // ipvsadm read the table a moment later: entries about to expire may be gone.
        foreach (var w in witness)
        {
            IpvsConnection c = Assert.Single(rows, r => r.ClientEndpoint == w.Source && r.VirtualEndpoint == w.Virtual && r.Protocol == w.Pro);
            Assert.Equal(w.State, c.State);
            Assert.Equal(w.Dest, c.RealServerEndpoint);
            Assert.InRange((c.Expires - w.Expire).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        }
        Assert.InRange(rows.Count, witness.Count, witness.Count + 2);
    }

    [Fact]
    public void RecordedTableHasTheExpectedKinds()
    {
        List<IpvsConnection> rows = Parse("ip_vs_conn.txt");

        IpvsConnection v6 = Assert.Single(rows, r => r.Family == IpFamily.IPv6);
        Assert.Equal(IPAddress.Parse("fd00:50::100"), v6.VirtualAddress);
        Assert.Equal(IPAddress.Parse("fd00:20::11"), v6.RealServerAddress);

        IpvsConnection tunnel = Assert.Single(rows, r => r.Family == IpFamily.IPv4 && r.RealServerAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
        Assert.Equal((IPAddress.Parse("192.168.50.100"), (ushort)9000), (tunnel.VirtualAddress, tunnel.VirtualPort));
        Assert.Equal(IPAddress.Parse("fd00:20::12"), tunnel.RealServerAddress);
        Assert.Equal("SYN_RECV", tunnel.State);

        IpvsConnection persistent = Assert.Single(rows, r => r.IsTemplate && r.ProtocolNumber == 6);
        Assert.Equal(("ASSURED", (ushort)0, (ushort)8080), (persistent.State, persistent.ClientPort, persistent.VirtualPort));
        Assert.Null(persistent.FirewallMark);

        IpvsConnection mark = Assert.Single(rows, r => r.Protocol == "IP");
        Assert.True(mark.IsTemplate);
        Assert.Equal(7u, mark.FirewallMark);
        Assert.Equal(IPAddress.Parse("0.0.0.7"), mark.VirtualAddress);
        Assert.Equal("NONE", mark.State);

        IpvsConnection udp = Assert.Single(rows, r => r.Protocol == "UDP");
        Assert.Equal(("UDP", 17, (ushort)5061), (udp.State, udp.ProtocolNumber, udp.VirtualPort));

        Assert.All(rows, r => Assert.Null(r.Origin));
        Assert.All(rows, r => Assert.Null(r.PersistenceEngine));
        Assert.All(rows.Where(r => !r.IsTemplate), r => Assert.NotEqual(0, r.ClientPort));
    }

    [Fact]
    public void GeneratorWritesRecordedRowsByteForByte()
    {
        // The generator that feeds the large-table tests reproduces the kernel's own lines.
        string[] lines = ProcSamples.Text("ip_vs_conn.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ConnectionTableGenerator.Header, lines[0] + "\n");
        List<IpvsConnection> rows = Parse("ip_vs_conn.txt");
        for (int i = 0; i < rows.Count; i++)
        {
            IpvsConnection c = rows[i];
            string again = ConnectionTableGenerator.FormatRow(c.Protocol, c.ClientAddress, c.ClientPort, c.VirtualAddress, c.VirtualPort,
                c.RealServerAddress, c.RealServerPort, c.State, (uint)c.Expires.TotalSeconds,
                c.PersistenceEngine is null ? "" : $" {c.PersistenceEngine} {c.PersistenceEngineData}");
            Assert.Equal(lines[i + 1] + "\n", again);
        }
    }

    [Fact]
    public void SyncTablesCarryTheOrigin()
    {
        List<IpvsConnection> master = Parse("ip_vs_conn_sync-master.txt");
        List<IpvsConnection> backup = Parse("ip_vs_conn_sync-backup.txt");
        Assert.NotEmpty(master);
        Assert.All(master, r => Assert.Equal(ConnectionOrigin.Local, r.Origin));
        Assert.All(backup, r => Assert.Equal(ConnectionOrigin.Sync, r.Origin));
        // The backup holds what the master sent (here all but the UDP and the closing entry), templates included.
        var sent = master.Select(r => (r.ClientEndpoint, r.VirtualEndpoint, r.RealServerEndpoint, r.State, r.IsTemplate)).ToHashSet();
        Assert.All(backup, r => Assert.Contains((r.ClientEndpoint, r.VirtualEndpoint, r.RealServerEndpoint, r.State, r.IsTemplate), sent));
        Assert.Equal(8, backup.Count);
        Assert.Contains(backup, r => r.IsTemplate && r.State == "ASSURED");
        Assert.Contains(backup, r => r.IsTemplate && r.FirewallMark == 7);
        Assert.Contains(backup, r => r.Family == IpFamily.IPv6);

        Assert.Equal(backup.Count, Parse("ip_vs_conn_sync-backup.txt", new ConnectionFilter { Origin = ConnectionOrigin.Sync }).Count);
        Assert.Empty(Parse("ip_vs_conn_sync-backup.txt", new ConnectionFilter { Origin = ConnectionOrigin.Local }));
    }

    [Fact]
    public void HandWrittenRowsInTheKernelFormat()
    {
        List<IpvsConnection> rows = Parse("ip_vs_conn-pe-ipv6-sctp.txt");
        Assert.Equal(6, rows.Count);

        IpvsConnection sip = rows[0];
        Assert.True(sip.IsTemplate);
        Assert.Equal(("sip", "a84b4c76e66710@pc33.example.com"), (sip.PersistenceEngine, sip.PersistenceEngineData));
        Assert.Equal(TimeSpan.FromSeconds(172), sip.Expires);
        Assert.Null(rows[1].PersistenceEngine);
        Assert.False(rows[1].IsTemplate);

        IpvsConnection mark6 = rows[2];
        Assert.Equal((IpFamily.IPv6, "IP", 0, 7u), (mark6.Family, mark6.Protocol, mark6.ProtocolNumber, mark6.FirewallMark));
        Assert.Equal("ASSURED", mark6.State);

        IpvsConnection sctp = rows[3];
        Assert.Equal(("SCTP", 132, "ESTABLISHED"), (sctp.Protocol, sctp.ProtocolNumber, sctp.State));
        Assert.Equal(IPAddress.Parse("2001:db8::2"), sctp.ClientAddress);
        Assert.Equal(0xB37C, sctp.ClientPort);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), sctp.RealServerAddress); // IPv4 tunnel destination of an IPv6 row
        Assert.Equal(IPAddress.Parse("10.0.0.7"), rows[4].RealServerAddress);
        Assert.Equal(443, rows[4].VirtualPort);
        Assert.Equal(("IP_50", 50, "ERR!"), (rows[5].Protocol, rows[5].ProtocolNumber, rows[5].State));
    }

    [Fact]
    public void FiltersOnRecordedRows()
    {
        var https = VirtualServiceKey.Parse("tcp/192.168.50.100:8080");
        List<IpvsConnection> service = Parse("ip_vs_conn.txt", new ConnectionFilter { VirtualService = https });
        Assert.NotEmpty(service);
        Assert.All(service, r => Assert.Equal(8080, r.VirtualPort));
        Assert.Single(service, r => r.IsTemplate);

        Assert.Single(Parse("ip_vs_conn.txt", new ConnectionFilter { VirtualService = VirtualServiceKey.ForFirewallMark(7) }));
        Assert.Empty(Parse("ip_vs_conn.txt", new ConnectionFilter { VirtualService = VirtualServiceKey.ForFirewallMark(7, IpFamily.IPv6) }));
        Assert.Single(Parse("ip_vs_conn-pe-ipv6-sctp.txt", new ConnectionFilter { VirtualService = VirtualServiceKey.ForFirewallMark(7, IpFamily.IPv6) }));

        Assert.All(Parse("ip_vs_conn.txt", new ConnectionFilter { Templates = TemplateFilter.Only }), r => Assert.True(r.IsTemplate));
        Assert.Equal(2, Parse("ip_vs_conn.txt", new ConnectionFilter { Templates = TemplateFilter.Only }).Count);
        Assert.Single(Parse("ip_vs_conn.txt", new ConnectionFilter { RealServerAddress = IPAddress.Parse("fd00:20::12"), RealServerPort = 9000 }));
        Assert.Single(Parse("ip_vs_conn.txt", new ConnectionFilter { ClientNetwork = ConnectionFilter.ParseClientNetwork("fd00:50::/64") }));
        Assert.Single(Parse("ip_vs_conn.txt", new ConnectionFilter { States = ["syn_recv"] }));
        Assert.Single(Parse("ip_vs_conn.txt", new ConnectionFilter { Protocol = IpvsProtocol.Udp }));
        Assert.Single(Parse("ip_vs_conn.txt", new ConnectionFilter { Protocol = IpvsProtocol.FirewallMark }));
    }
}
