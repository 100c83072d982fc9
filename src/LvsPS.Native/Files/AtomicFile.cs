using System.Text;
using static Tmds.Linux.LibC;

namespace LvsPS.Native.Files;

/// <summary>
/// Replaces a file so that a reader (or a crash, or a full disk) sees the old content or the new one,
/// never a part: the content goes to a hidden temporary file in the same directory, is flushed to disk
/// (fsync), then renamed over the target (rename(2) is atomic within a file system), and the directory is
/// synced so the rename itself survives a power cut. On any failure the temporary file is removed and the
/// old file is left exactly as it was. An existing file's permissions are kept. Every file LvsPS writes
/// goes through here.
/// </summary>
public static unsafe class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte order mark.</summary>
    /// <exception cref="IOException">The file could not be written (a full disk: the old file is kept).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write in the directory.</exception>
    public static void WriteAllText(string path, string text, UnixFileMode? newFileMode = null)
        => Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, bufferSize: 65536, leaveOpen: true);
            writer.Write(text);
        }, newFileMode);

    /// <summary>
    /// Writes what <paramref name="write"/> puts in the stream. <paramref name="newFileMode"/> applies when the
    /// file does not exist yet (else the umask decides); an existing file keeps its mode.
    /// </summary>
    public static void Write(string path, Action<Stream> write, UnixFileMode? newFileMode = null)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new IOException($"'{path}' is a directory; give a file name.");
        string directory = Path.GetDirectoryName(full)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        UnixFileMode? mode = File.Exists(full) ? File.GetUnixFileMode(full) : newFileMode;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (mode is { } m)
                options.UnixCreateMode = m;
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>fsync of the directory, so the rename is on disk too; best effort (some file systems refuse).</summary>
    private static void SyncDirectory(string directory)
    {
        const int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
        byte[] bytes = Encoding.UTF8.GetBytes(directory + "\0");
        int fd;
        fixed (byte* p = bytes)
            fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0)
            return;
        fsync(fd);
        close(fd);
    }
}
