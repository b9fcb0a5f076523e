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
        if (step == 2 && Unsafe.SizeOf<T>() is 4 or 8)
        {
            done = Evens(source, destination);
        }

        ref T s = ref MemoryMarshal.GetReference(source);
        for (int k = done; k < n; k++)
        {
            destination[k] = Unsafe.Add(ref s, (nint)(k * step));
        }
    }

    /// <summary>The even elements, a whole vector at a time (T of 4 or 8 bytes); returns how many were written (the rest
    /// is left to the scalar loop: a vector step reads two full vectors, which the last element may not have).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Evens<T>(ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged
    {
        ref T s = ref MemoryMarshal.GetReference(source);
        ref T d = ref MemoryMarshal.GetReference(destination);
        int n = destination.Length;
        int k = 0;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            int c = Vector512<T>.Count;
            for (; k + c <= n && (2 * k) + (2 * c) <= source.Length; k += c)
            {
                Evens512(ref Unsafe.Add(ref s, 2 * k)).StoreUnsafe(ref d, (nuint)k);
            }
        }
        else if (Avx2.IsSupported)
        {
            int c = Vector256<T>.Count;
            for (; k + c <= n && (2 * k) + (2 * c) <= source.Length; k += c)
            {
                Evens256(ref Unsafe.Add(ref s, 2 * k)).StoreUnsafe(ref d, (nuint)k);
            }
        }

        return k;
    }

    /// <summary>Elements 0, 2, 4, … of the 2·Vector256&lt;T&gt;.Count elements at <paramref name="source"/>, for 4- and
    /// 8-byte T (two loads and two shuffles with AVX2; element by element otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Evens256<T>(ref T source)
        where T : unmanaged
    {
        if (Avx2.IsSupported && Unsafe.SizeOf<T>() == 8)
        {
            Vector256<double> lo = Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref source));
            Vector256<double> hi = Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref source), 4);
            // [lo0, hi0, lo2, hi2], then lanes 0, 2, 1, 3: [lo0, lo2, hi0, hi2].
            return Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0b0000), 0b11_01_10_00).As<double, T>();
        }

        if (Avx2.IsSupported && Unsafe.SizeOf<T>() == 4)
        {
            Vector256<float> lo = Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref source));
            Vector256<float> hi = Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref source), 8);
            // Per 128-bit lane [lo0, lo2, hi0, hi2 | lo4, lo6, hi4, hi6], then 32-bit lanes 0, 1, 4, 5, 2, 3, 6, 7.
            Vector256<float> mixed = Avx.Shuffle(lo, hi, 0b10_00_10_00);
            return Avx2.PermuteVar8x32(mixed, Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7)).As<float, T>();
        }

        Span<T> e = stackalloc T[Vector256<T>.Count];
        for (int k = 0; k < e.Length; k++)
        {
            e[k] = Unsafe.Add(ref source, 2 * k);
        }

        return Vector256.Create<T>(e);
    }

    /// <summary>Elements 0, 2, 4, … of the 2·Vector512&lt;T&gt;.Count elements at <paramref name="source"/>, for 4- and
    /// 8-byte T (two loads and one two-source permute with AVX-512; element by element otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Evens512<T>(ref T source)
        where T : unmanaged
    {
        if (Avx512F.IsSupported && Unsafe.SizeOf<T>() == 8)
        {
            Vector512<ulong> lo = Vector512.LoadUnsafe(ref Unsafe.As<T, ulong>(ref source));
            Vector512<ulong> hi = Vector512.LoadUnsafe(ref Unsafe.As<T, ulong>(ref source), 8);
            return Avx512F.PermuteVar8x64x2(lo, Vector512.Create(0UL, 2, 4, 6, 8, 10, 12, 14), hi).As<ulong, T>();
        }

        if (Avx512F.IsSupported && Unsafe.SizeOf<T>() == 4)
        {
            Vector512<uint> lo = Vector512.LoadUnsafe(ref Unsafe.As<T, uint>(ref source));
            Vector512<uint> hi = Vector512.LoadUnsafe(ref Unsafe.As<T, uint>(ref source), 16);
            return Avx512F.PermuteVar16x32x2(lo, Vector512.Create(0u, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), hi).As<uint, T>();
        }

        Span<T> e = stackalloc T[Vector512<T>.Count];
        for (int k = 0; k < e.Length; k++)
        {
            e[k] = Unsafe.Add(ref source, 2 * k);
        }

        return Vector512.Create<T>(e);
    }
}
