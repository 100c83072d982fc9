using LvsPS.Native.Configuration;
using LvsPS.Native.Configuration.Keepalived;
using LvsPS.Native.Text;

namespace LvsPS.Tests.Text;

/// <summary>
/// The one escaper of text put into messages: each class of character that can act on a terminal is escaped in
/// one form (\xHH upper-case below U+0100, \uHHHH above), everything else kept; and each reader of files (ipvsadm
/// rules, JSON, keepalived.conf) gives messages in which a line's ESC and RIGHT-TO-LEFT OVERRIDE never appear raw.
/// </summary>
public sealed class MessageTextTests
{
    [Theory]
    [InlineData("\u0000", "\\x00")]
    [InlineData("\u0007", "\\x07")]
    [InlineData("\u001b[2J", "\\x1B[2J")]
    [InlineData("a\r\nb\tc", "a\\x0D\\x0Ab\\x09c")]
    public void C0_controls_are_escaped(string text, string expected) => Assert.Equal(expected, MessageText.Printable(text));

    [Theory]
    [InlineData("\u007f", "\\x7F")]
    [InlineData("\u0080", "\\x80")]
    [InlineData("\u0085", "\\x85")]
    [InlineData("\u009b31m", "\\x9B31m")] // CSI, the 8-bit form of ESC [
    [InlineData("\u009f", "\\x9F")]
    public void DEL_and_C1_controls_are_escaped(string text, string expected) => Assert.Equal(expected, MessageText.Printable(text));

    [Theory]
    [InlineData("\u202e", "\\u202E")] // RIGHT-TO-LEFT OVERRIDE
    [InlineData("\u202a\u202b\u202c\u202d", "\\u202A\\u202B\\u202C\\u202D")]
    [InlineData("\u200e\u200f", "\\u200E\\u200F")]
    [InlineData("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069")]
    [InlineData("\u061c", "\\u061C")]
    public void Bidirectional_controls_are_escaped(string text, string expected) => Assert.Equal(expected, MessageText.Printable(text));

    [Theory]
    [InlineData("\ufeffrr", "\\uFEFFrr")]
    [InlineData("r\u200br", "r\\u200Br")]
    [InlineData("\u00ad", "\\xAD")]
    [InlineData("\u2060", "\\u2060")]
    public void Invisible_format_characters_are_escaped(string text, string expected) => Assert.Equal(expected, MessageText.Printable(text));

    [Theory]
    [InlineData("a\u2028b\u2029", "a\\u2028b\\u2029")]
    public void Line_and_paragraph_separators_are_escaped(string text, string expected) => Assert.Equal(expected, MessageText.Printable(text));

    [Fact] // not [InlineData]: xUnit's serialization of test cases would replace the lone surrogates
    public void Unpaired_surrogates_are_escaped()
    {
        Assert.Equal("\\uD800", MessageText.Printable("\ud800"));
        Assert.Equal("x\\uDC00y", MessageText.Printable("x\udc00y"));
        Assert.Equal("\\uDC00\\uD800", MessageText.Printable("\udc00\ud800"));
        Assert.Equal("\\uD800\U0001F600", MessageText.Printable("\ud800\ud83d\ude00"));
    }

    [Theory]
    [InlineData("tcp/10.0.0.3:80 -s wlc")]
    [InlineData("café Straße 東京 ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./")]
    [InlineData("\U0001F600 \U0001D11E")] // surrogate pairs
    [InlineData("")]
    public void Everything_else_is_kept_as_it_is(string text) => Assert.Same(text, MessageText.Printable(text));

    [Fact]
    public void Escaping_twice_changes_nothing_more()
    {
        string once = MessageText.Printable("\u001b[31m\u202eevil\u0085\ufeff");
        Assert.Equal("\\x1B[31m\\u202Eevil\\x85\\uFEFF", once);
        Assert.Equal(once, MessageText.Printable(once));
    }

    /// <summary>An ESC that recolours and an override that reverses what follows, inside a value a reader quotes.</summary>
    private const string Evil = "\u001b[31mr\u202eoops";

    private static void AssertNeitherRaw(string message)
    {
        Assert.DoesNotContain('\u001b', message);
        Assert.DoesNotContain('\u202e', message);
        Assert.Contains("\\x1B[31mr\\u202Eoops", message);
    }

    [Theory]
    [InlineData("-A -t 10.0.0.3:80 -s " + Evil + "\n")]      // a value: the scheduler
    [InlineData("-A -t 10.0.0.3" + Evil + ":80 -s rr\n")]    // an address, through the address parser
    [InlineData("-A -t 10.0.0.3:80 -" + Evil + " rr\n")]     // an option
    public void An_ipvsadm_rules_line_is_quoted_escaped(string rules)
        => AssertNeitherRaw(Assert.Throws<ConfigurationFormatException>(() => IpvsadmRulesReader.Parse(rules, "evil.rules")).Message);

    [Theory]
    [InlineData("""{ "version": 1, "services": [ { "service": "tcp/10.0.0.3:80", "scheduler": "\u001b[31mr\u202eoops" } ] }""")]
    [InlineData("""{ "version": 1, "services": [ { "service": "tcp/10.0.0.3\u001b[31mr\u202eoops:80" } ] }""")]
    [InlineData("""{ "version": 1, "\u001b[31mr\u202eoops": 1 }""")]
    public void A_JSON_value_or_name_is_quoted_escaped(string json)
        => AssertNeitherRaw(Assert.Throws<ConfigurationFormatException>(() => LvsConfigurationJson.Parse(json, "evil.json")).Message);

    [Theory]
    [InlineData("virtual_server 10.0.0.3 80 {\n  lb_algo \u009b31mr\u202eoops\n}\n")]
    [InlineData("global\u009b31mr\u202eoops {\n}\n")]
    [InlineData("include /nonexistent/\u009b31mr\u202eoops.conf\n")]
    public void A_keepalived_conf_line_is_quoted_escaped(string conf)
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse(conf, "evil.conf", Path.GetTempPath());
        string messages = string.Join("\n", r.Diagnostics.Select(d => d.ToString()));
        Assert.Contains("\\x9B31mr\\u202Eoops", messages);
        Assert.DoesNotContain('\u009b', messages);
        Assert.DoesNotContain('\u202e', messages);
    }

    [Fact]
    public void A_keepalived_conf_line_with_ESC_is_refused_without_echoing_it()
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse("global_defs {\n  router_id " + Evil + "\n}\n", "evil.conf");
        KeepalivedDiagnostic error = Assert.Single(r.Errors);
        Assert.Equal((DiagnosticCodes.NotText, 2), (error.Code, error.Location.Line));
        Assert.DoesNotContain('\u001b', error.ToString());
        Assert.DoesNotContain('\u202e', error.ToString());
    }

    [Fact]
    public void A_keepalived_file_name_is_escaped_where_a_finding_names_it()
    {
        KeepalivedReadResult r = KeepalivedConfigurationReader.Parse("nonsense_keyword 1\n", "k\u001b[2J\u202e.conf");
        string finding = r.Diagnostics.First().ToString();
        Assert.StartsWith("k\\x1B[2J\\u202E.conf:1: ", finding);
    }
}
