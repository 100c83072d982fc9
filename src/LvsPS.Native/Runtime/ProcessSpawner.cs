using System.Collections;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static LvsPS.Native.Runtime.ProcessNative;

namespace LvsPS.Native.Runtime;

/// <summary>A process just spawned: its id (also its process group id) and our ends of its output streams.</summary>
internal sealed record SpawnedProcess(int Pid, Socket? Output, Socket? Error);

/// <summary>posix_spawn failed with <see cref="Errno"/> (ENOENT, EACCES, ...).</summary>
internal sealed class SpawnException(int errno, string message) : Exception(message)
{
    public int Errno { get; } = errno;
}

/// <summary>
/// Starts an executable with posix_spawnp (vfork-style: safe in a multi-threaded runtime, no
/// managed code in the child): in a process group of its own so a timeout can signal every
/// process it started; every signal at its default and none blocked (.NET ignores SIGPIPE,
/// which a child would inherit); stdin from /dev/null; stdout and stderr into socket pairs whose
/// other ends .NET reads asynchronously (a pipe would cost a blocked thread per read).
/// </summary>
internal static unsafe class ProcessSpawner
{
    public static SpawnedProcess Spawn(ScriptCommand command, bool captureOutput)
    {
        int[]? output = captureOutput ? SocketPair() : null;
        int[]? error = null;
        try
        {
            error = captureOutput ? SocketPair() : null;
            int pid = SpawnWith(command, output?[1], error?[1]);
            return new SpawnedProcess(pid, ToSocket(output), ToSocket(error));
        }
        catch
        {
            CloseAll(output);
            CloseAll(error);
            throw;
        }
        finally
        {
            // The child has its own copies of these ends (or never ran).
            if (output != null) close(output[1]);
            if (error != null) close(error[1]);
        }
    }

    private static int SpawnWith(ScriptCommand command, int? outputFd, int? errorFd)
    {
        void* attributes = NativeMemory.AllocZeroed(SpawnAttributesSize);
        void* actions = NativeMemory.AllocZeroed(FileActionsSize);
        void* signals = NativeMemory.AllocZeroed(SigsetSize);
        var strings = new List<nint>();
        byte* devNull = CString("/dev/null");
        try
        {
            posix_spawnattr_init(attributes);
            posix_spawn_file_actions_init(actions);
            posix_spawnattr_setflags(attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
            posix_spawnattr_setpgroup(attributes, 0);
            sigfillset(signals);
            posix_spawnattr_setsigdefault(attributes, signals);
            sigemptyset(signals);
            posix_spawnattr_setsigmask(attributes, signals);
            posix_spawn_file_actions_addopen(actions, 0, devNull, O_RDONLY, 0);
            Redirect(actions, 1, outputFd, devNull);
            Redirect(actions, 2, errorFd, devNull);

            byte** argv = Vector(command.Arguments.Prepend(command.Path), strings);
            byte** envp = Vector(Environment(command), strings);
            byte* file = CString(command.Path);
            strings.Add((nint)file);
            int rc = posix_spawnp(out int pid, file, actions, attributes, argv, envp);
            if (rc != 0)
                throw new SpawnException(rc, $"cannot start '{command.Path}': {Netlink.Errno.Describe(rc)}");
            return pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attributes);
            foreach (nint p in strings)
                NativeMemory.Free((void*)p);
            NativeMemory.Free(devNull);
            NativeMemory.Free(signals);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
        }
    }

    private static void Redirect(void* actions, int fd, int? target, byte* devNull)
    {
        if (target is { } t)
            posix_spawn_file_actions_adddup2(actions, t, fd);
        else
            posix_spawn_file_actions_addopen(actions, fd, devNull, O_WRONLY, 0);
    }

    /// <summary>.NET's view of the environment (what $env: sets in PowerShell), with the command's own variables on top.</summary>
    private static IEnumerable<string> Environment(ScriptCommand command)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            variables[(string)e.Key] = e.Value as string;
        foreach (var (name, value) in command.Environment)
            variables[name] = value;
        return variables.Where(v => v.Value != null).Select(v => $"{v.Key}={v.Value}");
    }

    /// <summary>A NULL-terminated char*[] of the words; every block allocated is added to <paramref name="allocations"/>.</summary>
    private static byte** Vector(IEnumerable<string> words, List<nint> allocations)
    {
        string[] all = words.ToArray();
        byte** vector = (byte**)NativeMemory.AllocZeroed((nuint)(all.Length + 1), (nuint)sizeof(nint));
        allocations.Add((nint)vector);
        for (int i = 0; i < all.Length; i++)
        {
            vector[i] = CString(all[i]);
            allocations.Add((nint)vector[i]);
        }
        return vector;
    }

    private static int[] SocketPair()
    {
        int* fds = stackalloc int[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
            throw new SpawnException(LastErrno, $"socketpair: {Netlink.Errno.Describe(LastErrno)}");
        return new[] { fds[0], fds[1] };
    }

    private static Socket? ToSocket(int[]? pair)
    {
        if (pair is null)
            return null;
        var socket = new Socket(new SafeSocketHandle(pair[0], ownsHandle: true));
        socket.Shutdown(SocketShutdown.Send); // only the child writes
        return socket;
    }

    private static void CloseAll(int[]? pair)
    {
        if (pair != null)
            close(pair[0]);
    }
}
