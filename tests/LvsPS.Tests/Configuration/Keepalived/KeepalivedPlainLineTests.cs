using CsCheck;
using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>
/// Lines of words and braces alone are read straight from the text, every other line by the general path: both
/// give the same statements and the same findings at the same file:line, for the seeds and for any text made of
/// the characters that matter (quotes, backslashes, comments, braces, definitions, conditionals, includes,
/// blanks of every kind, CR LF). The words of a line are the same from the quick split as from the tokenizer.
/// </summary>
public sealed class KeepalivedPlainLineTests
{
    private static readonly KeepalivedReadOptions Plain = new() { ConfigId = "lb1" };
    private static readonly KeepalivedReadOptions General = Plain with { PlainLines = false };

    private static string Render(IReadOnlyList<KeepalivedStatement> statements)
        => string.Join("\n", statements.Select(s => $"{s.Location} [{s.Keyword}] [{string.Join("|", s.Arguments)}]" + (s.Block is { } b ? " {\n" + Render(b) + "\n}" : "")));

    private static string Read(string text, KeepalivedReadOptions options, string directory)
    {
        var (statements, diagnostics) = KeepalivedConfigurationReader.ParseStatements(text, "k.conf", directory, options);
        return Render(statements) + "\n--\n" + string.Join("\n", diagnostics.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("002-master.conf")]
    [InlineData("002-backup.conf")]
    [InlineData("003-master.conf")]
    [InlineData("003-backup.conf")]
    public void Seeds_ReadTheSameBothWays(string seed)
    {
        string text = File.ReadAllText(KeepalivedSeedTests.Seed(seed));
        string directory = Path.GetDirectoryName(KeepalivedSeedTests.Seed(seed))!;
        string plain = Read(text, Plain, directory);
        Assert.Contains("virtual_server", plain);
        Assert.Equal(Read(text, General, directory), plain);
    }

    private static Gen<T> OneOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly Gen<string> Piece = OneOf(
        "a", "weight", "1", "10.0.0.1", " ", "  ", "\t", "\v", "\f", "\u00a0", "{", "}", "\"", "\\", "\\#", "#", "!", "$", "$X", "${X}", "$X=1",
        "$M=", "@lb1", "@^lb1", "@other", "~SEQ(i,1,2)", "include", "include none.conf", "\r", "\n", "\n", "\n", "\r\n", "vs 1 {", "}", "x;y", "'q'");

    [Fact]
    public void AnyText_ReadsTheSameBothWays()
    {
        string directory = Path.GetTempPath();
        Piece.Array[0, 40].Select(p => string.Concat(p)).Sample(text =>
        {
            string plain = Read(text, Plain, directory), general = Read(text, General, directory);
            if (plain != general)
                throw new Exception($"text {System.Text.Json.JsonSerializer.Serialize(text)}:\nplain:\n{plain}\ngeneral:\n{general}");
        }, iter: 3000);
    }

    [Fact]
    public void QuickSplit_GivesTheTokenizersWords()
    {
        var pool = new WordPool();
        Gen.String[OneOf('a', 'b', ' ', '\t', '\v', '\u00a0', ';', '\'', '{', '"', '\\', '#'), 0, 30].Sample(line =>
        {
            List<string> words = KeepalivedTokenizer.Tokenize(line, out bool unclosed);
            bool any = KeepalivedTokenizer.TryStatement(line, pool, out string keyword, out string[] arguments, out bool unclosedToo);
            Assert.Equal(words.Count > 0, any);
            Assert.Equal(unclosed, unclosedToo);
            Assert.Equal(words, any ? arguments.Prepend(keyword) : []);
        }, iter: 3000);
    }

    [Fact]
    public void RepeatedPlainLines_ShareTheirWords_AndQuotedLinesAreSplitEachTime()
    {
        var (statements, diagnostics) = KeepalivedConfigurationReader.ParseStatements(
            "weight 1\nweight  1\nweight 1\nx \"a b\"\nx \"a b\"\nx \"c\nx \"c\n", "k.conf", Path.GetTempPath(), Plain);
        Assert.Equal(["weight 1", "weight 1", "weight 1", "x a b", "x a b", "x c", "x c"], statements.Select(s => $"{s.Keyword} {string.Join(' ', s.Arguments)}"));
        Assert.Same(statements[0].Arguments, statements[2].Arguments);
        Assert.NotSame(statements[0].Arguments, statements[1].Arguments);
        Assert.Equal([6, 7], diagnostics.Where(d => d.Message.Contains("double quote is not closed")).Select(d => d.Location.Line));
    }

    [Fact]
    public void WordPool_GivesEqualText()
    {
        var pool = new WordPool();
        Gen.String[Gen.Char['a', 'd'], 0, 70].Array[1, 50].Sample(words =>
        {
            foreach (string w in words)
                Assert.Equal(w, pool.Get(w.AsSpan()));
        });
    }
}
