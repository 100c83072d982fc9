using System.Runtime.InteropServices;

namespace LvsPS.Native.Runtime;

/// <summary>
/// The libc calls the script runner needs and Tmds.LibC lacks: posix_spawn (spawn.h), waitpid
/// and kill (sys/wait.h, signal.h), pidfd_open (linux/pidfd.h, by syscall number). The spawn
/// attribute and file-action structs are opaque: they get a zeroed block larger than glibc's
/// (336 and 80 bytes on x86_64 and arm64) and only the libc functions touch them.
/// </summary>
internal static unsafe class ProcessNative
{
    private const string Libc = "libc";

    // spawn.h (glibc)
    public const short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    public const int SpawnAttributesSize = 1024, FileActionsSize = 512, SigsetSize = 128;
    // signal.h
    public const int SIGKILL = 9, SIGTERM = 15;
    // sys/wait.h
    public const int WNOHANG = 1;
    // fcntl.h
    public const int O_RDONLY = 0, O_WRONLY = 1, O_CLOEXEC = 0x80000;
    // sys/socket.h
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000, SHUT_WR = 1;
    // asm/unistd_64.h and asm-generic/unistd.h agree: pidfd_open is 434 on x86_64 and arm64.
    public const long SYS_pidfd_open = 434;
    // errno
    public const int EINTR = 4, ECHILD = 10, ESRCH = 3, ENOSYS = 38;

    [DllImport(Libc, SetLastError = true)] public static extern int posix_spawnp(out int pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** envp);
    [DllImport(Libc)] public static extern int posix_spawnattr_init(void* attributes);
    [DllImport(Libc)] public static extern int posix_spawnattr_destroy(void* attributes);
    [DllImport(Libc)] public static extern int posix_spawnattr_setflags(void* attributes, short flags);
    [DllImport(Libc)] public static extern int posix_spawnattr_setpgroup(void* attributes, int pgroup);
    [DllImport(Libc)] public static extern int posix_spawnattr_setsigmask(void* attributes, void* sigmask);
    [DllImport(Libc)] public static extern int posix_spawnattr_setsigdefault(void* attributes, void* sigdefault);
    [DllImport(Libc)] public static extern int posix_spawn_file_actions_init(void* fileActions);
    [DllImport(Libc)] public static extern int posix_spawn_file_actions_destroy(void* fileActions);
    [DllImport(Libc)] public static extern int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);
    [DllImport(Libc)] public static extern int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int flags, int mode);
    [DllImport(Libc)] public static extern int sigemptyset(void* set);
    [DllImport(Libc)] public static extern int sigfillset(void* set);
    [DllImport(Libc, SetLastError = true)] public static extern int waitpid(int pid, out int status, int options);
    [DllImport(Libc, SetLastError = true)] public static extern int kill(int pid, int signal);
    [DllImport(Libc, SetLastError = true)] public static extern long syscall(long number, long arg1, long arg2);
    [DllImport(Libc, SetLastError = true)] public static extern int socketpair(int domain, int type, int protocol, int* fds);
    [DllImport(Libc, SetLastError = true)] public static extern int close(int fd);
    [DllImport(Libc, SetLastError = true)] public static extern int access(byte* path, int mode);

    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>WIFEXITED and WEXITSTATUS of a wait status.</summary>
    public static bool Exited(int status, out int code)
    {
        code = (status >> 8) & 0xff;
        return (status & 0x7f) == 0;
    }

    /// <summary>WIFSIGNALED and WTERMSIG of a wait status.</summary>
    public static bool Signaled(int status, out int signal)
    {
        signal = status & 0x7f;
        return signal != 0 && signal != 0x7f;
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> in unmanaged memory (free with NativeMemory.Free).</summary>
    public static byte* CString(string text)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(text);
        byte* p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        System.Text.Encoding.UTF8.GetBytes(text, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }
}
