namespace LvsPS.Native.Files;

/// <summary>
/// Reads a whole file up to a cap, so /dev/zero, a pipe that never ends or a runaway file fails fast instead of
/// filling memory: the length a file claims is not trusted (character devices and /proc files claim 0), the
/// bytes are counted as they arrive.
/// </summary>
public static class BoundedFile
{
    /// <summary>
    /// The file's bytes, or null when it holds more than <paramref name="maxBytes"/> (reading stops at most one
    /// chunk past the cap). File-system exceptions (not found, denied, a directory) pass through.
    /// </summary>
    public static byte[]? TryReadAllBytes(string path, long maxBytes) => TryReadAllBytes(path, maxBytes, expectedLength: 0);

    /// <summary><see cref="TryReadAllBytes(string, long)"/>; <paramref name="expectedLength"/> (what the file claims) only sizes the first buffer.</summary>
    internal static byte[]? TryReadAllBytes(string path, long maxBytes, long expectedLength)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var buffer = new MemoryStream((int)Math.Clamp(Math.Min(expectedLength, maxBytes) + 1, 0, Array.MaxLength));
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
