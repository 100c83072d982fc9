using LvsPS.Native.Files;

namespace LvsPS.Tests.Files;

/// <summary>Old content or new, never a part: the temporary file, the rename, and the old file kept on any failure.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-atomic").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Leftovers() => Directory.GetFiles(_dir).Select(Path.GetFileName).Where(n => n!.EndsWith(".tmp", StringComparison.Ordinal)).ToArray()!;

    [Fact]
    public void The_new_content_replaces_the_old_and_nothing_is_left_beside_it()
    {
        string file = Path.Combine(_dir, "table.rules");
        File.WriteAllText(file, "old\n");
        AtomicFile.WriteAllText(file, "new\n");
        Assert.Equal("new\n", File.ReadAllText(file));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void A_write_that_fails_half_way_keeps_the_old_file_byte_for_byte()
    {
        string file = Path.Combine(_dir, "backup.json");
        File.WriteAllText(file, "the previous backup\n");
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(file, stream =>
        {
            stream.Write(new byte[4096]);
            throw new IOException("No space left on device");
        }));
        Assert.Equal("No space left on device", e.Message);
        Assert.Equal("the previous backup\n", File.ReadAllText(file));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void An_existing_file_keeps_its_permissions_and_a_new_one_gets_those_asked_for()
    {
        string kept = Path.Combine(_dir, "kept");
        File.WriteAllText(kept, "x");
        File.SetUnixFileMode(kept, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.WriteAllText(kept, "y", newFileMode: UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kept));

        string created = Path.Combine(_dir, "created");
        AtomicFile.WriteAllText(created, "z", newFileMode: UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(created));
    }

    [Fact]
    public void A_directory_is_not_replaced_by_a_file()
    {
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(_dir, "x"));
        Assert.Contains("is a directory", e.Message);
        Assert.True(Directory.Exists(_dir));
    }
}
