using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;

namespace Spartan.Kernels.Scans;

/// <summary>
/// Inclusive scans (running sum, product, maximum, minimum) with a carry in. The order of a scan is part of its
/// contract, so that float results are bit-identical on every instruction set:
/// <list type="number">
/// <item>the span is cut into blocks of L = 32 / sizeof(T) elements (one 256-bit vector), counted from its start;</item>
/// <item>inside a block, a Hillis-Steele scan: for s = 1, 2, 4, ... &lt; L, lane i (i ≥ s) becomes op(lane i-s, lane i);</item>
/// <item>the block's output is op(carry, lane i), and the carry becomes the block's last output;</item>
/// <item>the tail (fewer than L elements) is scanned one element at a time: carry = op(carry, x[i]).</item>
/// </list>
/// The SIMD path holds a block in one register, so the only serial dependency is one op per block; the scalar path
/// emulates the same lanes. Max and min propagate NaN (the operators do), so every output after a NaN is NaN.
/// </summary>
public static class Scan
{
    /// <summary>d[i] = carry op x[0] op ... op x[i], in the fixed block order; returns the last output (or
    /// <paramref name="carry"/> for an empty span). <paramref name="d"/> may be <paramref name="x"/> itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Inclusive<T, TOp>(ReadOnlySpan<T> x, Span<T> d, T carry)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        if (d.Length != x.Length)
        {
            throw new ArgumentException($"span length {x.Length} does not match the destination length {d.Length}", nameof(d));
        }

        int n = x.Length;
        int lanes = 32 / Unsafe.SizeOf<T>();
        int full = n - n % lanes;
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int i = 0;
        if (full > 0)
        {
            if (TOp.Vectorizable && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && (lanes == 4 || lanes == 8))
            {
                carry = lanes == 4 ? Blocks4<T, TOp>(ref xs, ref ds, full, carry) : Blocks8<T, TOp>(ref xs, ref ds, full, carry);
            }
            else
            {
                carry = BlocksScalar<T, TOp>(ref xs, ref ds, full, lanes, carry);
            }

            i = full;
        }

        for (; i < n; i++)
        {
            carry = TOp.Invoke(carry, Unsafe.Add(ref xs, i));
            Unsafe.Add(ref ds, i) = carry;
        }

        return carry;
    }

    /// <summary>The scan along the outer axis of a row-major (rows, width) block: row r of <paramref name="d"/> is
    /// carry op x[0] op ... op x[r], elementwise across the row (vectorized across the row). <paramref name="carry"/>
    /// (length width) is updated to the last row. <paramref name="d"/> may be <paramref name="x"/> itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows<T, TOp>(ReadOnlySpan<T> x, Span<T> d, Span<T> carry, int width)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        if (d.Length != x.Length || carry.Length != width || (width == 0 ? x.Length != 0 : x.Length % width != 0))
        {
            throw new ArgumentException($"row scan of {x.Length} elements into {d.Length} with carry {carry.Length} and width {width} does not fit", nameof(d));
        }

        if (width == 0)
        {
            return;
        }

        for (int r = 0; r < x.Length; r += width)
        {
            Span<T> row = d.Slice(r, width);
            Elementwise.Binary<T, TOp>(carry, x.Slice(r, width), row);
            row.CopyTo(carry);
        }
    }

    /// <summary>Folds <paramref name="x"/> into <paramref name="acc"/> sequentially: acc = acc op x[0] op x[1] ... (the
    /// combine of tile totals in tile order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Fold<T, TOp>(ReadOnlySpan<T> x, T acc)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        foreach (T v in x)
        {
            acc = TOp.Invoke(acc, v);
        }

        return acc;
    }

    private static T Blocks4<T, TOp>(ref T xs, ref T ds, int full, T carry)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        Vector256<long> sh1 = Vector256.Create(0L, 0, 1, 2), sh2 = Vector256.Create(0L, 0, 0, 1), last = Vector256.Create(3L);
        Vector256<T> m1 = Vector256.Create(0L, -1, -1, -1).As<long, T>(), m2 = Vector256.Create(0L, 0, -1, -1).As<long, T>();
        Vector256<T> c = Vector256.Create(carry);
        for (int i = 0; i < full; i += 4)
        {
            Vector256<T> v = Vector256.LoadUnsafe(ref xs, (nuint)i);
            v = Vector256.ConditionalSelect(m1, TOp.Invoke(Vector256.Shuffle(v.As<T, long>(), sh1).As<long, T>(), v), v);
            v = Vector256.ConditionalSelect(m2, TOp.Invoke(Vector256.Shuffle(v.As<T, long>(), sh2).As<long, T>(), v), v);
            Vector256<T> top = Vector256.Shuffle(v.As<T, long>(), last).As<long, T>();
            TOp.Invoke(c, v).StoreUnsafe(ref ds, (nuint)i);
            c = TOp.Invoke(c, top);
        }

        return c.GetElement(0);
    }

    private static T Blocks8<T, TOp>(ref T xs, ref T ds, int full, T carry)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        Vector256<int> sh1 = Vector256.Create(0, 0, 1, 2, 3, 4, 5, 6), sh2 = Vector256.Create(0, 0, 0, 1, 2, 3, 4, 5);
        Vector256<int> sh4 = Vector256.Create(0, 0, 0, 0, 0, 1, 2, 3), last = Vector256.Create(7);
        Vector256<T> m1 = Vector256.Create(0, -1, -1, -1, -1, -1, -1, -1).As<int, T>();
        Vector256<T> m2 = Vector256.Create(0, 0, -1, -1, -1, -1, -1, -1).As<int, T>();
        Vector256<T> m4 = Vector256.Create(0, 0, 0, 0, -1, -1, -1, -1).As<int, T>();
        Vector256<T> c = Vector256.Create(carry);
        for (int i = 0; i < full; i += 8)
        {
            Vector256<T> v = Vector256.LoadUnsafe(ref xs, (nuint)i);
            v = Vector256.ConditionalSelect(m1, TOp.Invoke(Vector256.Shuffle(v.As<T, int>(), sh1).As<int, T>(), v), v);
            v = Vector256.ConditionalSelect(m2, TOp.Invoke(Vector256.Shuffle(v.As<T, int>(), sh2).As<int, T>(), v), v);
            v = Vector256.ConditionalSelect(m4, TOp.Invoke(Vector256.Shuffle(v.As<T, int>(), sh4).As<int, T>(), v), v);
            Vector256<T> top = Vector256.Shuffle(v.As<T, int>(), last).As<int, T>();
            TOp.Invoke(c, v).StoreUnsafe(ref ds, (nuint)i);
            c = TOp.Invoke(c, top);
        }

        return c.GetElement(0);
    }

    private static T BlocksScalar<T, TOp>(ref T xs, ref T ds, int full, int lanes, T carry)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        Span<T> v = stackalloc T[lanes];
        for (int i = 0; i < full; i += lanes)
        {
            for (int j = 0; j < lanes; j++)
            {
                v[j] = Unsafe.Add(ref xs, i + j);
            }

            for (int s = 1; s < lanes; s *= 2)
            {
                for (int j = lanes - 1; j >= s; j--)
                {
                    v[j] = TOp.Invoke(v[j - s], v[j]);
                }
            }

            for (int j = 0; j < lanes; j++)
            {
                Unsafe.Add(ref ds, i + j) = TOp.Invoke(carry, v[j]);
            }

            carry = TOp.Invoke(carry, v[lanes - 1]);
        }

        return carry;
    }
}
