using System.Diagnostics;
using LvsPS.Native.Ipvs;
using LvsPS.Native.Proc;
using Xunit.Abstractions;

namespace LvsPS.Tests.Proc;

/// <summary>
/// 200,000 generated rows in the kernel's format, read from a file: the count is exact and
/// the memory allocated does not grow with the rows the filter rejects.
/// </summary>
public sealed class LargeTableTests : IDisposable
{
    private const int Rows = 200_000;
    private static readonly ConnectionTableGenerator Table = new() { Services = 200 };
    private readonly ITestOutputHelper _output;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lvsps-ip_vs_conn-{Guid.NewGuid():N}.txt");

    public LargeTableTests(ITestOutputHelper output)
    {
        _output = output;
        using FileStream f = File.Create(_path);
        Table.Write(f, Rows);
    }

    public void Dispose() => File.Delete(_path);

    private FileStream OpenUnbuffered() => new(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);

    [Fact]
    public void OneServiceOutOf200kRowsWithBoundedAllocation()
    {
        const int service = 5;
        var filter = new ConnectionFilter { VirtualService = VirtualServiceKey.ForAddress(IpvsProtocol.Tcp, Table.VirtualAddress(service), 80) };
        Warm(filter);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = Count(filter);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TimeSpan elapsed = Fastest(filter);

        Assert.Equal(Table.RowsOf(service, Rows), count);
        Assert.Equal(1000, count);
        _output.WriteLine($"{Rows:N0} rows ({new FileInfo(_path).Length / 1e6:F1} MB), {count} matching: {elapsed.TotalMilliseconds:F0} ms, "
            + $"{Rows / elapsed.TotalSeconds:N0} rows/s, {allocated:N0} bytes allocated");
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated for {count} matching rows out of {Rows:N0}");
    }

    [Fact]
    public void RejectedRowsAllocateNothing()
    {
        var filter = new ConnectionFilter { States = ["LISTEN"] };
        Count(filter); // what is allocated does not depend on the JIT tier
        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = Count(filter);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, count);
        // The stream, the parser and the filter: a few KB whatever the table size (the buffer comes from the pool).
        Assert.True(allocated < 32_000, $"{allocated:N0} bytes allocated to reject {Rows:N0} rows");
    }

    [Fact]
    public void EveryRowParsedThroughput()
    {
        Warm(ConnectionFilter.All);
        Assert.Equal(Rows, Count(ConnectionFilter.All));
        TimeSpan elapsed = Fastest(ConnectionFilter.All);
        _output.WriteLine($"all {Rows:N0} rows as objects: {elapsed.TotalMilliseconds:F0} ms, {Rows / elapsed.TotalSeconds:N0} rows/s");

        using var parser = new IpvsConnectionParser(OpenUnbuffered(), new ConnectionFilter { Templates = TemplateFilter.Only });
        Assert.Equal(Rows / 10, parser.CountMatching());
        Assert.Equal(Rows, parser.RowsRead);
    }

    /// <summary>Lets tiered JIT promote the parser's loops before anything is measured.</summary>
    private void Warm(ConnectionFilter filter)
    {
        for (int i = 0; i < 3; i++)
            Count(filter);
        Thread.Sleep(200);
        Count(filter);
    }

    private TimeSpan Fastest(ConnectionFilter filter)
    {
        TimeSpan best = TimeSpan.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            Count(filter);
            best = sw.Elapsed < best ? sw.Elapsed : best;
        }
        return best;
    }

    private int Count(ConnectionFilter filter)
    {
        int n = 0;
        using var parser = new IpvsConnectionParser(OpenUnbuffered(), filter);
        while (parser.TryRead(out _))
            n++;
        return n;
    }
}
