using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Spartan.Kernels.Loops;

/// <summary>
/// Loads of strided views into a contiguous block: <c>x[::2]</c>, <c>A[:, ::2]</c> and the transposes whose inner
/// walk has step 2 (the bench's W8). Step 2 touches every cache line anyway, so it runs at the speed of memory only
/// when the even elements are picked with vector shuffles (two loads, one permute per output vector) rather than one
/// scalar load and store per element; other steps fall back to the scalar loop.
/// </summary>
public static class Strided
{
    /// <summary>destination[k] = source[k·step] for k below destination.Length; source must hold
    /// (destination.Length − 1)·step + 1 elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather<T>(ReadOnlySpan<T> source, long step, Span<T> destination)
        where T : unmanaged
    {
        int n = destination.Length;
        if (n == 0)
        {
            return;
        }

        if (step < 1 || (n - 1) * step >= source.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(step), $"{n} elements {step} apart do not fit in a source of {source.Length}");
        }

        int done = 0;
        if (step == 2 && Unsafe.SizeOf<T>() == 8)
        {
            done = EvensOf64(MemoryMarshal.Cast<T, ulong>(source), MemoryMarshal.Cast<T, ulong>(destination));
        }
        else if (step == 2 && Unsafe.SizeOf<T>() == 4)
        {
            done = EvensOf32(MemoryMarshal.Cast<T, uint>(source), MemoryMarshal.Cast<T, uint>(destination));
        }

        ref T s = ref MemoryMarshal.GetReference(source);
        for (int k = done; k < n; k++)
        {
            destination[k] = Unsafe.Add(ref s, (nint)(k * step));
        }
    }

    /// <summary>The even elements of 64-bit lanes, a whole vector at a time; returns how many were written (the rest is
    /// left to the scalar loop: a vector step reads two full vectors, which the last element may not have).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int EvensOf64(ReadOnlySpan<ulong> source, Span<ulong> destination)
    {
        ref ulong s = ref MemoryMarshal.GetReference(source);
        ref ulong d = ref MemoryMarshal.GetReference(destination);
        int n = destination.Length;
        int k = 0;
        if (Avx512F.IsSupported)
        {
            Vector512<ulong> evens = Vector512.Create(0UL, 2, 4, 6, 8, 10, 12, 14);
            for (; k + 8 <= n && (2 * k) + 16 <= source.Length; k += 8)
            {
                Vector512<ulong> lo = Vector512.LoadUnsafe(ref s, (nuint)(2 * k));
                Vector512<ulong> hi = Vector512.LoadUnsafe(ref s, (nuint)((2 * k) + 8));
                Avx512F.PermuteVar8x64x2(lo, evens, hi).StoreUnsafe(ref d, (nuint)k);
            }
        }
        else if (Avx2.IsSupported)
        {
            for (; k + 4 <= n && (2 * k) + 8 <= source.Length; k += 4)
            {
                Vector256<double> lo = Vector256.LoadUnsafe(ref s, (nuint)(2 * k)).AsDouble();
                Vector256<double> hi = Vector256.LoadUnsafe(ref s, (nuint)((2 * k) + 4)).AsDouble();
                // [lo0, hi0, lo2, hi2], then lanes 0, 2, 1, 3: [lo0, lo2, hi0, hi2].
                Vector256<double> mixed = Avx.Shuffle(lo, hi, 0b0000);
                Avx2.Permute4x64(mixed, 0b11_01_10_00).AsUInt64().StoreUnsafe(ref d, (nuint)k);
            }
        }

        return k;
    }

    /// <summary>The even elements of 32-bit lanes; as <see cref="EvensOf64"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int EvensOf32(ReadOnlySpan<uint> source, Span<uint> destination)
    {
        ref uint s = ref MemoryMarshal.GetReference(source);
        ref uint d = ref MemoryMarshal.GetReference(destination);
        int n = destination.Length;
        int k = 0;
        if (Avx512F.IsSupported)
        {
            Vector512<uint> evens = Vector512.Create(0u, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; k + 16 <= n && (2 * k) + 32 <= source.Length; k += 16)
            {
                Vector512<uint> lo = Vector512.LoadUnsafe(ref s, (nuint)(2 * k));
                Vector512<uint> hi = Vector512.LoadUnsafe(ref s, (nuint)((2 * k) + 16));
                Avx512F.PermuteVar16x32x2(lo, evens, hi).StoreUnsafe(ref d, (nuint)k);
            }
        }
        else if (Avx2.IsSupported)
        {
            for (; k + 8 <= n && (2 * k) + 16 <= source.Length; k += 8)
            {
                Vector256<float> lo = Vector256.LoadUnsafe(ref s, (nuint)(2 * k)).AsSingle();
                Vector256<float> hi = Vector256.LoadUnsafe(ref s, (nuint)((2 * k) + 8)).AsSingle();
                // Per 128-bit lane [lo0, lo2, hi0, hi2 | lo4, lo6, hi4, hi6], then 32-bit lanes 0, 1, 4, 5, 2, 3, 6, 7.
                Vector256<float> mixed = Avx.Shuffle(lo, hi, 0b10_00_10_00);
                Avx2.PermuteVar8x32(mixed, Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7)).AsUInt32().StoreUnsafe(ref d, (nuint)k);
            }
        }

        return k;
    }
}
