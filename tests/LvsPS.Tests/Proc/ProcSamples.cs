using System.Runtime.CompilerServices;

namespace LvsPS.Tests.Proc;

/// <summary>
/// The recorded /proc samples next to this source file (Proc/Samples). Found through the
/// compile-time path, so they need no copy to the output directory.
/// </summary>
internal static class ProcSamples
{
    public static string Directory { get; } = Locate();

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static FileStream Open(string name) => File.OpenRead(PathOf(name));

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    public static MemoryStream Stream(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Locate([CallerFilePath] string source = "")
    {
        string dir = Path.Combine(Path.GetDirectoryName(source)!, "Samples");
        if (!System.IO.Directory.Exists(dir))
            throw new DirectoryNotFoundException($"The /proc samples are not at {dir} (tests must run from a checkout).");
        return dir;
    }
}
