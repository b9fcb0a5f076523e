using System.Globalization;
using System.Runtime.InteropServices;

namespace Spartan.Tests;

/// <summary>
/// A reference n-d array with NumPy semantics, computed in plain C# loops and never by Spartan: the expected side
/// of <see cref="Oracle.AssertEq"/>. Integers and bools are held exactly as long (bools 0/1), floats as double.
/// An optional per-element tolerance overrides the default (used for sums: 1e-12 * sum|x|).
/// </summary>
internal sealed class Ref
{
    private Ref(DType dtype, long[] shape, long[]? ints, double[]? floats, double[]? tolerance)
    {
        DType = dtype;
        Shape = shape;
        Ints = ints;
        Floats = floats;
        Tolerance = tolerance;
    }

    public DType DType { get; }

    public long[] Shape { get; }

    /// <summary>Values of a bool or integer array (bools as 0/1).</summary>
    public long[]? Ints { get; }

    /// <summary>Values of a float array.</summary>
    public double[]? Floats { get; }

    /// <summary>Absolute tolerance per element (floats only); null means the default relative tolerance.</summary>
    public double[]? Tolerance { get; }

    public int Rank => Shape.Length;

    public long Size => SizeOf(Shape);

    public bool IsFloat => DType is DType.Float32 or DType.Float64;

    public static long SizeOf(long[] shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n *= d;
        }

        return n;
    }

    public static Ref Of(DType dtype, long[] shape, long[] values) =>
        dtype is DType.Float32 or DType.Float64 ? Of(dtype, shape, values.Select(v => (double)v).ToArray()) : new(dtype, shape, Wrap(dtype, values), null, null);

    public static Ref Of(DType dtype, long[] shape, double[] values, double[]? tolerance = null)
    {
        if (values.LongLength != SizeOf(shape))
        {
            throw new ArgumentException($"{values.Length} values for shape [{string.Join(",", shape)}]");
        }

        return dtype switch
        {
            DType.Float64 => new(dtype, shape, null, values, tolerance),
            DType.Float32 => new(dtype, shape, null, values.Select(v => (double)(float)v).ToArray(), tolerance),
            // NumPy's astype: floats truncate toward zero; bool is "non-zero".
            DType.Bool => new(dtype, shape, values.Select(v => v != 0 ? 1L : 0L).ToArray(), null, null),
            _ => new(dtype, shape, Wrap(dtype, values.Select(v => (long)v).ToArray()), null, null),
        };
    }

    public static Ref Bools(long[] shape, bool[] values) => new(DType.Bool, shape, values.Select(b => b ? 1L : 0L).ToArray(), null, null);

    /// <summary>An array whose element at each index is <paramref name="f"/>(index).</summary>
    public static Ref Make(DType dtype, long[] shape, Func<long[], double> f)
    {
        var v = new double[SizeOf(shape)];
        ForEachIndex(shape, (flat, idx) => v[flat] = f(idx));
        return Of(dtype, shape, v);
    }

    /// <summary>An integer array whose element at each index is <paramref name="f"/>(index).</summary>
    public static Ref MakeInt(DType dtype, long[] shape, Func<long[], long> f)
    {
        var v = new long[SizeOf(shape)];
        ForEachIndex(shape, (flat, idx) => v[flat] = f(idx));
        return Of(dtype, shape, v);
    }

    /// <summary>Deterministic test data: floats in [lo, hi), integers in [lo, hi), bools at random.</summary>
    public static Ref Random(DType dtype, long[] shape, int seed, double lo = -10, double hi = 10)
    {
        var rng = new Random(seed);
        long n = SizeOf(shape);
        if (dtype is DType.Float32 or DType.Float64)
        {
            return Of(dtype, shape, Enumerable.Range(0, (int)n).Select(_ => lo + (rng.NextDouble() * (hi - lo))).ToArray());
        }

        if (dtype == DType.Bool)
        {
            return Of(dtype, shape, Enumerable.Range(0, (int)n).Select(_ => (long)rng.Next(2)).ToArray());
        }

        return Of(dtype, shape, Enumerable.Range(0, (int)n).Select(_ => rng.NextInt64((long)lo, (long)hi)).ToArray());
    }

    public double D(long i) => Floats is { } f ? f[i] : Ints![i];

    public long L(long i) => Ints is { } v ? v[i] : (long)Floats![i];

    /// <summary>The value at a multi-index.</summary>
    public double At(params long[] index) => D(Flat(Shape, index));

    /// <summary>A Spartan copy of this array (the input side of a test).</summary>
    public Expr ToExpr(Shape? tileHint = null) => Sp.FromArray(ToNDArray(), tileHint: tileHint);

    public NDArray ToNDArray()
    {
        var shape = new Shape(Shape);
        return DType switch
        {
            DType.Bool => NDArray.From(Ints!.Select(v => v != 0).ToArray(), shape),
            DType.Int32 => NDArray.From(Ints!.Select(v => (int)v).ToArray(), shape),
            DType.Int64 => NDArray.From(Ints!.ToArray(), shape),
            DType.Float32 => NDArray.From(Floats!.Select(v => (float)v).ToArray(), shape),
            _ => NDArray.From(Floats!.ToArray(), shape),
        };
    }

    /// <summary>Elementwise float function, result of <paramref name="dtype"/>.</summary>
    public Ref Map(DType dtype, Func<double, double> f) => Of(dtype, Shape, Enumerable.Range(0, (int)Size).Select(i => f(D(i))).ToArray());

    /// <summary>Elementwise integer function (wrapping), result of <paramref name="dtype"/>.</summary>
    public Ref MapInt(DType dtype, Func<long, long> f) => Of(dtype, Shape, Enumerable.Range(0, (int)Size).Select(i => f(L(i))).ToArray());

    /// <summary>A NumPy astype.</summary>
    public Ref AsType(DType dtype) => IsFloat ? Map(dtype, v => v) : MapInt(dtype, v => v);

    /// <summary>A broadcast binary float operation.</summary>
    public static Ref Zip(Ref a, Ref b, DType dtype, Func<double, double, double> f) =>
        ZipCore(a, b, (sh, ia, ib) => Of(dtype, sh, ia.Select((x, k) => f(a.D(x), b.D(ib[k]))).ToArray()));

    /// <summary>A broadcast binary integer operation (wrapping).</summary>
    public static Ref ZipInt(Ref a, Ref b, DType dtype, Func<long, long, long> f) =>
        ZipCore(a, b, (sh, ia, ib) => Of(dtype, sh, ia.Select((x, k) => f(a.L(x), b.L(ib[k]))).ToArray()));

    /// <summary>NumPy's broadcast shape, or null when the shapes do not broadcast.</summary>
    public static long[]? BroadcastShape(params long[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var r = new long[rank];
        for (int a = 0; a < rank; a++)
        {
            long d = 1;
            foreach (long[] s in shapes)
            {
                int j = a - (rank - s.Length);
                if (j < 0 || s[j] == 1 || s[j] == d)
                {
                    continue;
                }

                if (d != 1)
                {
                    return null;
                }

                d = s[j];
            }

            r[a] = d;
        }

        return r;
    }

    /// <summary>The flat index into an operand of shape <paramref name="operand"/> read by output index <paramref name="idx"/>.</summary>
    public static long BroadcastFlat(long[] operand, long[] idx)
    {
        long flat = 0;
        int off = idx.Length - operand.Length;
        for (int j = 0; j < operand.Length; j++)
        {
            flat = (flat * operand[j]) + (operand[j] == 1 ? 0 : idx[j + off]);
        }

        return flat;
    }

    /// <summary>
    /// A reduction over one axis (null: all) in NumPy's order: for each output element, <paramref name="f"/> gets the
    /// reduced values in row-major order. <paramref name="tolerance"/>, when given, sets the absolute tolerance.
    /// </summary>
    public Ref Reduce(int? axis, bool keepDims, DType dtype, Func<double[], double> f, Func<double[], double>? tolerance = null)
    {
        (long[] outShape, List<long>[] groups) = Groups(axis, keepDims);
        double[][] vals = groups.Select(g => g.Select(D).ToArray()).ToArray();
        return Of(dtype, outShape, vals.Select(f).ToArray(), tolerance is null ? null : vals.Select(tolerance).ToArray());
    }

    /// <summary>An integer reduction (exact, wrapping).</summary>
    public Ref ReduceInt(int? axis, bool keepDims, DType dtype, Func<long[], long> f)
    {
        (long[] outShape, List<long>[] groups) = Groups(axis, keepDims);
        return Of(dtype, outShape, groups.Select(g => f(g.Select(L).ToArray())).ToArray());
    }

    public static void ForEachIndex(long[] shape, Action<long, long[]> body)
    {
        long n = SizeOf(shape);
        var idx = new long[shape.Length];
        for (long flat = 0; flat < n; flat++)
        {
            body(flat, (long[])idx.Clone());
            for (int a = shape.Length - 1; a >= 0; a--)
            {
                if (++idx[a] < shape[a])
                {
                    break;
                }

                idx[a] = 0;
            }
        }
    }

    public static long Flat(long[] shape, long[] idx)
    {
        long flat = 0;
        for (int a = 0; a < shape.Length; a++)
        {
            flat = (flat * shape[a]) + idx[a];
        }

        return flat;
    }

    public override string ToString() =>
        $"{DType} [{string.Join(", ", Shape)}] {{{string.Join(", ", Enumerable.Range(0, (int)Math.Min(Size, 12)).Select(i => IsFloat ? D(i).ToString("R", CultureInfo.InvariantCulture) : L(i).ToString(CultureInfo.InvariantCulture)))}{(Size > 12 ? ", ..." : "")}}}";

    private (long[] OutShape, List<long>[] Groups) Groups(int? axis, bool keepDims)
    {
        int? ax = axis is int x ? (x < 0 ? x + Rank : x) : null;
        long[] outShape = Enumerable.Range(0, Rank)
            .Where(a => keepDims || (ax is int k && a != k))
            .Select(a => ax is null || a == ax ? (keepDims ? 1 : Shape[a]) : Shape[a])
            .ToArray();
        long[] outIter = Enumerable.Range(0, Rank).Select(a => ax is null || a == ax ? 1 : Shape[a]).ToArray();
        var groups = new List<long>[SizeOf(outShape)];
        for (int g = 0; g < groups.Length; g++)
        {
            groups[g] = [];
        }

        ForEachIndex(Shape, (flat, idx) =>
        {
            long[] o = idx.Select((v, a) => ax is null || a == ax ? 0 : v).ToArray();
            groups[Flat(outIter, o)].Add(flat);
        });
        return (outShape, groups);
    }

    private static Ref ZipCore(Ref a, Ref b, Func<long[], long[], long[], Ref> make)
    {
        long[] shape = BroadcastShape(a.Shape, b.Shape) ?? throw new ArgumentException("reference shapes do not broadcast");
        var ia = new long[SizeOf(shape)];
        var ib = new long[ia.Length];
        ForEachIndex(shape, (flat, idx) =>
        {
            ia[flat] = BroadcastFlat(a.Shape, idx);
            ib[flat] = BroadcastFlat(b.Shape, idx);
        });
        return make(shape, ia, ib);
    }

    private static long[] Wrap(DType dtype, long[] v) => dtype switch
    {
        DType.Int32 => v.Select(x => (long)unchecked((int)x)).ToArray(),
        DType.Bool => v.Select(x => x != 0 ? 1L : 0L).ToArray(),
        _ => v,
    };
}

/// <summary>
/// The assert_eq of this suite (after dask's): checks an expression's shape, dtype, values and, optionally, its tiling
/// against a <see cref="Ref"/> computed independently. Integers and bools must match exactly; floats within 1e-12
/// relative (float32: 1e-6), or within the reference's own tolerance (sums: 1e-12 * sum|x|). NaN matches NaN.
/// </summary>
internal static class Oracle
{
    /// <summary>Worker counts every check runs on.</summary>
    public static TheoryData<int> Workers => new() { 1, 3 };

    /// <summary>A local context whose default tiling splits even tiny arrays, so tile boundaries are always crossed.</summary>
    public static SpartanContext Start(int workers, bool optimize = true) =>
        SpartanContext.StartLocal(new SpartanOptions { Workers = workers, MinTileElements = 1, Optimize = optimize });

    public static void AssertEq(Expr actual, Ref expected, Shape? tiles = null, string? what = null)
    {
        string tag = what is null ? "" : $"[{what}] ";
        Assert.True(expected.Shape.SequenceEqual(actual.Shape.ToArray()), $"{tag}shape: expected ({string.Join(", ", expected.Shape)}), got {actual.Shape}");
        Assert.True(expected.DType == actual.DType, $"{tag}dtype: expected {expected.DType}, got {actual.DType}");

        DistArray d = actual.Evaluate();
        CheckTiles(d, tiles, tag);
        NDArray got = actual.Glom();
        Assert.True(expected.Shape.SequenceEqual(got.Shape.ToArray()), $"{tag}glom shape: expected ({string.Join(", ", expected.Shape)}), got {got.Shape}");
        Assert.Equal(expected.DType, got.DType);
        AssertValues(got, expected, tag);
    }

    /// <summary>Checks values only (shape and dtype too) of a local array.</summary>
    public static void AssertValues(NDArray got, Ref expected, string tag = "")
    {
        Assert.Equal(expected.DType, got.DType);
        long n = expected.Size;
        Assert.Equal(n, got.Size);
        switch (got.DType)
        {
            case DType.Bool:
            {
                // Bool is one byte, 0 or 1: check the bytes themselves, not just their truthiness.
                ReadOnlySpan<byte> raw = MemoryMarshal.AsBytes(got.AsSpan<bool>());
                for (int i = 0; i < n; i++)
                {
                    Assert.True(raw[i] == expected.Ints![i], $"{tag}element {i} of {Describe(expected, i)}: expected {expected.Ints![i]}, got byte {raw[i]}");
                }

                break;
            }

            case DType.Int32:
                CompareInts(got.AsSpan<int>().ToArray().Select(v => (long)v).ToArray(), expected, tag);
                break;
            case DType.Int64:
                CompareInts(got.AsSpan<long>().ToArray(), expected, tag);
                break;
            case DType.Float32:
                CompareFloats(got.AsSpan<float>().ToArray().Select(v => (double)v).ToArray(), expected, 1e-6, tag);
                break;
            default:
                CompareFloats(got.AsSpan<double>().ToArray(), expected, 1e-12, tag);
                break;
        }
    }

    /// <summary>Exact sum (Neumaier compensation is far below the 1e-12 * sum|x| tolerance).</summary>
    public static double ExactSum(IEnumerable<double> xs)
    {
        double s = 0, c = 0;
        foreach (double x in xs)
        {
            double t = s + x;
            c += Math.Abs(s) >= Math.Abs(x) ? (s - t) + x : (x - t) + s;
            s = t;
        }

        return s + c;
    }

    /// <summary>The tolerance of a float sum: 1e-12 * sum|x|.</summary>
    public static double SumTolerance(double[] xs) => 1e-12 * xs.Sum(Math.Abs);

    /// <summary>The extents a tile shape gives, row-major, as the grid a tile hint describes.</summary>
    public static List<(long[] Ul, long[] Lr)> ExpectedTiles(long[] shape, long[] tile)
    {
        long[] counts = shape.Select((n, a) => Math.Max(1, (n + tile[a] - 1) / tile[a])).ToArray();
        var list = new List<(long[], long[])>();
        Ref.ForEachIndex(counts, (_, c) => list.Add((
            c.Select((k, a) => Math.Min(shape[a], k * tile[a])).ToArray(),
            c.Select((k, a) => Math.Min(shape[a], (k + 1) * tile[a])).ToArray())));
        return list;
    }

    private static void CheckTiles(DistArray d, Shape? tiles, string tag)
    {
        long[] shape = d.Shape.ToArray();
        long covered = 0;
        foreach (TileInfo t in d.Tiles)
        {
            Assert.Equal(d.Shape, t.Extent.ArrayShape);
            covered += t.Extent.Size;
            Assert.InRange(t.Worker, 0, SpartanContext.Current.NumWorkers - 1);
        }

        Assert.True(covered == Ref.SizeOf(shape), $"{tag}tiles cover {covered} elements of {d.Shape}");
        if (tiles is Shape tile)
        {
            List<(long[] Ul, long[] Lr)> want = ExpectedTiles(shape, tile.ToArray());
            Assert.True(want.Count == d.Tiles.Count, $"{tag}tile hint {tile}: expected {want.Count} tiles, got {d.Tiles.Count}");
            for (int i = 0; i < want.Count; i++)
            {
                Assert.Equal(want[i].Ul, d.Tiles[i].Extent.Ul);
                Assert.Equal(want[i].Lr, d.Tiles[i].Extent.Lr);
            }
        }
    }

    private static void CompareInts(long[] got, Ref expected, string tag)
    {
        for (int i = 0; i < got.Length; i++)
        {
            if (got[i] != expected.Ints![i])
            {
                Assert.Fail($"{tag}element {i} of {Describe(expected, i)}: expected {expected.Ints[i]}, got {got[i]}");
            }
        }
    }

    private static void CompareFloats(double[] got, Ref expected, double rtol, string tag)
    {
        for (int i = 0; i < got.Length; i++)
        {
            double e = expected.Floats![i], g = got[i];
            if (double.IsNaN(e) || double.IsNaN(g))
            {
                Assert.True(double.IsNaN(e) && double.IsNaN(g), $"{tag}element {i} of {Describe(expected, i)}: expected {e:R}, got {g:R}");
                continue;
            }

            if (e == g)
            {
                continue;
            }

            double tol = expected.Tolerance is { } t ? Math.Max(t[i], rtol * Math.Abs(e)) : rtol * Math.Max(Math.Abs(e), Math.Abs(g));
            if (!(Math.Abs(g - e) <= tol))
            {
                Assert.Fail($"{tag}element {i} of {Describe(expected, i)}: expected {e:R}, got {g:R} (|diff| {Math.Abs(g - e):R} > tol {tol:R})");
            }
        }
    }

    private static string Describe(Ref r, long flat)
    {
        var idx = new long[r.Rank];
        for (int a = r.Rank - 1; a >= 0; a--)
        {
            idx[a] = r.Shape[a] == 0 ? 0 : flat % r.Shape[a];
            flat = r.Shape[a] == 0 ? 0 : flat / r.Shape[a];
        }

        return $"{r.DType} ({string.Join(", ", r.Shape)}) at ({string.Join(", ", idx)})";
    }
}
