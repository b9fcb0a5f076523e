using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Spartan.IO;

/// <summary>File plumbing shared by the .npy reader/writer and the tiled store: opening with errors that name the
/// file, positional writes that several lanes can issue at once, durable writes (fsync of files and of their
/// directory), and a test hook on every write so tests can simulate a full disk.</summary>
internal static partial class FileIO
{
    /// <summary>Bytes per positional write or read of a large run: big enough that per-call overhead vanishes, small
    /// enough that several of them are in flight at once on each tile.</summary>
    public const int SegmentBytes = 8 << 20;

    /// <summary>How many segments of one tile are read at once. A single synchronous read keeps one request queued on
    /// the device, where a disk with deeper queues wants several, and the lanes overlap checksum verification with
    /// the other lanes' reads. (On the 2-vCPU VM of bench/results/2026-11-29-io-2gb.md, whose disk reads at about
    /// 1.2 GB/s, this measured neither faster nor slower than one stream.) The lanes wait on the disk, not the CPU,
    /// so they do not oversubscribe the kernel threads.</summary>
    public const int ReadLanes = 4;

    /// <summary>How many segments of one tile file are written at once. Buffered writes to one file serialize on its
    /// inode lock (ext4), so more writers only contend (measured: ToNpy, where every tile writes the same file, fell
    /// from ~1.8 to ~0.7-1.1 GB/s with 4 writers per tile); two lanes let one hash its segment while the other writes.</summary>
    public const int WriteLanes = 2;

    /// <summary>Test hook: called with (path, bytes) before every write to a file opened by <see cref="Writer"/>; it
    /// may throw (a full disk, say). Null in production.</summary>
    internal static Action<string, int>? WriteHook { get; set; }

    /// <summary>Opens a file for positional reads, turning "not found" and "denied" into messages that name it.</summary>
    public static SafeFileHandle OpenRead(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{path}: file not found", path, e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DirectoryNotFoundException($"{path}: file not found (its directory does not exist)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"{path}: cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Opens a stream for reading from the start.</summary>
    public static FileStream OpenReadStream(string path)
    {
        SafeFileHandle h = OpenRead(path);
        return new FileStream(h, FileAccess.Read, 1 << 16);
    }

    /// <summary>A file opened for positional writes (thread-safe: no shared position, so several lanes can write
    /// different ranges at once) and fsync.</summary>
    public sealed class Writer : IDisposable
    {
        private readonly FileStream _file;
        private readonly SafeFileHandle _handle;

        /// <summary>Opens <paramref name="path"/>; <paramref name="preallocate"/> reserves the file's final size up
        /// front (fallocate), so the filesystem allocates its extents once instead of on every write.</summary>
        public Writer(string path, FileMode mode, long preallocate = 0)
        {
            Path = path;
            try
            {
                // The stream is kept only for its portable fsync (Flush(true)); all data goes through positional
                // writes on its handle, and with no buffer the stream itself never writes.
                _file = new FileStream(path, new FileStreamOptions
                {
                    Mode = mode,
                    Access = FileAccess.Write,
                    Share = mode == FileMode.Open ? FileShare.ReadWrite : FileShare.Read,
                    BufferSize = 0,
                    PreallocationSize = preallocate,
                });
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException($"{path}: cannot be written: {e.Message}", e);
            }

            _handle = _file.SafeFileHandle;
        }

        /// <summary>The file being written.</summary>
        public string Path { get; }

        /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>; several threads may write different
        /// ranges at once.</summary>
        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            WriteHook?.Invoke(Path, data.Length);
            RandomAccess.Write(_handle, data, offset);
        }

        /// <summary>Sets the file's length (the bytes between the old and new end read as zeros).</summary>
        public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

        /// <summary>Flushes the file's data and size through to the disk (fsync).</summary>
        public void Sync() => _file.Flush(flushToDisk: true);

        public void Dispose() => _file.Dispose();
    }

    /// <summary>Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>) on the calling thread
    /// and up to <paramref name="lanes"/> - 1 short-lived helper threads, each taking the next index from a shared
    /// counter, and returns when all are done. Helper threads, not the thread pool: the bodies block on the disk,
    /// and blocking pool threads would starve the async code that shares the pool. After a failure no new index
    /// starts, and the first exception is rethrown.</summary>
    public static void RunLanes(int count, int lanes, Action<int> body)
    {
        int helpers = Math.Min(count, lanes) - 1;
        if (helpers <= 0)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        int next = -1;
        ExceptionDispatchInfo? failure = null;
        void Lane()
        {
            int i;
            while (Volatile.Read(ref failure) is null && (i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                }
            }
        }

        var threads = new Thread[helpers];
        for (int t = 0; t < helpers; t++)
        {
            threads[t] = new Thread(Lane, 256 << 10) { IsBackground = true, Name = "spartan-io-lane" };
            threads[t].Start();
        }

        Lane();
        foreach (Thread t in threads)
        {
            t.Join();
        }

        failure?.Throw();
    }

    /// <summary>Runs <paramref name="body"/>(offset, length) over [0, <paramref name="length"/>) cut into
    /// <paramref name="segment"/>-byte pieces, <paramref name="lanes"/> pieces at a time (see <see cref="RunLanes"/>).</summary>
    public static void ForSegments(long length, int segment, int lanes, Action<long, int> body)
    {
        long count = (length + segment - 1) / segment;
        RunLanes(checked((int)count), lanes, i =>
        {
            long off = (long)i * segment;
            body(off, (int)Math.Min(segment, length - off));
        });
    }

    /// <summary>Makes a rename or a new file in <paramref name="dir"/> durable (fsync of the directory). Best effort:
    /// platforms without directory fsync (Windows) make renames durable on their own.</summary>
    public static void SyncDirectory(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            int fd = Open(dir, 0);
            if (fd >= 0)
            {
                _ = Fsync(fd);
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call: the rename is still atomic, only its durability across a power cut is weaker.
        }
    }

    /// <summary>Renames <paramref name="from"/> over <paramref name="to"/> atomically and makes it durable.</summary>
    public static void Publish(string from, string to)
    {
        File.Move(from, to, overwrite: true);
        SyncDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(to))!);
    }

    /// <summary>Deletes a file or directory, ignoring failures (cleanup after an error must not hide the error).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next save to clean up.
        }
    }

    /// <summary>A fresh name next to <paramref name="path"/> for writing before an atomic rename.</summary>
    public static string TempNameFor(string path) => $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
