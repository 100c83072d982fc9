using System.Diagnostics;
using System.Net;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Namespaces;
using LvsPS.Native.Proc;
using LvsPS.Testing;

namespace LvsPS.Bench;

/// <summary>
/// Get-LvsConnection against <c>ipvsadm -Lnc | grep</c>, in the lab VM (lab/guest/bench-conn.sh):
/// (A) a generated table of the kernel's exact format on tmpfs, which ipvsadm is made to read
/// by mounting a directory holding net/ip_vs_conn over /proc in a private mount namespace;
/// (B) a real kernel table, grown by crafted sync messages sent to a backup sync daemon.
/// </summary>
internal static class ConnectionBench
{
    private const string Work = "/tmp/lvsps-conn-bench";
    private static readonly List<string[]> Results = new();

    public static void Run(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
        int[] realSizes = (args.Length > 1 ? args[1] : "50000,100000,200000,400000,1000000").Split(',').Select(int.Parse).ToArray();
        int budget = args.Length > 2 ? int.Parse(args[2]) : 600; // seconds any one measurement may take
        int trials = args.Length > 3 ? int.Parse(args[3]) : 3;
        Console.WriteLine($"conn bench: generated {rows:N0} rows; real table sizes {string.Join(", ", realSizes.Select(n => n.ToString("N0")))}; " +
            $"budget {budget} s per measurement; kernel {Environment.OSVersion.Version}; {Environment.ProcessorCount} vCPUs");
        Directory.CreateDirectory(Work);
        using var session = new PowerShellSession();
        GeneratedFile(session, rows, trials, budget);
        RealTable(session, realSizes, budget);
        PrintTable();
    }

    // ---- (A) a generated file -------------------------------------------------------------

    private static void GeneratedFile(PowerShellSession session, int rows, int trials, int budget)
    {
        var table = new ConnectionTableWriter { Services = 1000 };
        int s = ConnectionTableWriter.TcpIPv4ServiceFrom(500);
        string service = ConnectionTableWriter.ServiceText(s), endpoint = ConnectionTableWriter.VirtualServiceEndpoint(s);
        int expected = table.RowsOf(s, rows);
        // The file ipvsadm reads as /proc/net/ip_vs_conn once <fake>/ is mounted over /proc.
        string fake = Path.Combine(Work, "fakeproc");
        Directory.CreateDirectory(Path.Combine(fake, "net"));
        string file = Path.Combine(fake, "net", "ip_vs_conn");
        double gen = Time(() => table.Write(file, rows));
        Console.WriteLine($"(A) generated {rows:N0} rows ({new FileInfo(file).Length / 1e6:F1} MB) in {gen:F1} s; service {service}: {expected} rows");

        // Every timed run checks its count: a wrong count would mean ipvsadm did not read the generated file.
        string rssFile = Path.Combine(Work, "ipvsadm-rss");
        string ipvsadm = $"/usr/bin/time -o {rssFile} -f %M unshare -m sh -c 'mount --bind {fake} /proc && exec ipvsadm -Lnc' | grep -c ' {endpoint} '";
        double tIpvsadm = Best(trials, () => Time(() => Check(Sh(null, ipvsadm, budget).Trim() == expected.ToString(), $"ipvsadm did not read the generated file ({ipvsadm})")));
        string rss = File.ReadAllText(rssFile).Trim();

        const string script = "@(Get-LvsConnection -Path $args[0] -VirtualService $args[1]).Count";
        session.Run(script, file, service); // warm: the module's first call
        double tCmdlet = Best(trials, () => Time(() => Check((int)session.Run(script, file, service)[0].BaseObject == expected, "Get-LvsConnection -Path counted wrong")));

        var filter = new ConnectionFilter { VirtualService = VirtualServiceKey.Parse(service) };
        CoreCount(file, filter);
        double tCore = Best(trials, () => Time(() => Check(CoreCount(file, filter) == expected, "the core parser counted wrong")));
        double tObjects = Best(trials, () => Time(() => Check(CoreObjects(file) == rows, "the core parser lost rows")));
        Console.WriteLine($"  ipvsadm -Lnc | grep -c: {tIpvsadm:F2} s (ipvsadm peak RSS {rss} KB)");
        Console.WriteLine($"  Get-LvsConnection -Path -VirtualService: {tCmdlet:F2} s = {tCmdlet / tIpvsadm:F2}x ipvsadm|grep (goal <= 1.5x: {(tCmdlet / tIpvsadm <= 1.5 ? "met" : "NOT met")})");
        Console.WriteLine($"  core parser, filtered: {tCore:F2} s = {rows / tCore:N0} rows/s; every row as an object: {tObjects:F2} s = {rows / tObjects:N0} rows/s");
        Results.Add(["file", rows.ToString("N0"), $"{tCmdlet:F2}", $"{tCore:F2}", $"{tIpvsadm:F2}", $"{tCmdlet / tIpvsadm:F2}", $"{rows / tCore:N0}", $"{expected}"]);

        // Memory: a fresh process per size, so the peak is that of one read.
        int small = rows / 10;
        string smallFile = Path.Combine(Work, "ip_vs_conn-small");
        table.Write(smallFile, small);
        Console.WriteLine("  memory (fresh process each: peak RSS VmHWM, bytes allocated by the read):");
        foreach (string mode in new[] { "core", "cmdlet" })
            foreach ((string f, int n) in new[] { (smallFile, small), (file, rows) })
                Console.WriteLine($"    {mode,-6} {n,9:N0} rows: {Sh(null, $"{Environment.ProcessPath} {typeof(ConnectionBench).Assembly.Location} conn-probe {mode} {f} {service}", budget).Trim()}");
        File.Delete(smallFile);
        File.Delete(file);
    }

    /// <summary>Child process: reads one file once and reports its peak RSS and what the read allocated.</summary>
    public static void Probe(string[] args)
    {
        (string mode, string file, string service) = (args[0], args[1], args[2]);
        long count = 0;
        PowerShellSession? session = mode == "cmdlet" ? new PowerShellSession() : null;
        const string script = "@(Get-LvsConnection -Path $args[0] -VirtualService $args[1]).Count";
        session?.Run(script, file, service); // warm: module loaded, cmdlet jitted
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        if (session is null)
            count = CoreCount(file, new ConnectionFilter { VirtualService = VirtualServiceKey.Parse(service) });
        else
            count = (int)session.Run(script, file, service)[0].BaseObject;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        string hwm = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))[6..].Trim();
        Console.WriteLine($"{count} matching, {sw.Elapsed.TotalSeconds:F2} s, VmHWM {hwm}, allocated {allocated / 1024.0:N0} KB");
        session?.Dispose();
    }

    private static long CoreCount(string file, ConnectionFilter filter)
    {
        using var parser = new IpvsConnectionParser(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0), filter);
        return parser.CountMatching();
    }

    private static long CoreObjects(string file)
    {
        using var parser = new IpvsConnectionParser(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0));
        long n = 0;
        while (parser.TryRead(out _))
            n++;
        return n;
    }

    // ---- (B) a real table, filled by crafted sync messages ----------------------------------

    private const string Feeder = "cbfeed", Backup = "cbback";

    private static void RealTable(PowerShellSession session, int[] sizes, int budget)
    {
        Sh(null, $"ip netns add {Feeder} && ip netns add {Backup} && ip -n {Feeder} link set lo up && ip -n {Backup} link set lo up && " +
            $"ip -n {Feeder} link add sync0 mtu 9000 type veth peer name sync0 netns {Backup} mtu 9000 && " +
            $"ip -n {Feeder} addr add 10.47.0.1/24 dev sync0 && ip -n {Feeder} link set sync0 up && ip -n {Feeder} route add 224.0.0.0/4 dev sync0 && " +
            $"ip -n {Backup} addr add 10.47.0.2/24 dev sync0 && ip -n {Backup} link set sync0 up", 60);
        using var client = IpvsClient.Open(Backup);
        client.StartSyncDaemon(new SyncDaemon { State = SyncDaemonState.Backup, Interface = "sync0", SyncId = 5, MaxLength = 8972 });
        int maxLength = client.GetSyncDaemons().Single().MaxLength ?? 1472;
        using var feeder = new IpvsSyncFeeder(Feeder, IPAddress.Parse("10.47.0.1"), Backup, 5, maxLength);
        Console.WriteLine($"(B) real table in namespace {Backup}: backup daemon sync_maxlen {maxLength} = {IpvsSyncMessages.ConnectionsPerMessage(maxLength)} entries per message");

        const int services = 1000;
        const int s = 500; // 10.48.1.244:80, TCP
        string endpoint = $"{Address(s)}:80";
        string service = $"tcp/{endpoint}";
        string ipvsadm = $"ip netns exec {Backup} sh -c \"ipvsadm -Lnc | grep -c ' {endpoint} '\"";
        const string script = "@(Get-LvsConnection -VirtualService $args[0] -NetworkNamespace $args[1]).Count";
        var filter = new ConnectionFilter { VirtualService = VirtualServiceKey.Parse(service) };
        bool ipvsadmGaveUp = false;
        double lastCore = 0;
        int have = 0, lastSize = 0;
        foreach (int size in sizes)
        {
            double feed = Time(() => feeder.Send(Enumerable.Range(have, size - have).Select(i => Synced(i, services))));
            have = size;
            if (lastCore > 0 && lastCore * Math.Pow((double)size / lastSize, 2) > budget * 1.5)
            {
                // The kernel holds the rows (its slab says how many), but one read would outlast the budget.
                string slab = Sh(null, "grep -E '^(ip_vs_conn) ' /proc/slabinfo | awk '{print $2 \" active of \" $3}'", 60, allowFailure: true).Trim();
                Console.WriteLine($"  {size:N0} rows: fed in {feed:F1} s ({feeder.Messages} messages, UDP RcvbufErrors {IpvsSyncFeeder.ReceiveBufferErrors(Backup)}); " +
                    $"slab ip_vs_conn: {(slab.Length > 0 ? slab : "merged, not listed")}; not read: a read grows with the square of the rows " +
                    $"(≈{lastCore * Math.Pow((double)size / lastSize, 2):F0} s expected for the core reader, budget {budget} s)");
                Results.Add(["kernel", size.ToString("N0"), "not read", $"≈{lastCore * Math.Pow((double)size / lastSize, 2):F0} (est.)", "not read", "-", "-", "-"]);
                break;
            }
            int expected = Enumerable.Range(0, size).Count(i => i % services == s);
            long total = 0, count = 0;
            double tCore = Time(() =>
            {
                using IpvsConnectionParser p = IpvsConnectionReader.Open(Backup, filter);
                count = p.CountMatching();
                total = p.RowsRead;
            });
            Console.WriteLine($"  {size:N0} rows: fed in {feed:F1} s ({feeder.Messages} messages, UDP RcvbufErrors {IpvsSyncFeeder.ReceiveBufferErrors(Backup)}); table has {total:N0} rows; core reader {tCore:F2} s ({total / tCore:N0} rows/s), {count} matching");
            Check(count == expected, $"core reader found {count} rows of {service}, expected {expected}");
            lastCore = tCore;
            lastSize = size;

            int cmdletCount = 0;
            double tCmdlet = Time(() => cmdletCount = (int)session.Run(script, service, Backup)[0].BaseObject);
            Check(cmdletCount == expected, $"Get-LvsConnection counted {cmdletCount}, expected {expected}");

            string tIpvsadm = "skipped", ratio = "-";
            if (!ipvsadmGaveUp)
            {
                string output = "";
                double t = Time(() => output = Sh(null, $"timeout {budget} {ipvsadm}", budget + 30, allowFailure: true).Trim());
                if (output == expected.ToString())
                {
                    tIpvsadm = $"{t:F2}";
                    ratio = $"{tCmdlet / t:F2}";
                }
                else
                {
                    tIpvsadm = $">{budget} (timeout)";
                    ipvsadmGaveUp = true;
                }
            }
            Console.WriteLine($"    Get-LvsConnection -VirtualService: {tCmdlet:F2} s; ipvsadm -Lnc | grep -c: {tIpvsadm} s; ratio {ratio}");
            Results.Add(["kernel", size.ToString("N0"), $"{tCmdlet:F2}", $"{tCore:F2}", tIpvsadm, ratio, $"{total / tCore:N0}", $"{expected}"]);

            // How the read size changes the cost of a full read (the kernel caps each read at its seq_file page).
            if (size <= 50_000)
                foreach (int bytes in new[] { 1024, 4096, 65536, 1 << 20 })
                {
                    (long reads, long length, double seconds) = Drain(Backup, bytes);
                    Console.WriteLine($"    read({bytes,7}): {reads,7:N0} calls, {length / (double)reads,6:F0} bytes/call, {seconds:F2} s");
                }
            if (size == sizes[0])
                Console.WriteLine("    ipvsadm's reads (strace -c): " + Sh(null,
                    $"ip netns exec {Backup} strace -f -c -e trace=read -o {Work}/strace.txt ipvsadm -Lnc > /dev/null; grep -w read {Work}/strace.txt", budget).Trim());
        }
        client.StopSyncDaemon(SyncDaemonState.Backup);
        Sh(null, $"ip netns del {Feeder}; ip netns del {Backup}", 600, allowFailure: true);
    }

    private static IPAddress Address(int s) => new([10, 48, (byte)(s >> 8), (byte)s]);

    /// <summary>Row i of the real table: TCP to service i % services, every 10th a template, states cycling ESTABLISHED…LAST_ACK.</summary>
    private static SyncedConnection Synced(int i, int services)
    {
        int s = i % services;
        bool template = i % 10 == 0;
        return new SyncedConnection(6, new IPAddress([172, (byte)(16 + (i >> 16 & 0xf)), (byte)(i >> 8), (byte)i]), template ? (ushort)0 : (ushort)(1024 + i % 64000),
            Address(s), 80, new IPAddress([10, 49, (byte)(s >> 8), (byte)s]), 8080,
            template ? (ushort)1 : (ushort)(1 + i / services % 8), TimeoutSeconds: 7200, IsTemplate: template);
    }

    /// <summary>Reads the whole /proc/net/ip_vs_conn of a namespace with reads of <paramref name="bytes"/>.</summary>
    private static (long Reads, long Bytes, double Seconds) Drain(string ns, int bytes)
    {
        using FileStream f = NetworkNamespace.Run(ns, () => new FileStream("/proc/thread-self/net/ip_vs_conn", FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0));
        var buffer = new byte[bytes];
        long reads = 0, total = 0;
        var sw = Stopwatch.StartNew();
        int n;
        while ((n = f.Read(buffer, 0, buffer.Length)) > 0)
        {
            reads++;
            total += n;
        }
        return (reads, total, sw.Elapsed.TotalSeconds);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static void PrintTable()
    {
        string[] head = ["table", "rows", "LvsPS s", "core s", "ipvsadm|grep s", "ratio", "core rows/s", "matching"];
        var all = Results.Prepend(head).ToList();
        int[] w = Enumerable.Range(0, head.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        Console.WriteLine();
        Console.WriteLine("ratio = Get-LvsConnection time / ipvsadm -Lnc | grep -c time (goal <= 1.5)");
        foreach (string[] r in all)
            Console.WriteLine("| " + string.Join(" | ", r.Select((v, c) => v.PadLeft(w[c]))) + " |");
    }

    private static string Sh(string? ns, string script, int timeoutSeconds, bool allowFailure = false)
    {
        var psi = new ProcessStartInfo(ns is null ? "sh" : "ip") { RedirectStandardOutput = true, UseShellExecute = false };
        if (ns != null) { psi.ArgumentList.Add("netns"); psi.ArgumentList.Add("exec"); psi.ArgumentList.Add(ns); psi.ArgumentList.Add("sh"); }
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            if (allowFailure) return "";
            throw new TimeoutException($"'{script}' took more than {timeoutSeconds} s");
        }
        if (p.ExitCode != 0 && !allowFailure) throw new InvalidOperationException($"'{script}' exited {p.ExitCode}");
        return output.Result;
    }

    private static double Time(Action a) { var sw = Stopwatch.StartNew(); a(); return sw.Elapsed.TotalSeconds; }
    /// <summary>The best of n runs: the machine is shared, and the slower runs measure the neighbours.</summary>
    private static double Best(int n, Func<double> f) => Enumerable.Range(0, n).Select(_ => f()).Min();
    private static void Check(bool ok, string what) { if (!ok) throw new InvalidOperationException(what); }
}
