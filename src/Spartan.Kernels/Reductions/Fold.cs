using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Spartan.Kernels.Operators;

namespace Spartan.Kernels.Reductions;

/// <summary>
/// Fixed-order folds. The order of a fold is part of its contract, so that float results are bit-identical on
/// every instruction set and from run to run:
/// <list type="number">
/// <item>a span is cut into chunks of <see cref="ChunkLength"/> elements, counted from its start;</item>
/// <item>inside a chunk, element i goes to lane i mod 16; the 16 lanes are combined by a fixed tree
/// (lane j with lane j+8, then j+4, j+2, j+1) and the tail (fewer than 16 elements) is added in order;</item>
/// <item>chunk results are combined pairwise (split the list at its midpoint, recursively).</item>
/// </list>
/// The SIMD paths hold exactly these 16 lanes in registers, and the scalar path emulates them.
/// The error of a float sum is about (log2(n/ChunkLength) + ChunkLength/16) ulps times the sum of |x|.
/// </summary>
public static class Fold
{
    /// <summary>The fixed chunk length of every fold.</summary>
    public const int ChunkLength = 2048;

    /// <summary>The lanes of a chunk: element i goes to lane i mod 16.</summary>
    internal const int Lanes = 16;

    /// <summary>Folds one chunk (at most <see cref="ChunkLength"/> elements, not checked) in the fixed lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Chunk<T, TOp>(ReadOnlySpan<T> x, T identity)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        int full = n - n % Lanes;
        Span<T> lanes = stackalloc T[Lanes];
        if (TOp.Vectorizable && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && Lanes % Vector256<T>.Count == 0)
        {
            FoldVector256<T, TOp>(ref xs, full, identity, lanes);
        }
        else
        {
            lanes.Fill(identity);
            for (int i = 0; i < full; i += Lanes)
            {
                for (int j = 0; j < Lanes; j++)
                {
                    lanes[j] = TOp.Invoke(lanes[j], Unsafe.Add(ref xs, i + j));
                }
            }
        }

        T r = CombineLanes<T, TOp>(lanes);
        for (int i = full; i < n; i++)
        {
            r = TOp.Invoke(r, Unsafe.Add(ref xs, i));
        }

        return r;
    }

    /// <summary>The fixed tree over the 16 lanes of a chunk: lane j with lane j+8, then j+4, j+2, j+1.</summary>
    internal static T CombineLanes<T, TOp>(Span<T> lanes)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        for (int w = Lanes / 2; w >= 1; w /= 2)
        {
            for (int j = 0; j < w; j++)
            {
                lanes[j] = TOp.Invoke(lanes[j], lanes[j + w]);
            }
        }

        return lanes[0];
    }

    /// <summary>Folds a span of any length: fixed chunks, then a pairwise combine of the chunk results.</summary>
    public static T Span<T, TOp>(ReadOnlySpan<T> x, T identity)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        if (x.Length <= ChunkLength)
        {
            return Chunk<T, TOp>(x, identity);
        }

        int chunks = (x.Length + ChunkLength - 1) / ChunkLength;
        T[]? rented = null;
        Span<T> partials = chunks <= 256 ? stackalloc T[256] : (rented = ArrayPool<T>.Shared.Rent(chunks));
        partials = partials[..chunks];
        for (int c = 0; c < chunks; c++)
        {
            int start = c * ChunkLength;
            partials[c] = Chunk<T, TOp>(x.Slice(start, Math.Min(ChunkLength, x.Length - start)), identity);
        }

        T r = Pairwise<T, TOp>(partials);
        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }

        return r;
    }

    /// <summary>Combines partial results pairwise: split at the midpoint, fold each half, combine.</summary>
    public static T Pairwise<T, TOp>(ReadOnlySpan<T> partials)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        if (partials.IsEmpty)
        {
            throw new ArgumentException("nothing to combine", nameof(partials));
        }

        if (partials.Length == 1)
        {
            return partials[0];
        }

        int mid = partials.Length / 2;
        return TOp.Invoke(Pairwise<T, TOp>(partials[..mid]), Pairwise<T, TOp>(partials[mid..]));
    }

    /// <summary>Combines whole partial arrays element by element, pairwise over the list (see <see cref="Pairwise{T, TOp}(ReadOnlySpan{T})"/>):
    /// the result is written into <paramref name="partials"/>[0].</summary>
    public static void PairwiseInPlace<T, TOp>(IReadOnlyList<T[]> partials, int start, int count)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        if (count <= 1)
        {
            return;
        }

        int mid = count / 2;
        PairwiseInPlace<T, TOp>(partials, start, mid);
        PairwiseInPlace<T, TOp>(partials, start + mid, count - mid);
        Loops.Elementwise.Binary<T, TOp>(partials[start], partials[start + mid], partials[start]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldVector256<T, TOp>(ref T xs, int full, T identity, Span<T> lanes)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        int c = Vector256<T>.Count;
        Vector256<T> id = Vector256.Create(identity);
        if (Lanes / c == 2)
        {
            Vector256<T> a0 = id, a1 = id;
            for (int i = 0; i < full; i += Lanes)
            {
                a0 = TOp.Invoke(a0, Vector256.LoadUnsafe(ref xs, (nuint)i));
                a1 = TOp.Invoke(a1, Vector256.LoadUnsafe(ref xs, (nuint)(i + c)));
            }

            a0.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
            a1.StoreUnsafe(ref MemoryMarshal.GetReference(lanes), (nuint)c);
        }
        else if (Lanes / c == 4)
        {
            Vector256<T> a0 = id, a1 = id, a2 = id, a3 = id;
            for (int i = 0; i < full; i += Lanes)
            {
                a0 = TOp.Invoke(a0, Vector256.LoadUnsafe(ref xs, (nuint)i));
                a1 = TOp.Invoke(a1, Vector256.LoadUnsafe(ref xs, (nuint)(i + c)));
                a2 = TOp.Invoke(a2, Vector256.LoadUnsafe(ref xs, (nuint)(i + 2 * c)));
                a3 = TOp.Invoke(a3, Vector256.LoadUnsafe(ref xs, (nuint)(i + 3 * c)));
            }

            ref T l = ref MemoryMarshal.GetReference(lanes);
            a0.StoreUnsafe(ref l);
            a1.StoreUnsafe(ref l, (nuint)c);
            a2.StoreUnsafe(ref l, (nuint)(2 * c));
            a3.StoreUnsafe(ref l, (nuint)(3 * c));
        }
        else
        {
            // 16 lanes in one vector (bytes do not reach here: Lanes % 32 != 0).
            Vector256<T> a0 = id;
            for (int i = 0; i < full; i += Lanes)
            {
                a0 = TOp.Invoke(a0, Vector256.LoadUnsafe(ref xs, (nuint)i));
            }

            a0.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        }
    }
}
