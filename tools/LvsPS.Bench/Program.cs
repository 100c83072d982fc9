using System.Diagnostics;
using LvsPS.Bench;
using LvsPS.Native.Ipvs;
using LvsPS.Testing;

// Runs inside the lab VM. Every comparison runs both sides in the same boot, each in a
// fresh network namespace (deleted real servers linger in a per-namespace trash list
// that slows re-adding, so nothing is measured after a flush).
// "conn": the connection-table benchmark (ConnectionBench.cs); "conn-probe": its memory probe, one process per read;
// "runner": the runtime's script runner (RunnerBench.cs; on the host, scripts/bench-runner.sh);
// "health": health checks against keepalived at the same settings (HealthBench.cs);
// "reload": the phases of a keepalived.conf reload over the in-memory IPVS (ReloadBench.cs; on the host, scripts/bench-reload-phases.sh).
// "director-health": a director's health engines at scale, on the host (DirectorHealthBench.cs; scripts/bench-director-health.sh).
if (args is ["conn", ..]) { ConnectionBench.Run(args[1..]); return; }
if (args is ["conn-probe", ..]) { ConnectionBench.Probe(args[1..]); return; }
if (args is ["runner", ..]) { RunnerBench.Run(args[1..]); return; }
if (args is ["health", ..]) { HealthBench.Run(args[1..]); return; }
if (args is ["director-health", ..]) { DirectorHealthBench.Run(args[1..]); return; }
if (args is ["reload", ..]) { ReloadBench.Run(args[1..]); return; }

int services = args.Length > 0 ? int.Parse(args[0]) : 1000;
int perService = args.Length > 1 ? int.Parse(args[1]) : 10;
int trials = args.Length > 2 ? int.Parse(args[2]) : 3;
int objects = services * (perService + 1);
var table = Table.Build(services, perService);
string rulesFile = Path.Combine(Path.GetTempPath(), "lvsps-bench.rules");
File.WriteAllText(rulesFile, Table.ToRules(table));
Console.WriteLine($"bench: {services} TCP services x {perService} real servers = {objects} objects, {trials} trials, kernel {Environment.OSVersion.Version}");

using var session = new PowerShellSession();
var ns = new Namespaces();

// A warm session, as an operator's pwsh would be after using the module: the same calls,
// at full size, in a namespace of their own (JIT tiering under emulation takes a while).
for (int round = 0; round < 2; round++)
{
    string warm = ns.Fresh();
    session.Run("New-LvsVirtualService -InputObject $args[0] -NetworkNamespace $args[1]", table.ToArray(), warm);
    session.Run("$null = Get-LvsVirtualService -NetworkNamespace $args[0]", warm);
}

// 1. Bulk apply: one batched call against ipvsadm -R.
double restore = Median(trials, () => { string n = ns.Fresh(); return Time(() => ns.Sh(n, $"ipvsadm -R < {rulesFile}")); });
double bulk = Median(trials, () =>
{
    string n = ns.Fresh();
    double t = Time(() => session.Run("New-LvsVirtualService -InputObject $args[0] -NetworkNamespace $args[1]", table.ToArray(), n));
    Check(ns.Sh(n, "ipvsadm -Sn | wc -l").Trim() == objects.ToString(), "bulk apply did not create the whole table");
    return t;
});
double coreOnly = Median(trials, () =>
{
    string n = ns.Fresh();
    using var client = IpvsClient.Open(n);
    var changes = table.SelectMany(s => s.RealServers.Select(IpvsChange.Add).Prepend(IpvsChange.Add(s))).ToList();
    return Time(() => Check(client.Apply(changes).All(r => r.Succeeded), "core apply failed"));
});
Report("apply 1 call (New-LvsVirtualService -InputObject)", bulk, "ipvsadm -R", restore, goal: 10);
Console.WriteLine($"  core IpvsClient.Apply alone: {coreOnly:F3} s ({objects / coreOnly:F0} objects/s)");
// Where the cmdlet's own time goes: binding the table, and everything but the kernel (-WhatIf stops before it).
double bindOnly = Median(trials, () => Time(() => session.Run("param($t) $null = $t.Count", table.ToArray())));
double whatIf = Median(trials, () => Time(() => session.Run("New-LvsVirtualService -InputObject $args[0] -NetworkNamespace $args[1] -WhatIf", table.ToArray(), ns.Fresh())));
Console.WriteLine($"  cmdlet overhead: binding {bindOnly:F3} s; the same call with -WhatIf (validation, ShouldProcess, {services} What-if lines) {whatIf:F3} s");

// 2. Per-object pipelines against a loop of ipvsadm processes (a smaller table: each process costs ~65 ms here).
int smallServices = Math.Min(services, 20);
var small = Table.Build(smallServices, perService);
int smallObjects = smallServices * (perService + 1);
string loop = string.Join("\n", Table.ToRules(small).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => "ipvsadm " + r));
double processes = Median(trials, () => { string n = ns.Fresh(); return Time(() => ns.Sh(n, loop)); });
double pipeline = Median(trials, () =>
{
    string n = ns.Fresh();
    return Time(() => session.Run(
        "$args[0] | ForEach-Object { $_.Key.ToString() } | New-LvsVirtualService -Scheduler wrr -NetworkNamespace $args[2]; " +
        "$args[1] | Add-LvsRealServer -NetworkNamespace $args[2]",
        small.ToArray(), small.SelectMany(s => s.RealServers).ToArray(), n));
});
Console.WriteLine($"per-object pipeline: {smallObjects / pipeline:F0} objects/s vs ipvsadm process loop {smallObjects / processes:F0} objects/s: {processes / pipeline:F1}x");

// 3. Listing everything with statistics.
string full = ns.Fresh();
ns.Sh(full, $"ipvsadm -R < {rulesFile}");
double ipvsadmList = Median(trials + 2, () => Time(() => ns.Sh(full, "ipvsadm -Ln --stats > /dev/null")));
double getAll = Median(trials + 2, () => Time(() =>
    Check(session.Run("Get-LvsVirtualService -NetworkNamespace $args[0]", full).Count == services, "listing lost services")));
Report("list with stats (Get-LvsVirtualService)", getAll, "ipvsadm -Ln --stats", ipvsadmList, goal: 2);
using (var lister = IpvsClient.Open(full))
{
    double coreList = Median(trials + 2, () => Time(() => Check(lister.GetVirtualServices().Count == services, "core listing lost services")));
    Console.WriteLine($"  core IpvsClient.GetVirtualServices alone: {coreList:F3} s ({ipvsadmList / coreList:F1}x ipvsadm)");
}
ns.Dispose();

static double Time(Action a) { var sw = Stopwatch.StartNew(); a(); return sw.Elapsed.TotalSeconds; }
static double Median(int n, Func<double> f) { var xs = Enumerable.Range(0, n).Select(_ => f()).Order().ToArray(); return xs[xs.Length / 2]; }
static void Check(bool ok, string what) { if (!ok) throw new InvalidOperationException(what); }
static void Report(string ours, double t, string theirs, double u, double goal)
    => Console.WriteLine($"{ours}: {t:F3} s vs {theirs}: {u:F3} s -> {u / t:F1}x faster (goal >= {goal}x: {(u / t >= goal ? "met" : "NOT met")})");

sealed class Namespaces : IDisposable
{
    private readonly List<string> _names = new();
    public string Fresh()
    {
        string n = $"bench{_names.Count}";
        Sh(null, $"ip netns add {n} && ip -n {n} link set lo up");
        _names.Add(n);
        return n;
    }
    public string Sh(string? ns, string script)
    {
        var psi = new ProcessStartInfo(ns is null ? "sh" : "ip") { RedirectStandardOutput = true, UseShellExecute = false };
        if (ns != null) { psi.ArgumentList.Add("netns"); psi.ArgumentList.Add("exec"); psi.ArgumentList.Add(ns); psi.ArgumentList.Add("sh"); }
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"'{script}' exited {p.ExitCode}");
        return output;
    }
    public void Dispose() { foreach (string n in _names) Sh(null, $"ip netns del {n}"); }
}
