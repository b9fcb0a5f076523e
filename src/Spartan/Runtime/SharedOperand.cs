namespace Spartan.Runtime;

/// <summary>
/// One whole copy of a dense operand assembled from several tiles, shared by every task that needs exactly those
/// tiles (the SpMV tasks of one stage all read the same vector): one copy per stage instead of one per task, and
/// one copy in the cache that the gathers hit. Tiles are immutable and the key is the identity of the stored tile
/// buffers, so a hit is always the same data. The tasks that arrive while the copy is being made paste the pieces
/// that are left rather than wait: with every worker's first task asking at once, the copy (8 MB for PageRank's
/// vector) takes a fraction of the time one thread needs. The buffer is pooled and goes back to the pool when a
/// newer operand replaces it and its last user is done.
/// </summary>
internal static class SharedOperand
{
    private static readonly object s_gate = new();
    private static Entry? s_current;

    /// <summary>The assembled operand for <paramref name="parts"/> (pasted at <paramref name="partExtents"/> into
    /// <paramref name="region"/>); dispose the lease when done reading it.</summary>
    public static Lease Acquire(NDArray[] parts, TileExtent[] partExtents, TileExtent region)
    {
        Entry entry;
        lock (s_gate)
        {
            if (s_current is { } e && e.Matches(parts, region))
            {
                entry = e;
            }
            else
            {
                entry = new Entry(parts, partExtents, region, NDArray.Rent(region.Shape, parts[0].DType));
                if (s_current is { } old)
                {
                    old.Evicted = true;
                    ReturnIfUnused(old);
                }

                s_current = entry;
            }

            entry.Users++;
        }

        var lease = new Lease(entry);
        try
        {
            entry.Assemble();
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        return lease;
    }

    private static void ReturnIfUnused(Entry e)
    {
        if (e.Evicted && e.Users == 0 && e.Data.Pooled)
        {
            BufferPool.Return(e.Data);
        }
    }

    internal sealed class Entry(NDArray[] parts, TileExtent[] partExtents, TileExtent region, NDArray data)
    {
        private readonly ManualResetEventSlim _assembled = new(false);
        private int _nextPart = -1;
        private int _partsDone;
        private Exception? _failure;

        public NDArray Data { get; } = data;

        public int Users { get; set; }

        public bool Evicted { get; set; }

        public bool Matches(NDArray[] other, TileExtent r)
        {
            if (other.Length != parts.Length || !r.Equals(region) || _failure is not null)
            {
                return false;
            }

            for (int i = 0; i < other.Length; i++)
            {
                if (!ReferenceEquals(other[i], parts[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Pastes pieces nobody has claimed yet, then waits until every piece is in.</summary>
        public void Assemble()
        {
            int i;
            while ((i = Interlocked.Increment(ref _nextPart)) < parts.Length)
            {
                try
                {
                    Regions.Paste(parts[i], partExtents[i], Data, region);
                }
                catch (Exception ex)
                {
                    // Wake the other users with the error; a failed entry never matches again.
                    _failure ??= ex;
                    _assembled.Set();
                    throw;
                }

                if (Interlocked.Increment(ref _partsDone) == parts.Length)
                {
                    _assembled.Set();
                }
            }

            _assembled.Wait();
            if (_failure is { } failure)
            {
                throw new InvalidOperationException("assembling a shared operand failed in another task", failure);
            }
        }
    }

    /// <summary>A use of a shared operand.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly Entry _entry;

        internal Lease(Entry entry) => _entry = entry;

        public NDArray Data => _entry.Data;

        public void Dispose()
        {
            lock (s_gate)
            {
                _entry.Users--;
                ReturnIfUnused(_entry);
            }
        }
    }
}
