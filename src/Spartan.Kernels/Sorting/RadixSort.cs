using System.Runtime.CompilerServices;
using System.Buffers;

namespace Spartan.Kernels.Sorting;

/// <summary>
/// Stable least-significant-digit radix sorts of unsigned 64-bit keys (8-bit digits), optionally carrying a 64-bit
/// payload. One pass builds all eight histograms; a digit on which every key agrees is skipped, so 32-bit keys cost
/// four passes. Stable: equal keys keep their input order, which is what makes argsort stable. Short spans use a
/// stable insertion sort.
/// </summary>
public static class RadixSort
{
    private const int InsertionThreshold = 48;

    /// <summary>Sorts <paramref name="keys"/> ascending (stable).</summary>
    public static void Sort(Span<ulong> keys) => SortCore(keys, Span<long>.Empty, withPayload: false);

    /// <summary>Sorts <paramref name="keys"/> ascending and applies the same permutation to
    /// <paramref name="payload"/>; equal keys keep their input order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(Span<ulong> keys, Span<long> payload)
    {
        if (payload.Length != keys.Length)
        {
            throw new ArgumentException($"payload length {payload.Length} does not match {keys.Length} keys", nameof(payload));
        }

        SortCore(keys, payload, withPayload: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SortCore(Span<ulong> keys, Span<long> payload, bool withPayload)
    {
        int n = keys.Length;
        if (n <= InsertionThreshold)
        {
            Insertion(keys, payload, withPayload);
            return;
        }

        int[] counts = ArrayPool<int>.Shared.Rent(8 * 256);
        Array.Clear(counts, 0, 8 * 256);
        ulong[] kbuf = ArrayPool<ulong>.Shared.Rent(n);
        long[]? pbuf = withPayload ? ArrayPool<long>.Shared.Rent(n) : null;
        try
        {
            foreach (ulong k in keys)
            {
                counts[(int)(k & 0xFF)]++;
                counts[256 + (int)((k >> 8) & 0xFF)]++;
                counts[512 + (int)((k >> 16) & 0xFF)]++;
                counts[768 + (int)((k >> 24) & 0xFF)]++;
                counts[1024 + (int)((k >> 32) & 0xFF)]++;
                counts[1280 + (int)((k >> 40) & 0xFF)]++;
                counts[1536 + (int)((k >> 48) & 0xFF)]++;
                counts[1792 + (int)(k >> 56)]++;
            }

            Span<ulong> srcK = keys, dstK = kbuf.AsSpan(0, n);
            Span<long> srcP = payload, dstP = pbuf is null ? Span<long>.Empty : pbuf.AsSpan(0, n);
            bool inScratch = false;
            Span<int> offsets = stackalloc int[256];
            for (int d = 0; d < 8; d++)
            {
                Span<int> c = counts.AsSpan(d * 256, 256);
                if (c[(int)((keys[0] >> (8 * d)) & 0xFF)] == n)
                {
                    // Every key has the same digit here: the pass would not move anything.
                    continue;
                }

                int sum = 0;
                for (int b = 0; b < 256; b++)
                {
                    offsets[b] = sum;
                    sum += c[b];
                }

                int shift = 8 * d;
                if (withPayload)
                {
                    for (int i = 0; i < n; i++)
                    {
                        ulong k = srcK[i];
                        int o = offsets[(int)((k >> shift) & 0xFF)]++;
                        dstK[o] = k;
                        dstP[o] = srcP[i];
                    }
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        ulong k = srcK[i];
                        dstK[offsets[(int)((k >> shift) & 0xFF)]++] = k;
                    }
                }

                Span<ulong> tk = srcK;
                srcK = dstK;
                dstK = tk;
                Span<long> tp = srcP;
                srcP = dstP;
                dstP = tp;
                inScratch = !inScratch;
            }

            if (inScratch)
            {
                srcK.CopyTo(keys);
                if (withPayload)
                {
                    srcP.CopyTo(payload);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<ulong>.Shared.Return(kbuf);
            if (pbuf is not null)
            {
                ArrayPool<long>.Shared.Return(pbuf);
            }
        }
    }

    private static void Insertion(Span<ulong> keys, Span<long> payload, bool withPayload)
    {
        for (int i = 1; i < keys.Length; i++)
        {
            ulong k = keys[i];
            long p = withPayload ? payload[i] : 0;
            int j = i - 1;
            while (j >= 0 && keys[j] > k)
            {
                keys[j + 1] = keys[j];
                if (withPayload)
                {
                    payload[j + 1] = payload[j];
                }

                j--;
            }

            keys[j + 1] = k;
            if (withPayload)
            {
                payload[j + 1] = p;
            }
        }
    }
}
