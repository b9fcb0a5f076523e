using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Spartan.Kernels.Stencil;

/// <summary>
/// 2-d correlation of one output row with a small KH x KW filter, over input lines that already include their halo
/// (the caller fills the padding). Output element j reads columns j*stride .. j*stride + KW - 1 of each of the KH lines:
/// dst[j] = sum over a &lt; KH, b &lt; KW (a-major, b-minor) of filter[a*KW + b] * line_a[j*stride + b]. This is a
/// correlation (no flip), as scipy.ndimage.correlate and the original Spartan stencil; convolve flips the filter first.
/// Every path (Vector512, Vector256, scalar) adds the terms in the same order, so the results are bit-identical.
/// </summary>
public static class Correlate
{
    /// <summary>Computes one output row.</summary>
    /// <param name="lines">The buffer holding the input lines.</param>
    /// <param name="starts">Where line a (0 &lt;= a &lt; KH) starts in <paramref name="lines"/>.</param>
    /// <param name="filter">The filter, row-major, KH * KW elements.</param>
    /// <param name="kw">Filter width; the height is <paramref name="starts"/>.Length.</param>
    /// <param name="stride">Column step between output elements (at least 1).</param>
    /// <param name="dst">The output row.</param>
    /// <param name="accumulate">Add to <paramref name="dst"/> (dst + sum) instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row<T>(ReadOnlySpan<T> lines, ReadOnlySpan<int> starts, ReadOnlySpan<T> filter, int kw, int stride, Span<T> dst, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        int kh = starts.Length;
        if (kh <= 0 || kw <= 0 || filter.Length != kh * kw)
        {
            throw new ArgumentException($"filter of {filter.Length} elements does not match {kh}x{kw}", nameof(filter));
        }

        if (stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be at least 1");
        }

        if (dst.Length == 0)
        {
            return;
        }

        long need = ((long)(dst.Length - 1) * stride) + kw;
        foreach (int s in starts)
        {
            if (s < 0 || s + need > lines.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(starts), s, $"a line at {s} needs {need} elements but the buffer holds {lines.Length}");
            }
        }

        if (stride == 1 && kh == 3 && kw == 3)
        {
            ref T buf = ref MemoryMarshal.GetReference(lines);
            Row3x3(ref Unsafe.Add(ref buf, starts[0]), ref Unsafe.Add(ref buf, starts[1]), ref Unsafe.Add(ref buf, starts[2]), filter, dst, accumulate);
        }
        else if (stride == 1)
        {
            RowGeneral(lines, starts, filter, kw, dst, accumulate);
        }
        else
        {
            int done = 0;
            ScalarTail(lines, starts, filter, kw, stride, dst, accumulate, ref done);
        }
    }

    /// <summary>One output row of a 3x3 filter at stride 1 from three separate lines (for instance rows of the image
    /// itself, read in place): dst[j] (+)= sum over a, b &lt; 3 of filter[3a + b] * line_a[j + b], with the same
    /// arithmetic as <see cref="Row{T}"/>.</summary>
    /// <param name="line0">The first line, at least dst.Length + 2 elements.</param>
    /// <param name="line1">The second line.</param>
    /// <param name="line2">The third line.</param>
    /// <param name="filter">The 3x3 filter, row-major.</param>
    /// <param name="dst">The output row.</param>
    /// <param name="accumulate">Add to <paramref name="dst"/> instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row3<T>(ReadOnlySpan<T> line0, ReadOnlySpan<T> line1, ReadOnlySpan<T> line2, ReadOnlySpan<T> filter, Span<T> dst, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        if (filter.Length != 9)
        {
            throw new ArgumentException($"a 3x3 filter has 9 elements, got {filter.Length}", nameof(filter));
        }

        if (dst.Length == 0)
        {
            return;
        }

        int need = dst.Length + 2;
        if (line0.Length < need || line1.Length < need || line2.Length < need)
        {
            throw new ArgumentException($"3x3 lines need {need} elements, got {line0.Length}, {line1.Length}, {line2.Length}", nameof(line0));
        }

        Row3x3(ref MemoryMarshal.GetReference(line0), ref MemoryMarshal.GetReference(line1), ref MemoryMarshal.GetReference(line2), filter, dst, accumulate);
    }

    /// <summary>The 3x3, stride-1 path: nine coefficients held in registers, three lines streamed once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row3x3<T>(ref T l0, ref T l1, ref T l2, ReadOnlySpan<T> f, Span<T> dst, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        ref T d = ref MemoryMarshal.GetReference(dst);
        int n = dst.Length, j = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            Vector512<T> c00 = Vector512.Create(f[0]), c01 = Vector512.Create(f[1]), c02 = Vector512.Create(f[2]);
            Vector512<T> c10 = Vector512.Create(f[3]), c11 = Vector512.Create(f[4]), c12 = Vector512.Create(f[5]);
            Vector512<T> c20 = Vector512.Create(f[6]), c21 = Vector512.Create(f[7]), c22 = Vector512.Create(f[8]);
            for (; j <= n - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                nuint x = (nuint)j;
                Vector512<T> s = c00 * Vector512.LoadUnsafe(ref l0, x);
                s += c01 * Vector512.LoadUnsafe(ref l0, x + 1);
                s += c02 * Vector512.LoadUnsafe(ref l0, x + 2);
                s += c10 * Vector512.LoadUnsafe(ref l1, x);
                s += c11 * Vector512.LoadUnsafe(ref l1, x + 1);
                s += c12 * Vector512.LoadUnsafe(ref l1, x + 2);
                s += c20 * Vector512.LoadUnsafe(ref l2, x);
                s += c21 * Vector512.LoadUnsafe(ref l2, x + 1);
                s += c22 * Vector512.LoadUnsafe(ref l2, x + 2);
                if (accumulate)
                {
                    s = Vector512.LoadUnsafe(ref d, x) + s;
                }

                s.StoreUnsafe(ref d, x);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            Vector256<T> c00 = Vector256.Create(f[0]), c01 = Vector256.Create(f[1]), c02 = Vector256.Create(f[2]);
            Vector256<T> c10 = Vector256.Create(f[3]), c11 = Vector256.Create(f[4]), c12 = Vector256.Create(f[5]);
            Vector256<T> c20 = Vector256.Create(f[6]), c21 = Vector256.Create(f[7]), c22 = Vector256.Create(f[8]);
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                nuint x = (nuint)j;
                Vector256<T> s = c00 * Vector256.LoadUnsafe(ref l0, x);
                s += c01 * Vector256.LoadUnsafe(ref l0, x + 1);
                s += c02 * Vector256.LoadUnsafe(ref l0, x + 2);
                s += c10 * Vector256.LoadUnsafe(ref l1, x);
                s += c11 * Vector256.LoadUnsafe(ref l1, x + 1);
                s += c12 * Vector256.LoadUnsafe(ref l1, x + 2);
                s += c20 * Vector256.LoadUnsafe(ref l2, x);
                s += c21 * Vector256.LoadUnsafe(ref l2, x + 1);
                s += c22 * Vector256.LoadUnsafe(ref l2, x + 2);
                if (accumulate)
                {
                    s = Vector256.LoadUnsafe(ref d, x) + s;
                }

                s.StoreUnsafe(ref d, x);
            }
        }

        for (; j < n; j++)
        {
            T s = f[0] * Unsafe.Add(ref l0, j);
            s += f[1] * Unsafe.Add(ref l0, j + 1);
            s += f[2] * Unsafe.Add(ref l0, j + 2);
            s += f[3] * Unsafe.Add(ref l1, j);
            s += f[4] * Unsafe.Add(ref l1, j + 1);
            s += f[5] * Unsafe.Add(ref l1, j + 2);
            s += f[6] * Unsafe.Add(ref l2, j);
            s += f[7] * Unsafe.Add(ref l2, j + 1);
            s += f[8] * Unsafe.Add(ref l2, j + 2);
            Unsafe.Add(ref d, j) = accumulate ? Unsafe.Add(ref d, j) + s : s;
        }
    }

    /// <summary>Any KH x KW at stride 1: one accumulator vector per output block, coefficients broadcast in turn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowGeneral<T>(ReadOnlySpan<T> lines, ReadOnlySpan<int> starts, ReadOnlySpan<T> f, int kw, Span<T> dst, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        ref T buf = ref MemoryMarshal.GetReference(lines);
        ref T d = ref MemoryMarshal.GetReference(dst);
        int n = dst.Length, kh = starts.Length, j = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (; j <= n - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                Vector512<T> s = Vector512<T>.Zero;
                bool first = true;
                for (int a = 0; a < kh; a++)
                {
                    ref T la = ref Unsafe.Add(ref buf, starts[a] + j);
                    for (int b = 0; b < kw; b++)
                    {
                        Vector512<T> t = Vector512.Create(f[(a * kw) + b]) * Vector512.LoadUnsafe(ref la, (nuint)b);
                        s = first ? t : s + t;
                        first = false;
                    }
                }

                if (accumulate)
                {
                    s = Vector512.LoadUnsafe(ref d, (nuint)j) + s;
                }

                s.StoreUnsafe(ref d, (nuint)j);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                Vector256<T> s = Vector256<T>.Zero;
                bool first = true;
                for (int a = 0; a < kh; a++)
                {
                    ref T la = ref Unsafe.Add(ref buf, starts[a] + j);
                    for (int b = 0; b < kw; b++)
                    {
                        Vector256<T> t = Vector256.Create(f[(a * kw) + b]) * Vector256.LoadUnsafe(ref la, (nuint)b);
                        s = first ? t : s + t;
                        first = false;
                    }
                }

                if (accumulate)
                {
                    s = Vector256.LoadUnsafe(ref d, (nuint)j) + s;
                }

                s.StoreUnsafe(ref d, (nuint)j);
            }
        }

        ScalarTail(lines, starts, f, kw, 1, dst, accumulate, ref j);
    }

    /// <summary>Output elements from <paramref name="j"/> on, one at a time, in the same term order as the vector paths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarTail<T>(ReadOnlySpan<T> lines, ReadOnlySpan<int> starts, ReadOnlySpan<T> f, int kw, int stride, Span<T> dst, bool accumulate, ref int j)
        where T : unmanaged, INumber<T>
    {
        int kh = starts.Length;
        for (; j < dst.Length; j++)
        {
            int x = j * stride;
            T s = f[0] * lines[starts[0] + x];
            for (int a = 0; a < kh; a++)
            {
                ReadOnlySpan<T> la = lines.Slice(starts[a] + x, kw);
                for (int b = a == 0 ? 1 : 0; b < kw; b++)
                {
                    s += f[(a * kw) + b] * la[b];
                }
            }

            dst[j] = accumulate ? dst[j] + s : s;
        }
    }
}
