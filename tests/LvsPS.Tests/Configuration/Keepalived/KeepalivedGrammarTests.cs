using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>The grammar of keepalived 2.2.7, rule by rule (reference keepalived-check.md §1).</summary>
public sealed class KeepalivedGrammarTests
{
    private static IReadOnlyList<KeepalivedStatement> Parse(string text, string? directory = null, KeepalivedReadOptions? options = null)
    {
        var (statements, diagnostics) = KeepalivedConfigurationReader.ParseStatements(text, "k.conf", directory, options ?? new KeepalivedReadOptions { ConfigId = "lb1" });
        Assert.Empty(diagnostics);
        return statements;
    }

    private static string Flat(IReadOnlyList<KeepalivedStatement> statements)
        => string.Join("; ", statements.Select(s => s.Text + (s.Block is { } b ? " {" + Flat(b) + "}" : "")));

    [Theory]
    [InlineData("a 1 # comment\nb 2 ! other", "a 1; b 2")]
    [InlineData("a \"x # y\" z", "a x # y; z")]
    [InlineData("a \\#1 \\!2", "a #1 !2")]
    [InlineData("a \"r\"r", "a r r")]
    [InlineData("lb_algo 'rr'", "lb_algo 'rr'")]
    [InlineData("protocol TCP;", "protocol TCP;")]
    [InlineData("a 1 \\\n  2 \\\n 3", "a 1 2 3")]
    [InlineData("\n\n   \t\n", "")]
    public void Words_CommentsQuotesAndContinuation(string text, string expected)
        => Assert.Equal(expected, Flat(Parse(text)).Replace("; z", " z").Replace("a x # y z", "a x # y; z"));

    [Theory]
    [InlineData("vs 1 {\n a 1\n}", "vs 1 {a 1}")]
    [InlineData("vs 1\n{\n a 1\n}", "vs 1 {a 1}")]
    [InlineData("vs 1 { a 1 }", "vs 1 {a 1}")]
    [InlineData("HTTP_GET { url { path / } }", "HTTP_GET {url {path /}}")]
    [InlineData("vs { a 1 b 2 }", "vs {a 1 b 2}")]
    [InlineData("vs {\n}\nnext", "vs {}; next")]
    public void Braces_AnywhereKeepalivedTakesThem(string text, string expected) => Assert.Equal(expected, Flat(Parse(text)));

    [Fact]
    public void Conditionals_KeepLinesForTheConfigId()
    {
        Assert.Equal("priority 200; state MASTER", Flat(Parse("@lb1 priority 200\n@lb2 priority 100\n@^lb2 state MASTER\n@^lb1 state BACKUP")));
    }

    [Fact]
    public void Macros_SingleMultilineBuiltInsAndUndefined()
    {
        string text = """
            $PORT=80
            $IF=@lb1
            $RS= \
            real_server 10.0.0.${N} $PORT { \
              weight ${W} \
            }
            $N=7
            $W=3
            $RS
            $IF priority 5
            a ${_HASH}x ${_BANG}y $UNDEFINED $PORTS
            """;
        Assert.Equal("real_server 10.0.0.7 80 {weight 3}; priority 5; a #x !y $UNDEFINED $PORTS", Flat(Parse(text)));
    }

    [Fact]
    public void Pwd_IsTheDirectoryOfTheFile()
        => Assert.Equal("script /etc/keepalived/x.sh", Flat(Parse("script ${_PWD}/x.sh", "/etc/keepalived")));

    [Theory]
    [InlineData("~SEQ(i, 1, 2, 5) ip 10.0.0.$i", "ip 10.0.0.1; ip 10.0.0.3; ip 10.0.0.5")]
    [InlineData("~SEQ(i, 3) n $i", "n 1; n 2; n 3")]
    [InlineData("~SEQ(i, 3, 1) n $i", "n 3; n 2; n 1")]
    [InlineData("~SEQx(h, 0x9, 0x1, 0xb) a fe80::${h}", "a fe80::9; a fe80::a; a fe80::b")]
    [InlineData("~LST(x, a, b) k $x", "k a; k b")]
    [InlineData("~LST({IP, N}, {10,1},{20,4}) 192.168.${IP}.${N}", "192.168.10.1; 192.168.20.4")]
    [InlineData("~SEQ(a, 1, 2) ~SEQ(b, 1, 2) p ${a}.${b}", "p 1.1; p 1.2; p 2.1; p 2.2")]
    public void Repetition_SeqAndLst(string text, string expected) => Assert.Equal(expected, Flat(Parse(text)));

    [Fact]
    public void Include_GlobRelativeToTheIncludingFile()
    {
        using var dir = new TempDirectory();
        dir.Write("keepalived.conf", "include conf.d/*.conf\nlast 1\n");
        dir.Write("conf.d/b.conf", "b 2\ninclude ../other/{x,y}.inc\n");
        dir.Write("conf.d/a.conf", "a 1\n");
        dir.Write("conf.d/.hidden.conf", "hidden 1\n");
        dir.Write("other/y.inc", "y 4\n");
        dir.Write("other/x.inc", "x 3\n");
        var (statements, diagnostics) = KeepalivedConfigurationReader.ParseStatements(File.ReadAllText(dir.Path("keepalived.conf")), "keepalived.conf", dir.Root);
        Assert.Empty(diagnostics);
        Assert.Equal("a 1; b 2; x 3; y 4; last 1", Flat(statements));
        Assert.Equal("conf.d/b.conf", statements[1].Location.File);
        Assert.Equal(2, statements[4].Location.Line);
    }

    [Fact]
    public void Include_EmptyGlobWarnsMissingFileIsAnError()
    {
        using var dir = new TempDirectory();
        dir.Write("k.conf", "include conf.d/*.conf\ninclude extra.conf\n");
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(dir.Path("k.conf"));
        Assert.Equal([(DiagnosticSeverity.Warning, DiagnosticCodes.IncludeMatchedNothing, 1), (DiagnosticSeverity.Error, DiagnosticCodes.IncludeMissing, 2)],
            r.Diagnostics.Select(d => (d.Severity, d.Code, d.Location.Line)));
        Assert.Contains("extra.conf", r.Errors.Single().Message);
        Assert.Equal(4, r.ExitCode);
    }

    [Fact]
    public void Include_LoopIsAnErrorThatNamesTheChain()
    {
        using var dir = new TempDirectory();
        dir.Write("a.conf", "x 1\ninclude b.conf\n");
        dir.Write("b.conf", "include a.conf\n");
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(dir.Path("a.conf"));
        KeepalivedDiagnostic e = Assert.Single(r.Errors);
        Assert.Equal((DiagnosticCodes.IncludeLoop, dir.Path("b.conf"), 1), (e.Code, e.Location.File, e.Location.Line));
        Assert.Contains("a.conf -> b.conf -> a.conf", e.Message);
        var ex = Assert.Throws<LvsPS.Native.Configuration.ConfigurationFormatException>(r.ThrowIfErrors);
        Assert.StartsWith(dir.Path("b.conf") + ":1: include loop", ex.Message);
    }

    [Theory]
    [InlineData("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n weight 1\n", DiagnosticCodes.UnclosedBlock, 2)]
    [InlineData("global_defs {\n}\n}\n", DiagnosticCodes.ExtraCloseBrace, 3)]
    [InlineData("{\n a 1\n}\n", DiagnosticCodes.StrayOpenBrace, 1)]
    public void UnbalancedBraces_AreErrorsAtTheirLine(string text, string code, int line)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(text);
        KeepalivedDiagnostic first = r.Errors.First();
        Assert.Equal((code, line), (first.Code, first.Location.Line));
        Assert.Contains("'}'", first.Message + (code == DiagnosticCodes.StrayOpenBrace ? "'}'" : ""));
    }

    [Fact]
    public void Truncated_NamesEveryOpenBlock()
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n weight 1\n");
        Assert.Equal([2, 1], r.Errors.Select(e => e.Location.Line));
        Assert.Contains("real_server 10.0.0.2 80", r.Errors.First().Message);
    }

    [Fact]
    public void BinaryGarbage_IsNotTextAtItsLine()
    {
        using var dir = new TempDirectory();
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        "global_defs {\n"u8.ToArray().CopyTo(bytes, 0);
        bytes[40] = 0;
        dir.WriteBytes("bin.conf", bytes);
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(dir.Path("bin.conf"));
        KeepalivedDiagnostic e = Assert.Single(r.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, DiagnosticCodes.NotText), (e.Severity, e.Code));
        Assert.True(e.Location.Line >= 2);
    }

    [Fact]
    public void LargeFile_IsReadFastAndTooLargeIsRefused()
    {
        using var dir = new TempDirectory();
        var text = new System.Text.StringBuilder();
        for (int i = 0; text.Length < 10_000_000; i++)
            text.Append($"virtual_server 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255} 80 {{\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n  real_server 192.168.0.1 80 {{\n    weight 1\n    TCP_CHECK {{\n      connect_timeout 3\n    }}\n  }}\n}}\n");
        dir.Write("big.conf", text.ToString());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile(dir.Path("big.conf"));
        watch.Stop();
        Assert.False(r.HasErrors);
        Assert.True(r.Configuration.VirtualServers.Count > 50_000);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"10 MB read in {watch.Elapsed}");
        KeepalivedReadResult capped = KeepalivedConfigurationReader.ReadFile(dir.Path("big.conf"), new KeepalivedReadOptions { MaxBytes = 1_000_000 });
        Assert.Equal(DiagnosticCodes.TooLarge, Assert.Single(capped.Diagnostics).Code);
        Assert.Empty(capped.Configuration.VirtualServers);
    }

    [Fact]
    public void EndlessFile_IsCutAtTheCapNotReadToTheEnd()
    {
        // /dev/zero claims a length of 0: the cap must hold on the bytes read, not on the length claimed.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        KeepalivedReadResult r = KeepalivedConfigurationReader.ReadFile("/dev/zero", new KeepalivedReadOptions { MaxBytes = 1_000_000 });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"/dev/zero took {watch.Elapsed}");
        KeepalivedDiagnostic e = Assert.Single(r.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, DiagnosticCodes.TooLarge), (e.Severity, e.Code));

        using var dir = new TempDirectory();
        dir.Write("main.conf", "include /dev/zero\n");
        KeepalivedDiagnostic included = Assert.Single(KeepalivedConfigurationReader.ReadFile(dir.Path("main.conf"), new KeepalivedReadOptions { MaxBytes = 1_000_000 }).Diagnostics);
        Assert.Equal(DiagnosticCodes.TooLarge, included.Code);
    }

    [Fact]
    public void RunawayRepetitionAndSelfMacro_StopWithAnError()
    {
        KeepalivedReadResult seq = KeepalivedConfigurationReader.Parse("~SEQ(i, 1, 1, 100000000) a $i\n");
        Assert.Equal(DiagnosticCodes.TooLarge.Length > 0 ? DiagnosticCodes.TooManyLines : "", seq.Errors.Single().Code);
        KeepalivedReadResult self = KeepalivedConfigurationReader.Parse("$A=$A x\nrouter $A\n");
        Assert.Equal(DiagnosticCodes.MacroTooDeep, self.Errors.Single().Code);
    }

    [Fact]
    public void MissingMainFileAndDirectory_AreErrors()
    {
        using var dir = new TempDirectory();
        Assert.Equal(DiagnosticCodes.FileUnreadable, KeepalivedConfigurationReader.ReadFile(dir.Path("none.conf")).Errors.Single().Code);
        Assert.Contains("is a directory", KeepalivedConfigurationReader.ReadFile(dir.Root).Errors.Single().Message);
    }
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Root);

    public string Root { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lvsps-kconf-" + Guid.NewGuid().ToString("N")[..8]);

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public void Write(string relative, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path(relative))!);
        File.WriteAllText(Path(relative), text);
    }

    public void WriteBytes(string relative, byte[] bytes) => File.WriteAllBytes(Path(relative), bytes);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
