using System.Runtime.CompilerServices;
using System.Text;
using LvsPS.Native.Configuration;

namespace LvsPS.Tests.Fuzz;

/// <summary>
/// What the fuzzers found (scripts/fuzz.sh), each input replayed against its decoder's contract:
/// decode, or throw the documented format exception. The files in Fuzz/Findings/TARGET/ also
/// seed every later fuzz run of that target (tests/LvsPS.Fuzz/README.md).
/// </summary>
public sealed class FuzzFindingTests
{
    private static string Finding(string target, string name, [CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, "Findings", target, name);

    /// <summary>The 1-based line of the first byte that is not UTF-8, found independently of the reader.</summary>
    private static long LineOfFirstInvalidUtf8(byte[] bytes)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (int end = 1; end <= bytes.Length; end++)
        {
            try { strict.GetCharCount(bytes, 0, end); }
            catch (DecoderFallbackException e)
            {
                int bad = end - e.BytesUnknown!.Length;
                return bytes.AsSpan(0, bad).Count((byte)'\n') + 1;
            }
        }
        return 0;
    }

    [Fact]
    public void Json_afl_finding_with_a_byte_that_is_not_UTF8_in_a_string_is_a_format_error_at_its_line()
    {
        // AFL++ mutated an exported configuration: byte 0x8f inside a string on line 23. The reader
        // threw InvalidOperationException ("Cannot transcode invalid UTF-8 JSON text") from GetString.
        byte[] input = File.ReadAllBytes(Finding("json-config", "afl-invalid-utf8-in-a-string.json"));
        long line = LineOfFirstInvalidUtf8(input);
        Assert.True(line > 1, "the kept input must hold a byte that is not UTF-8");

        var e = Assert.Throws<ConfigurationFormatException>(() => LvsConfigurationJson.Read(input, "fuzz.json"));
        Assert.Equal(line, e.LineNumber);
        Assert.StartsWith($"fuzz.json:{line}: ", e.Message);
        Assert.Contains("UTF-8", e.Reason);
    }

    /// <summary>The text as UTF-8, each '¤' replaced by the single byte 0xAB (never valid on its own in UTF-8).</summary>
    private static byte[] WithStrayByte(string text)
        => Encoding.UTF8.GetBytes(text.Replace("¤", "\u0001")).Select(b => b == 1 ? (byte)0xAB : b).ToArray();

    [Theory]
    [InlineData("{\"¤\":", 1)] // 7B22AB223A: a Latin-1 byte in a property name (issue 10)
    [InlineData("{\n\"version\": 1,\n\"ser¤\": 1\n}", 3)] // the same on line 3 of a file
    [InlineData("{\n\"version\": 1,\n\"services\": [{\"scheduler\": \"wr¤\"}]}", 3)] // in a string value
    public void Json_bytes_that_are_not_UTF8_are_a_format_error_with_file_and_line(string text, long line)
    {
        byte[] input = WithStrayByte(text);
        Assert.Contains((byte)0xAB, input);
        var e = Assert.Throws<ConfigurationFormatException>(() => LvsConfigurationJson.Read(input, "bad.json"));
        Assert.Equal(line, e.LineNumber);
        Assert.StartsWith($"bad.json:{line}: ", e.Message);
    }

    [Theory]
    [InlineData("{\"\\ud800\":", 1)] // a lone high surrogate escaped in a property name (issue 10)
    [InlineData("{\n\"version\": 1,\n\"services\": [{\"scheduler\": \"\\udc00\"}]}", 3)] // a lone low surrogate in a value
    public void Json_an_escaped_lone_surrogate_is_a_format_error_with_its_line(string json, long line)
    {
        var e = Assert.Throws<ConfigurationFormatException>(() => LvsConfigurationJson.Read(Encoding.UTF8.GetBytes(json), "bad.json"));
        Assert.Equal(line, e.LineNumber);
    }

    [Fact]
    public void KeepalivedConf_afl_finding_with_a_NUL_byte_in_an_include_path_is_a_not_text_error_at_its_line()
    {
        // AFL++ spliced a NUL byte into an include line: Path.GetFullPath threw ArgumentException
        // ("Null character in path") out of a reader documented never to throw.
        string text = Encoding.UTF8.GetString(File.ReadAllBytes(Finding("keepalived-conf", "nul-in-include-path.conf")));
        int line = text.AsSpan(0, text.IndexOf('\0')).Count('\n') + 1;
        var result = LvsPS.Native.Configuration.Keepalived.KeepalivedConfigurationReader.Parse(text, "fuzz.conf", Path.GetTempPath());
        var error = Assert.Single(result.Errors);
        Assert.Equal((LvsPS.Native.Configuration.Keepalived.DiagnosticCodes.NotText, line), (error.Code, error.Location.Line));
        Assert.Empty(result.Configuration.VirtualServers);
    }

    [Theory]
    [InlineData("unclosed-bracket-in-include-glob.conf")]
    [InlineData("nul-in-include-path.conf")]
    public void KeepalivedConf_afl_findings_read_without_throwing(string name)
    {
        // The glob of an include line ending in '[' ran past the segment (ArgumentOutOfRangeException).
        string text = Encoding.UTF8.GetString(File.ReadAllBytes(Finding("keepalived-conf", name)));
        var result = LvsPS.Native.Configuration.Keepalived.KeepalivedConfigurationReader.Parse(text, "fuzz.conf", Path.GetTempPath(),
            new LvsPS.Native.Configuration.Keepalived.KeepalivedReadOptions { IncludeRoot = Path.GetTempPath() });
        Assert.NotEmpty(result.Diagnostics);
    }
}
