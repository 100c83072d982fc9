using System.Text;
using CsCheck;
using LvsPS.Native.Proc;

namespace LvsPS.Tests.Proc;

/// <summary>Broken tables fail with a <see cref="ProcFormatException"/> naming the line; nothing else escapes.</summary>
public sealed class ConnectionParserErrorTests
{
    private static ProcFormatException ParseError(Stream s) => Assert.Throws<ProcFormatException>(() => IpvsConnectionReader.Parse(s).ToList());

    [Theory]
    [InlineData("malformed-port.txt", 4, "FPrt is not a port (4 hex digits)", "C7G4")]
    [InlineData("malformed-truncated.txt", 5, "DPrt is not a port (4 hex digits)", "TCP C0A83202 C074 C0A83264 1F90 0A14000B")]
    [InlineData("malformed-family.txt", 3, "FromIP and ToIP are of different families", "UDP C0A8320 9F22 fd00:")]
    [InlineData("malformed-expires.txt", 6, "Expires is not a number of seconds", "SYN_RECV        5x7")]
    public void MalformedSamplesNameTheLine(string sample, int line, string problem, string text)
    {
        using FileStream s = ProcSamples.Open(sample);
        ProcFormatException e = ParseError(s);
        Assert.Equal(line, e.LineNumber);
        Assert.Equal(problem, e.Problem);
        Assert.Contains(text, e.Line);
        Assert.Contains($"line {line}", e.Message);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    [Fact]
    public void RowsBeforeTheBrokenLineAreReturned()
    {
        using FileStream s = ProcSamples.Open("malformed-truncated.txt");
        using var parser = new IpvsConnectionParser(s);
        int good = 0;
        Assert.Throws<ProcFormatException>(() => { while (parser.TryRead(out _)) good++; });
        Assert.Equal(3, good);
    }

    [Fact]
    public void FilteredOutRowsAreStillChecked()
    {
        using FileStream s = ProcSamples.Open("malformed-port.txt");
        var filter = new ConnectionFilter { States = ["ESTABLISHED"] };
        Assert.Equal(4, Assert.Throws<ProcFormatException>(() => IpvsConnectionReader.Parse(s, filter).ToList()).LineNumber);
    }

    [Theory]
    [InlineData("", 0, "the stream is empty")]
    [InlineData("TCP C0A83202 C074 C0A83264 1F90 0A14000B 0050 TIME_WAIT 106\n", 1, "expected the header")]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\nXYZ C0A83202 C074 C0A83264 1F90 0A14000B 0050 TIME_WAIT 106\n", 2, "is not a protocol name")]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\nTCP C0A832021 C074 C0A83264 1F90 0A14000B 0050 TIME_WAIT 106\n", 2, "FromIP is not an address")]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\nTCP fd00:0050::2 C074 fd00:0050:0000:0000:0000:0000:0000:0100 1F90 0A14000B 0050 TIME_WAIT 106\n", 2, "FromIP is not an address")]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\nTCP C0A83202 C0740 C0A83264 1F90 0A14000B 0050 TIME_WAIT 106\n", 2, "FPrt is not a port")]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\nTCP C0A83202 C074 C0A83264 1F90 0A14000B 0050 TIME_WAIT 99999999999\n", 2, "Expires")]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\nTCP C0A83202 C074 C0A83264 1F90 0A14000B 0050 TIME_WAIT   ELSEWHERE 106\n", 2, "is not an origin")]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\nTCP C0A83202 C074 C0A83264 1F90 0A14000B 0050 TIME_WAIT   LOCAL 106 sip x\n", 2, "unexpected text after Expires")]
    public void BrokenLines(string text, int line, string problem)
    {
        ProcFormatException e = ParseError(ProcSamples.Stream(text));
        Assert.Equal(line, e.LineNumber);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void AnOverlongLineIsAnErrorNotAnUnboundedBuffer()
    {
        string text = ConnectionTableGenerator.Header + new string('A', IpvsConnectionParser.BufferBytes * 2) + "\n";
        ProcFormatException e = ParseError(ProcSamples.Stream(text));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("longer than", e.Problem);
    }

    [Fact]
    public void LastLineWithoutNewlineAndBlankLinesAreAccepted()
    {
        string text = ConnectionTableGenerator.Header + "\nTCP C0A83202 C074 C0A83264 1F90 0A14000B 0050 TIME_WAIT       106";
        IpvsConnection c = Assert.Single(IpvsConnectionReader.Parse(ProcSamples.Stream(text)));
        Assert.Equal(TimeSpan.FromSeconds(106), c.Expires);
    }

    /// <summary>Streams that return a few bytes per Read (as /proc may) give the same rows.</summary>
    [Fact]
    public void ShortReadsGiveTheSameRows()
    {
        byte[] bytes = File.ReadAllBytes(ProcSamples.PathOf("ip_vs_conn.txt"));
        var whole = IpvsConnectionReader.Parse(new MemoryStream(bytes)).ToList();
        Gen.Int[1, 64].Sample(chunk =>
        {
            var trickle = IpvsConnectionReader.Parse(new TrickleStream(bytes, chunk)).ToList();
            Assert.Equal(whole, trickle);
        }, iter: 64);
    }

    /// <summary>Mutated recorded tables either parse or fail with ProcFormatException, never another exception.</summary>
    [Fact]
    public void MutationsFailOnlyWithProcFormatException()
    {
        byte[] seed = Encoding.ASCII.GetBytes(ProcSamples.Text("ip_vs_conn.txt") + ProcSamples.Text("ip_vs_conn-pe-ipv6-sctp.txt").Split('\n', 2)[1]);
        byte[] alphabet = Encoding.ASCII.GetBytes("0123456789ABCDEFabcdef:_ \nXIPTUDS!");
        Gen.Select(Gen.Int[0, seed.Length - 1].Array[1, 6], Gen.Int[0, alphabet.Length - 1].Array[6], Gen.Int[0, 2])
            .Sample((positions, letters, mode) =>
            {
                byte[] b = (byte[])seed.Clone();
                for (int i = 0; i < positions.Length; i++)
                    b[positions[i]] = alphabet[letters[i]];
                if (mode == 1)
                    b = b[..positions[0]]; // truncated
                try
                {
                    IpvsConnectionReader.Parse(new MemoryStream(b)).ToList();
                }
                catch (ProcFormatException)
                {
                }
            }, iter: 2000);
    }

    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }
}
