using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Spartan.IO;

/// <summary>File plumbing shared by the .npy reader/writer and the tiled store: opening with errors that name the
/// file, durable writes (fsync of files and of their directory), and a test hook that wraps every write stream
/// so tests can simulate a full disk.</summary>
internal static partial class FileIO
{
    /// <summary>Test hook: wraps each stream opened for writing (path, stream) -> stream. Null in production.</summary>
    internal static Func<string, Stream, Stream>? WriteHook { get; set; }

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

    /// <summary>A write handle on a file: the stream to write through (possibly wrapped by the test
    /// hook) and the file underneath it (to fsync).</summary>
    public sealed class Writer : IDisposable
    {
        public Writer(string path, FileMode mode, long preallocate = 0)
        {
            Path = path;
            try
            {
                File = new FileStream(path, new FileStreamOptions
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

            Stream = WriteHook is { } hook ? hook(path, File) : File;
        }

        public string Path { get; }

        public FileStream File { get; }

        public Stream Stream { get; }

        /// <summary>Flushes through to the disk (fsync).</summary>
        public void Sync()
        {
            Stream.Flush();
            File.Flush(flushToDisk: true);
        }

        public void Dispose()
        {
            if (!ReferenceEquals(Stream, File))
            {
                Stream.Dispose();
            }

            File.Dispose();
        }
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
