using System.Management.Automation;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// The output objects as scripts use them: plain properties, and their copies (deserialized as remoting,
/// jobs and Import-Clixml give them; text rows as Import-Csv gives them; hashtables) piped back into the
/// cmdlets by property name recreate the same table. Against the module's in-memory IPVS; the same
/// round trips through the real Export-Csv, ConvertTo-Json and Export-Clixml run in the Pester tier.
/// </summary>
public sealed class OutputObjectTests(SessionFixture fixture) : IClassFixture<SessionFixture>, IDisposable
{
    private readonly PowerShellSession _ps = fixture.Session;
    private readonly InMemoryIpvsSwitch _ipvs = new(fixture.Session);

    public void Dispose() => _ipvs.Dispose();

    private static string[] Ids(PowerShellSession.Result r) => r.AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray();

    /// <summary>A table with every kind of service and real server, in namespace lb1.</summary>
    private IReadOnlyList<string> BuildTable()
    {
        _ps.Run("""
            $p = @{ NetworkNamespace = 'lb1' }
            New-LvsVirtualService tcp/10.0.0.3:80 -Scheduler wrr -PersistenceTimeout 20 -PersistenceNetmask 255.255.255.0 @p
            New-LvsVirtualService udp/10.0.0.3:53 -Scheduler rr -OnePacket @p
            New-LvsVirtualService 'tcp/[2001:db8::1]:443' -Scheduler sh -SchedulerFlag sh-port, sh-fallback @p
            New-LvsVirtualService fwmark/3/ipv6 -Scheduler wlc -Persistent @p
            Add-LvsRealServer tcp/10.0.0.3:80 10.0.0.7 -Forwarding DR -Weight 3 -UpperThreshold 500 -LowerThreshold 400 @p
            Add-LvsRealServer tcp/10.0.0.3:80 192.168.1.8:80 -Forwarding NAT @p
            Add-LvsRealServer udp/10.0.0.3:53 192.168.1.9:5353 -Forwarding Masquerade -Weight 0 @p
            Add-LvsRealServer 'tcp/[2001:db8::1]:443' '[2001:db8::7]:443' -Forwarding Tunnel -TunnelType Gue -TunnelPort 6080 -TunnelChecksum RemoteChecksum @p
            Add-LvsRealServer fwmark/3/ipv6 10.0.1.7 -Forwarding Tunnel -TunnelType Gre @p
            """);
        IReadOnlyList<string> rules = _ipvs.Rules("lb1");
        Assert.Equal(9, rules.Count);
        return rules;
    }

    [Fact]
    public void A_service_has_its_protocol_address_port_mark_and_family_as_plain_values()
    {
        BuildTable();
        var services = _ps.Run("Get-LvsVirtualService -NetworkNamespace lb1").ToDictionary(o => o.Value<string>("VirtualService"));
        PSObject web = services["tcp/10.0.0.3:80"], mark = services["fwmark/3/ipv6"];
        Assert.Equal(("Tcp", "10.0.0.3", (ushort?)80, (uint?)null, "IPv4"),
            (web.Value<string>("Protocol"), web.Value<string>("Address"), web.Value<ushort?>("Port"), web.Value<uint?>("FirewallMark"), web.Value<string>("Family")));
        Assert.Equal(("FirewallMark", (string?)null, (ushort?)null, (uint?)3, "IPv6"),
            (mark.Value<string>("Protocol"), mark.Value<string?>("Address"), mark.Value<ushort?>("Port"), mark.Value<uint?>("FirewallMark"), mark.Value<string>("Family")));
        Assert.Equal(("sh-fallback,sh-port", (uint?)null), (services["tcp/[2001:db8::1]:443"].Value<string>("SchedulerFlags"), services["udp/10.0.0.3:53"].Value<uint?>("PersistenceTimeout")));
        Assert.Equal(((uint?)20, "255.255.255.0"), (web.Value<uint?>("PersistenceTimeout"), web.Value<string>("PersistenceNetmask")));
        // Nothing nested but the real servers, and nothing that serializes as an object graph.
        foreach (PSObject s in services.Values)
            foreach (PSPropertyInfo p in s.Properties.Where(p => p.Name != "RealServers"))
                Assert.True(p.Value is null or string or bool or byte or ushort or uint or ulong, $"{p.Name} is a {p.Value?.GetType().Name}");
        PSObject gue = Assert.Single(services["tcp/[2001:db8::1]:443"].Items("RealServers"));
        Assert.Equal(("2001:db8::7", (ushort)443, "Tunnel", "Gue", (ushort?)6080, "RemoteChecksum"),
            (gue.Value<string>("Address"), gue.Value<ushort>("Port"), gue.Value<string>("Forwarding"), gue.Value<string>("TunnelType"), gue.Value<ushort?>("TunnelPort"), gue.Value<string>("TunnelChecksum")));
    }

    [Fact]
    public void Deserialized_services_recreate_the_table_with_their_real_servers_in_another_namespace()
    {
        IReadOnlyList<string> original = BuildTable();
        // What Export-Clixml/Import-Clixml, Receive-Job and remoting hand back: property bags named Deserialized.*.
        PowerShellSession.Result r = _ps.Invoke("""
            $xml = [System.Management.Automation.PSSerializer]::Serialize(@(Get-LvsVirtualService -NetworkNamespace lb1), 3)
            $copies = [System.Management.Automation.PSSerializer]::Deserialize($xml)
            if ($copies[0].PSObject.TypeNames[0] -ne 'Deserialized.LvsPS.LvsVirtualService') { throw "not deserialized: $($copies[0].PSObject.TypeNames[0])" }
            $copies | New-LvsVirtualService -NetworkNamespace lb2
            """);
        Assert.Empty(r.AllErrors);
        Assert.Equal(original, _ipvs.Rules("lb2"));
    }

    [Fact]
    public void Text_rows_as_Import_Csv_gives_them_recreate_services_then_real_servers()
    {
        IReadOnlyList<string> original = BuildTable();
        // Every value as text, empty for null: the rows of Export-Csv read back by Import-Csv.
        PowerShellSession.Result r = _ps.Invoke("""
            function AsCsvRow { process { $row = [ordered]@{}; foreach ($p in $_.PSObject.Properties) { $row[$p.Name] = if ($null -eq $p.Value) { '' } else { $p.Value.ToString() } }; [pscustomobject]$row } }
            $services = @(Get-LvsVirtualService -NetworkNamespace lb1 | AsCsvRow)
            $realServers = @(Get-LvsRealServer -NetworkNamespace lb1 | AsCsvRow)
            $services | New-LvsVirtualService -NetworkNamespace lb3
            $realServers | Add-LvsRealServer -NetworkNamespace lb3
            """);
        Assert.Empty(r.AllErrors);
        Assert.Equal(original, _ipvs.Rules("lb3"));
    }

    [Fact]
    public void Hashtables_name_services_and_real_servers_by_the_parameter_names()
    {
        PowerShellSession.Result r = _ps.Invoke("""
            @{ VirtualService = 'tcp/10.0.0.3:80'; Scheduler = 'rr'; Persistent = $true
               RealServers = @(@{ Address = '10.0.0.7'; Weight = 2 }, @{ Address = '10.0.0.8:8080'; Forwarding = 'NAT' }) },
            @{ Protocol = 'Udp'; Address = '10.0.0.3'; Port = 53 },
            @{ FirewallMark = 7; Family = 'IPv6'; Scheduler = 'sh'; SchedulerFlags = 'sh-port' } | New-LvsVirtualService
            @{ VirtualService = 'udp/10.0.0.3:53'; Address = '10.0.0.9'; Forwarding = 'Masquerade'; Port = 5353 } | Add-LvsRealServer
            """);
        Assert.Empty(r.AllErrors);
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s rr -p 360",
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 2",
            "-a -t 10.0.0.3:80 -r 10.0.0.8:8080 -m -w 1",
            "-A -u 10.0.0.3:53 -s wlc",
            "-a -u 10.0.0.3:53 -r 10.0.0.9:5353 -m -w 1",
            "-A -f 7 -6 -s sh -b sh-port",
        }, _ipvs.Rules());
    }

    [Fact]
    public void A_row_with_a_bad_value_is_refused_with_the_row_as_target_and_the_others_go_on()
    {
        PowerShellSession.Result r = _ps.Invoke("""
            $bad = [pscustomobject]@{ VirtualService = 'tcp/10.0.0.4:80'; Scheduler = 'rr'; Persistent = 'maybe' }
            [pscustomobject]@{ VirtualService = 'tcp/10.0.0.3:80'; Scheduler = 'rr'; Persistent = 'False' }, $bad | New-LvsVirtualService
            [pscustomobject]@{ VirtualService = 'tcp/10.0.0.3:80'; Address = '10.1'; Weight = '1' },
                [pscustomobject]@{ VirtualService = 'tcp/10.0.0.3:80'; Address = '10.0.0.7'; Weight = 'heavy' },
                [pscustomobject]@{ VirtualService = 'tcp/10.0.0.3:80'; Address = '10.0.0.8'; Weight = '4' } | Add-LvsRealServer
            $bad
            """);
        Assert.Equal(new[] { "InvalidRecordProperty", "InvalidAddress", "InvalidRecordProperty" }, Ids(r));
        ErrorRecord first = r.AllErrors.First();
        Assert.Same(r.Output.Single().BaseObject, ((PSObject)first.TargetObject).BaseObject);
        Assert.Equal(ErrorCategory.InvalidArgument, first.CategoryInfo.Category);
        Assert.Contains("tcp/10.0.0.4:80: its Persistent is 'maybe', which is not True or False", first.Exception.Message);
        Assert.Contains("its Address is not usable: '10.1'", r.AllErrors.ElementAt(1).Exception.Message);
        Assert.Contains("its Weight is 'heavy', which is not a whole number from 0 to 65535", r.AllErrors.ElementAt(2).Exception.Message);
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s rr", "-a -t 10.0.0.3:80 -r 10.0.0.8:80 -g -w 4" }, _ipvs.Rules());
    }

    [Fact]
    public void Get_pipes_into_Set_Add_and_Remove_with_the_namespace_it_came_from()
    {
        BuildTable();
        _ps.Run("""
            Get-LvsRealServer -NetworkNamespace lb1 | Where-Object { $_.Forwarding -eq 'Masquerade' } | Set-LvsRealServer -Weight 9
            Get-LvsVirtualService -NetworkNamespace lb1 | Where-Object { $_.Protocol -eq 'Udp' } | Add-LvsRealServer -Address 192.168.1.10:53 -Forwarding NAT
            Get-LvsVirtualService -NetworkNamespace lb1 | Where-Object { $_.Family -eq 'IPv6' } | Remove-LvsVirtualService
            """);
        Assert.Equal(new[]
        {
            "-A -t 10.0.0.3:80 -s wrr -p 20 -M 255.255.255.0",
            "-a -t 10.0.0.3:80 -r 192.168.1.8:80 -m -w 9", // ipvsadm's order: 192.168.1.8 - 10.0.0.7 wraps negative
            "-a -t 10.0.0.3:80 -r 10.0.0.7:80 -g -w 3 -x 500 -y 400",
            "-A -u 10.0.0.3:53 -s rr -o",
            "-a -u 10.0.0.3:53 -r 192.168.1.9:5353 -m -w 9",
            "-a -u 10.0.0.3:53 -r 192.168.1.10:53 -m -w 1",
        }, _ipvs.Rules("lb1"));
        Assert.Empty(_ipvs.Rules());
    }
}
