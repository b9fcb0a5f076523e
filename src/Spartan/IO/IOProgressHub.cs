using System.Collections.Concurrent;

namespace Spartan.IO;

/// <summary>
/// Routes byte counts from file kernels (which carry only a plain token) to the driver's progress sinks. In embedded
/// mode kernels run in this process and report directly; a remote worker has no sink registered under the token, so
/// its reports are dropped and only the driver's own per-tile reports remain.
/// </summary>
internal static class IOProgressHub
{
    private static readonly ConcurrentDictionary<long, Entry> s_entries = new();
    private static long s_next;

    /// <summary>Registers an operation; returns the token kernels report under (0 when nobody listens).</summary>
    public static long Register(string operation, string path, long totalBytes, IProgress<double>? progress, SpartanOptions options)
    {
        IProgress<IOProgressInfo>? sink = totalBytes >= options.IOProgressMinBytes ? options.IOProgress : null;
        if (progress is null && sink is null)
        {
            return 0;
        }

        long id = Interlocked.Increment(ref s_next);
        s_entries[id] = new Entry(operation, path, totalBytes, progress, sink);
        return id;
    }

    /// <summary>Reports the end (1.0) and forgets the operation.</summary>
    public static void Complete(long token)
    {
        if (token != 0 && s_entries.TryRemove(token, out Entry? e))
        {
            e.Finish();
        }
    }

    /// <summary>Forgets a failed operation without reporting completion.</summary>
    public static void Abandon(long token)
    {
        if (token != 0)
        {
            s_entries.TryRemove(token, out _);
        }
    }

    /// <summary>A kernel-side handle: adds bytes to the operation's count.</summary>
    public readonly struct Token(long id)
    {
        public static Token None => default;

        public void Add(long bytes)
        {
            if (id != 0 && bytes > 0 && s_entries.TryGetValue(id, out Entry? e) && e.Add(bytes))
            {
                // Everything was reported: forget the operation (a later evaluation registers anew).
                s_entries.TryRemove(id, out _);
            }
        }
    }

    private sealed class Entry(string operation, string path, long total, IProgress<double>? progress, IProgress<IOProgressInfo>? sink)
    {
        private readonly object _gate = new();
        private long _done;
        private double _last = -1;

        /// <summary>Adds bytes; true once the whole total is done.</summary>
        public bool Add(long bytes)
        {
            lock (_gate)
            {
                _done = Math.Min(total, _done + bytes);
                Report(total <= 0 ? 1 : (double)_done / total, 0.001);
                return _done >= total;
            }
        }

        public void Finish()
        {
            lock (_gate)
            {
                _done = total;
                Report(1, 0);
            }
        }

        // Reports only forward progress, at most every 0.1%, so a sink sees a monotone sequence ending at 1.
        private void Report(double fraction, double minStep)
        {
            fraction = Math.Min(fraction, 1);
            if (fraction <= _last || (fraction - _last < minStep && fraction < 1))
            {
                return;
            }

            _last = fraction;
            progress?.Report(fraction);
            sink?.Report(new IOProgressInfo(operation, path, _done, total));
        }
    }
}
