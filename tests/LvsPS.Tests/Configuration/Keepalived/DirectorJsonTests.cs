using LvsPS.Native.Configuration;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;

namespace LvsPS.Tests.Configuration.Keepalived;

/// <summary>The lossless JSON file carries a whole director: written and read back, it is the same director.</summary>
public sealed class DirectorJsonTests
{
    private static readonly KeepalivedReadOptions NoHostChecks = new() { ConfigId = "lb1" };

    [Theory]
    [InlineData("002-master.conf")]
    [InlineData("002-backup.conf")]
    [InlineData("003-master.conf")]
    public void Director_RoundTripsThroughTheJsonFile(string seed)
    {
        DirectorConfiguration director = KeepalivedConfigurationReader.ReadFile(KeepalivedSeedTests.Seed(seed), NoHostChecks).Configuration;
        var file = new LvsConfiguration { Services = DirectorIpvsTable.Initial(director), Director = director };
        string json = LvsConfigurationJson.Write(file);
        LvsConfiguration back = LvsConfigurationJson.Parse(json, "director.json");
        Assert.NotNull(back.Director);
        Assert.Equal(KeepalivedConfigurationWriter.Write(director), KeepalivedConfigurationWriter.Write(back.Director!));
        Assert.Equal(json, LvsConfigurationJson.Write(back));
        Assert.Equal(KeepalivedWriterTests.Table(file.Services), KeepalivedWriterTests.Table(back.Services));
    }

    [Fact]
    public void EveryOption_RoundTrips()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Configuration", "Keepalived", "Seeds", "003-master.conf"))
            + "\nvirtual_server_group G {\n 10.0.1.1-3 80\n fwmark 9 inet6\n}\nvirtual_server group G {\n protocol TCP\n lb_algo rr\n lb_kind TUN type gue port 6080 csum\n"
            + " real_server 10.0.1.10 80 {\n  HTTP_GET {\n   url {\n    path /\n    status_code 200-299 404\n   }\n  }\n }\n}\nstatic_routes {\n 10.9.0.0/16 via 10.0.0.1\n}\n";
        DirectorConfiguration director = KeepalivedConfigurationReader.Parse(text, "k.conf", "/nonexistent", NoHostChecks).Configuration;
        string json = LvsConfigurationJson.Write(new LvsConfiguration { Director = director });
        DirectorConfiguration back = LvsConfigurationJson.Parse(json).Director!;
        Assert.Equal(KeepalivedConfigurationWriter.Write(director), KeepalivedConfigurationWriter.Write(back));
        Assert.Contains("\"kind\": \"group\"", json);
        Assert.Contains("\"forwarding\": \"tunnel\"", json);
    }

    [Theory]
    [InlineData("{\"routerId\": \"x\", \"routerIdd\": \"y\"}", "routerIdd")]
    [InlineData("{\"staticAddresses\": [{\"address\": \"10.1\"}]}", "10.1")]
    public void BadDirector_IsAFormatErrorWithItsLine(string global, string named)
    {
        string json = "{\n \"version\": 1,\n \"director\": {\n  \"global\": " + global + "\n }\n}";
        if (named == "10.1")
            json = "{\n \"version\": 1,\n \"director\": " + global + "\n}";
        var e = Assert.Throws<ConfigurationFormatException>(() => LvsConfigurationJson.Parse(json, "bad.json"));
        Assert.Equal("bad.json", e.FileName);
        Assert.True(e.LineNumber >= 3, e.Message);
        Assert.Contains(named, e.Message + e.InnerException?.Message);
    }
}
