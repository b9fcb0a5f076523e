namespace Spartan.Runtime;

/// <summary>
/// One whole copy of a dense operand assembled from several tiles, shared by every task that needs exactly those
/// tiles (the SpMV tasks of one stage all read the same vector): one copy per stage instead of one per task, and
/// one copy in the cache that the gathers hit. Tiles are immutable and the key is the identity of the stored tile
/// buffers, so a hit is always the same data. The buffer is pooled and goes back to the pool when a newer operand
/// replaces it and its last user is done.
/// </summary>
internal static class SharedOperand
{
    private static readonly object s_gate = new();
    private static Entry? s_current;

    /// <summary>The assembled operand for <paramref name="parts"/> (pasted at <paramref name="partExtents"/> into
    /// <paramref name="region"/>); dispose the lease when done reading it.</summary>
    public static Lease Acquire(NDArray[] parts, TileExtent[] partExtents, TileExtent region)
    {
        lock (s_gate)
        {
            if (s_current is { } e && e.Matches(parts, region))
            {
                e.Users++;
                return new Lease(e);
            }

            NDArray data = NDArray.Rent(region.Shape, parts[0].DType);
            for (int i = 0; i < parts.Length; i++)
            {
                Regions.Paste(parts[i], partExtents[i], data, region);
            }

            var fresh = new Entry(parts, region, data) { Users = 1 };
            if (s_current is { } old)
            {
                old.Evicted = true;
                ReturnIfUnused(old);
            }

            s_current = fresh;
            return new Lease(fresh);
        }
    }

    private static void ReturnIfUnused(Entry e)
    {
        if (e.Evicted && e.Users == 0 && e.Data.Pooled)
        {
            BufferPool.Return(e.Data);
        }
    }

    internal sealed class Entry(NDArray[] parts, TileExtent region, NDArray data)
    {
        public NDArray Data { get; } = data;

        public int Users { get; set; }

        public bool Evicted { get; set; }

        public bool Matches(NDArray[] other, TileExtent r)
        {
            if (other.Length != parts.Length || !r.Equals(region))
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
