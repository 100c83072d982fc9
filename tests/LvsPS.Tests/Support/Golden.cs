namespace LvsPS.Tests.Support;

/// <summary>The captures in Golden/ (see Golden/README.md): one netlink message per line.</summary>
internal static class Golden
{
    /// <summary>The IPVS family id the kernel had assigned when the captures were taken.</summary>
    public const ushort CapturedIpvsFamily = 0x20;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Golden");

    public static bool Exists(string name) => File.Exists(Path.Combine(Directory, name + ".hex"));

    public static IReadOnlyList<byte[]> Messages(string name)
        => File.ReadAllLines(Path.Combine(Directory, name + ".hex"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => Convert.FromHexString(l.Trim()))
            .ToArray();

    public static byte[] Single(string name) => Assert.Single(Messages(name));
}
