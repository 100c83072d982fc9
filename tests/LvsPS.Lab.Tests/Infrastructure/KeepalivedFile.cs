using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Configuration.Keepalived;
using Xunit;

namespace LvsPS.Lab.Tests.Infrastructure;

/// <summary>A keepalived.conf read as the director runs it; a file with errors fails the test with them.</summary>
public static class KeepalivedFile
{
    public static DirectorConfiguration Read(string path, KeepalivedReadOptions? options = null)
    {
        KeepalivedReadResult read = KeepalivedConfigurationReader.ReadFile(path, options ?? new KeepalivedReadOptions { ConfigId = "lab" });
        Assert.False(read.HasErrors, string.Join('\n', read.Errors));
        return read.Configuration;
    }
}
