using System.Runtime.CompilerServices;
using System.Buffers;

namespace Spartan.Kernels.Sorting;

/// <summary>
/// Sorts and argsorts of spans in NumPy's order (NaN last), through <see cref="SortKeys"/> and a stable
/// <see cref="RadixSort"/>, plus the bucket partition of a sample sort. Element types: double, float, long, int,
/// byte (bool).
/// </summary>
public static class Sorter
{
    /// <summary>Sorts <paramref name="x"/> in place, ascending, NaN last (every NaN becomes the canonical NaN).</summary>
    public static void Sort<T>(Span<T> x) where T : unmanaged
    {
        ulong[] keys = ArrayPool<ulong>.Shared.Rent(x.Length);
        try
        {
            Span<ulong> k = keys.AsSpan(0, x.Length);
            SortKeys.ToValueKeys<T>(x, k);
            RadixSort.Sort(k);
            SortKeys.FromValueKeys(k, x);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
        }
    }

    /// <summary>The stable argsort of <paramref name="x"/>: <paramref name="indices"/>[r] is
    /// <paramref name="baseIndex"/> plus the position of the element of rank r; ties keep their input order.</summary>
    public static void ArgSort<T>(ReadOnlySpan<T> x, Span<long> indices, long baseIndex) where T : unmanaged
    {
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = baseIndex + i;
        }

        SortByKey(x, indices);
    }

    /// <summary>Reorders <paramref name="payload"/> (one entry per element of <paramref name="x"/>) into the stable
    /// sort order of <paramref name="x"/>: entries of equal elements keep their input order.</summary>
    public static void SortByKey<T>(ReadOnlySpan<T> x, Span<long> payload) where T : unmanaged
    {
        if (payload.Length != x.Length)
        {
            throw new ArgumentException($"payload length {payload.Length} does not match {x.Length} elements", nameof(payload));
        }

        ulong[] keys = ArrayPool<ulong>.Shared.Rent(x.Length);
        try
        {
            Span<ulong> k = keys.AsSpan(0, x.Length);
            SortKeys.ToOrderKeys(x, k);
            RadixSort.Sort(k, payload);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
        }
    }

    /// <summary>The bucket of an element with order key <paramref name="key"/> and id <paramref name="id"/> among
    /// buckets split by (key, id) pairs in lexicographic order: the number of splitters that are ≤ (key, id).</summary>
    public static int Bucket(ReadOnlySpan<ulong> splitterKeys, ReadOnlySpan<long> splitterIds, ulong key, long id)
    {
        int lo = 0, hi = splitterKeys.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            ulong sk = splitterKeys[mid];
            if (sk < key || (sk == key && splitterIds[mid] <= id))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Stable partition of <paramref name="x"/> into buckets split by the (order key, id) pairs of the
    /// splitters, where element i has id <paramref name="baseId"/> + i. Writes the elements grouped by bucket into
    /// <paramref name="values"/>, their ids into <paramref name="ids"/> when it is not empty, and each bucket's size
    /// into <paramref name="counts"/> (one more entry than there are splitters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Partition<T>(ReadOnlySpan<T> x, long baseId, ReadOnlySpan<ulong> splitterKeys, ReadOnlySpan<long> splitterIds,
        Span<T> values, Span<long> ids, Span<long> counts) where T : unmanaged
    {
        int buckets = splitterKeys.Length + 1;
        if (counts.Length != buckets || values.Length != x.Length || (!ids.IsEmpty && ids.Length != x.Length))
        {
            throw new ArgumentException("partition outputs do not match the input", nameof(values));
        }

        int[] bucketOf = ArrayPool<int>.Shared.Rent(x.Length);
        try
        {
            counts.Clear();
            for (int i = 0; i < x.Length; i++)
            {
                int b = Bucket(splitterKeys, splitterIds, SortKeys.Order(x[i]), baseId + i);
                bucketOf[i] = b;
                counts[b]++;
            }

            Span<long> next = buckets <= 1024 ? stackalloc long[buckets] : new long[buckets];
            long sum = 0;
            for (int b = 0; b < buckets; b++)
            {
                next[b] = sum;
                sum += counts[b];
            }

            for (int i = 0; i < x.Length; i++)
            {
                int o = (int)next[bucketOf[i]]++;
                values[o] = x[i];
                if (!ids.IsEmpty)
                {
                    ids[o] = baseId + i;
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(bucketOf);
        }
    }
}
