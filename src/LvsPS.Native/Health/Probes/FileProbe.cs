using System.Diagnostics;

namespace LvsPS.Native.Health.Probes;

/// <summary>FILE_CHECK: reads the number in the file (strtol base 0 rules); an unreadable or missing file reads as 0, as keepalived.</summary>
internal sealed class FileProbe : IProbeStarter
{
    public Task<ProbeResult> Start(ProbeRequest request, CancellationToken stopping)
    {
        var file = (FileHealthCheck)request.Check.Check;
        long started = Stopwatch.GetTimestamp();
        long? value = Read(file.Path);
        return Task.FromResult(new ProbeResult(request.CheckId, true, $"{file.Path} reads {value ?? 0}", Stopwatch.GetElapsedTime(started), FileValue: value ?? 0));
    }

    /// <summary>The file's number; 0 when missing, empty or unreadable; null when the number is out of range (keepalived ignores it: keep the last).</summary>
    public static long? Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            Span<byte> buffer = stackalloc byte[127];
            int n = stream.Read(buffer);
            return HealthRules.ParseFileValue(System.Text.Encoding.ASCII.GetString(buffer[..n]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
