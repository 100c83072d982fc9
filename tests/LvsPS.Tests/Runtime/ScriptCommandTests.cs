using CsCheck;
using LvsPS.Native.Runtime;

namespace LvsPS.Tests.Runtime;

/// <summary>keepalived-style script lines: words, quotes, backslashes, and a round trip through ToString.</summary>
public sealed class ScriptCommandTests
{
    [Theory]
    [InlineData("/usr/bin/check", "/usr/bin/check")]
    [InlineData("  /bin/check   a  b ", "/bin/check|a|b")]
    [InlineData("/bin/check 'two words' \"and three words\"", "/bin/check|two words|and three words")]
    [InlineData("/bin/check it\\'s a\\ b", "/bin/check|it's|a b")]
    [InlineData("/bin/check '' x", "/bin/check||x")]
    [InlineData("/bin/check 'a'\"b\"c", "/bin/check|abc")]
    [InlineData("/bin/check '$HOME \\n'", "/bin/check|$HOME \\n")]
    public void Parse_splits_words_as_keepalived_does(string line, string expected)
    {
        ScriptCommand c = ScriptCommand.Parse(line);
        Assert.Equal(expected, string.Join('|', c.Arguments.Prepend(c.Path)));
    }

    [Theory]
    [InlineData("", ScriptProblem.Empty)]
    [InlineData("   ", ScriptProblem.Empty)]
    [InlineData("/bin/check 'open", ScriptProblem.UnbalancedQuote)]
    public void Parse_refuses_empty_and_unbalanced_lines(string line, ScriptProblem problem)
        => Assert.Equal(problem, Assert.Throws<ScriptNotUsableException>(() => ScriptCommand.Parse(line)).Problem);

    [Fact]
    public void ToString_reads_back_to_the_same_words()
    {
        Gen<string> word = Gen.String[Gen.Char["a b'\"\\$x\t-"], 0, 8];
        Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 6], word.Array[0, 5]).Sample((path, args) =>
        {
            var c = new ScriptCommand("/" + path, args);
            ScriptCommand back = ScriptCommand.Parse(c.ToString());
            return back.Path == c.Path && back.Arguments.SequenceEqual(c.Arguments);
        }, iter: 2000);
    }
}
