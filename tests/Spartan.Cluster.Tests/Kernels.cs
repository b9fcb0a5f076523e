namespace Spartan.Cluster.Tests;

/// <summary>User kernels for the cluster tests. They live in a plain class (no test framework types), as a user's
/// kernels would: the workers load this assembly as shipped by the driver, and never have xunit.</summary>
public static class Kernels
{
    /// <summary>A kernel that fails in the worker.</summary>
    public static NDArray Boom(NDArray tile) => throw new InvalidOperationException("boom from the kernel");

    /// <summary>A map whose lambda captures a double, an array, a string and a Shape.</summary>
    public static Expr ScaleAndShift(Expr x, double scale, long[] offsets, string label, Shape shape) =>
        Sp.Map(x, tile =>
        {
            Span<double> s = tile.AsSpan<double>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (s[i] * scale) + offsets[i % offsets.Length] + label.Length + shape.Rank;
            }

            return tile;
        });

    /// <summary>A map that uses where its tile lies (captures an int).</summary>
    public static Expr AddRowIndex(Expr x, int factor) =>
        Sp.MapWithLocation(x, (tile, extent) =>
        {
            Span<double> s = tile.AsSpan<double>();
            long cols = tile.Shape.Rank > 1 ? tile.Shape[1] : 1;
            for (int i = 0; i < s.Length; i++)
            {
                s[i] += factor * (extent.Ul[0] + (i / cols));
            }

            return tile;
        });

    /// <summary>A user reduction: per tile, how many elements exceed a captured threshold (combined with Add).</summary>
    public static Expr CountAbove(Expr x, double threshold) =>
        Sp.Reduce(x, null, (tile, _) =>
        {
            long n = 0;
            foreach (double v in tile.AsSpan<double>())
            {
                n += v > threshold ? 1 : 0;
            }

            return NDArray.From([n], Shape.Scalar);
        }, ReduceOp.Add, DType.Int64);

    /// <summary>A map with some work per element (about <paramref name="rounds"/> multiply-adds), so that an
    /// evaluation lasts long enough to lose a worker in the middle of it.</summary>
    public static Expr Churn(Expr x, int rounds) =>
        Sp.Map(x, tile =>
        {
            var o = NDArray.Empty(tile.Shape, DType.Float64);
            ReadOnlySpan<double> src = tile.AsSpan<double>();
            Span<double> dst = o.AsSpan<double>();
            for (int i = 0; i < src.Length; i++)
            {
                double v = src[i];
                for (int r = 0; r < rounds; r++)
                {
                    v = (v * 0.999) + 0.0005;
                }

                dst[i] = v;
            }

            return o;
        });
}
