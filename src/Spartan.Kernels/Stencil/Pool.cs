using System.Numerics;
using System.Runtime.CompilerServices;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;

namespace Spartan.Kernels.Stencil;

/// <summary>Max pooling of one output row over input lines (no padding): dst[j] is the maximum of the KH x KW window
/// whose top-left element is column j*stride of line 0. NaN propagates (the first NaN met wins), as NumPy's max.</summary>
public static class Pool
{
    /// <summary>Computes one output row.</summary>
    /// <param name="lines">The buffer holding the input lines.</param>
    /// <param name="starts">Where line a (0 &lt;= a &lt; KH) starts in <paramref name="lines"/>.</param>
    /// <param name="kw">Window width.</param>
    /// <param name="stride">Column step between windows (at least 1).</param>
    /// <param name="scratch">Working space of at least (dst.Length - 1) * stride + kw elements (the column maxima).</param>
    /// <param name="dst">The output row.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxRow<T>(ReadOnlySpan<T> lines, ReadOnlySpan<int> starts, int kw, int stride, Span<T> scratch, Span<T> dst)
        where T : unmanaged, INumber<T>
    {
        if (starts.Length == 0 || kw <= 0)
        {
            throw new ArgumentException($"a {starts.Length}x{kw} pooling window is empty", nameof(kw));
        }

        if (stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be at least 1");
        }

        if (dst.Length == 0)
        {
            return;
        }

        int need = ((dst.Length - 1) * stride) + kw;
        if (scratch.Length < need)
        {
            throw new ArgumentException($"scratch of {scratch.Length} elements, {need} needed", nameof(scratch));
        }

        // Column maxima over the window's lines (SIMD), then the maximum of each window of them.
        Span<T> col = scratch[..need];
        lines.Slice(starts[0], need).CopyTo(col);
        for (int a = 1; a < starts.Length; a++)
        {
            Elementwise.Binary<T, MaximumOperator<T>>(col, lines.Slice(starts[a], need), col);
        }

        if (kw == 1 && stride == 1)
        {
            col.CopyTo(dst);
            return;
        }

        for (int j = 0; j < dst.Length; j++)
        {
            ReadOnlySpan<T> w = col.Slice(j * stride, kw);
            T m = w[0];
            for (int b = 1; b < w.Length; b++)
            {
                m = MaximumOperator<T>.Invoke(m, w[b]);
            }

            dst[j] = m;
        }
    }
}
