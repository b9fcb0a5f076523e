namespace Spartan.Tests.Stencil;

/// <summary>Sp.Stencil and Sp.MaxPool against plain loops written here (never by Spartan), on 1 and 3 workers, tiles
/// split on both spatial axes (halos crossing one or several neighbouring tiles), every PadMode, strides, NCHW/OIHW.</summary>
public class StencilTests
{
    private static readonly PadMode[] Modes = [PadMode.Valid, PadMode.Zero, PadMode.Reflect, PadMode.Nearest, PadMode.Wrap];

    /// <summary>The image position that position p (possibly outside [0, n)) reads, by repeated folding; null for a zero.</summary>
    internal static long? Pos(PadMode mode, long p, long n)
    {
        switch (mode)
        {
            case PadMode.Zero:
            case PadMode.Valid:
                return p >= 0 && p < n ? p : null;
            case PadMode.Nearest:
                return Math.Clamp(p, 0, n - 1);
            case PadMode.Wrap:
                while (p < 0)
                {
                    p += n;
                }

                while (p >= n)
                {
                    p -= n;
                }

                return p;
            default:
                // Symmetric reflection about the edges, folded until inside: (d c b a | a b c d | d c b a).
                while (p < 0 || p >= n)
                {
                    p = p < 0 ? -p - 1 : (2 * n) - 1 - p;
                }

                return p;
        }
    }

    /// <summary>The naive stencil: NCHW images (rank 4) or one plane (rank 2), a correlation with offset KH/2, KW/2
    /// (none when Valid). Tolerance: 1e-12 (float32: 1e-5) times the sum of |terms|.</summary>
    internal static Ref RefStencil(Ref img, Ref filt, int stride, PadMode mode, DType t)
    {
        bool planar = img.Rank == 2;
        long n = planar ? 1 : img.Shape[0], c = planar ? 1 : img.Shape[1], h = img.Shape[^2], w = img.Shape[^1];
        long o = planar ? 1 : filt.Shape[0], kh = filt.Shape[^2], kw = filt.Shape[^1];
        long oh, ow, offH, offW;
        if (mode == PadMode.Valid)
        {
            (oh, ow, offH, offW) = ((h - kh) / stride + 1, (w - kw) / stride + 1, 0, 0);
        }
        else
        {
            (oh, ow, offH, offW) = ((h + stride - 1) / stride, (w + stride - 1) / stride, kh / 2, kw / 2);
        }

        long[] shape = planar ? [oh, ow] : [n, o, oh, ow];
        var v = new double[Ref.SizeOf(shape)];
        var tol = new double[v.Length];
        double rel = t == DType.Float32 ? 1e-5 : 1e-12;
        long at = 0;
        for (long ni = 0; ni < n; ni++)
        {
            for (long oi = 0; oi < o; oi++)
            {
                for (long i = 0; i < oh; i++)
                {
                    for (long j = 0; j < ow; j++)
                    {
                        double s = 0, abs = 0;
                        for (long ci = 0; ci < c; ci++)
                        {
                            for (long a = 0; a < kh; a++)
                            {
                                for (long b = 0; b < kw; b++)
                                {
                                    long? r = Pos(mode, (i * stride) + a - offH, h), q = Pos(mode, (j * stride) + b - offW, w);
                                    if (r is null || q is null)
                                    {
                                        continue;
                                    }

                                    double f = planar ? filt.At(a, b) : filt.At(oi, ci, a, b);
                                    double x = planar ? img.At(r.Value, q.Value) : img.At(ni, ci, r.Value, q.Value);
                                    s += f * x;
                                    abs += Math.Abs(f * x);
                                }
                            }
                        }

                        v[at] = s;
                        tol[at++] = (rel * abs) + 1e-300;
                    }
                }
            }
        }

        return Ref.Of(t, shape, v, tol);
    }

    /// <summary>The naive max pooling; NaN wins.</summary>
    internal static Ref RefMaxPool(Ref img, int p, int stride)
    {
        bool planar = img.Rank == 2;
        long n = planar ? 1 : img.Shape[0], c = planar ? 1 : img.Shape[1], h = img.Shape[^2], w = img.Shape[^1];
        long oh = (h - p) / stride + 1, ow = (w - p) / stride + 1;
        long[] shape = planar ? [oh, ow] : [n, c, oh, ow];
        var v = new double[Ref.SizeOf(shape)];
        long at = 0;
        for (long ni = 0; ni < n; ni++)
        {
            for (long ci = 0; ci < c; ci++)
            {
                for (long i = 0; i < oh; i++)
                {
                    for (long j = 0; j < ow; j++)
                    {
                        double m = double.NegativeInfinity;
                        for (long a = 0; a < p; a++)
                        {
                            for (long b = 0; b < p; b++)
                            {
                                double x = planar ? img.At((i * stride) + a, (j * stride) + b) : img.At(ni, ci, (i * stride) + a, (j * stride) + b);
                                m = double.IsNaN(m) || double.IsNaN(x) ? double.NaN : Math.Max(m, x);
                            }
                        }

                        v[at++] = m;
                    }
                }
            }
        }

        return img.IsFloat ? Ref.Of(img.DType, shape, v) : Ref.Of(img.DType, shape, v.Select(d => (long)d).ToArray());
    }

    private static readonly (long[] Shape, long[]? Tile)[] Planes =
    [
        ([13, 11], [4, 3]),
        ([20, 9], [7, 9]),
        ([7, 5], [1, 1]),
        ([9, 16], null),
        ([1, 1], null),
        ([2, 3], [1, 2]),
    ];

    private static readonly long[][] PlanarFilters = [[3, 3], [1, 1], [2, 4], [5, 3], [4, 4]];

    [Theory, InlineData(1), InlineData(3)]
    public void PlanarStencilMatchesLoopsForEveryPadModeStrideAndTiling(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        int seed = 0;
        foreach ((long[] shape, long[]? tile) in Planes)
        {
            Shape? hint = tile is null ? (Shape?)null : new Shape(tile);
            Ref img = Ref.Random(DType.Float64, shape, ++seed);
            foreach (long[] fs in PlanarFilters)
            {
                Ref filt = Ref.Random(DType.Float64, fs, ++seed, -1, 1);
                foreach (PadMode mode in Modes)
                {
                    if (mode == PadMode.Valid && (fs[0] > shape[0] || fs[1] > shape[1]))
                    {
                        continue;
                    }

                    foreach (int stride in new[] { 1, 2, 3 })
                    {
                        Expr e = Sp.Stencil(img.ToExpr(hint), filt.ToExpr(), stride, mode);
                        Oracle.AssertEq(e, RefStencil(img, filt, stride, mode, DType.Float64), what: $"{string.Join("x", shape)} tile {hint} filter {string.Join("x", fs)} {mode} stride {stride}");
                    }
                }
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MultiChannelNchwWithOihwFiltersMatchesLoops(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref img = Ref.Random(DType.Float64, [2, 3, 9, 8], 41);
        foreach ((long[] fs, Shape? hint) in new (long[], Shape?)[] { ([4, 3, 3, 3], new Shape(1, 2, 4, 3)), ([2, 3, 2, 5], new Shape(2, 3, 5, 8)), ([1, 3, 1, 1], null) })
        {
            Ref filt = Ref.Random(DType.Float64, fs, 42, -1, 1);
            foreach (PadMode mode in Modes)
            {
                foreach (int stride in new[] { 1, 2 })
                {
                    Oracle.AssertEq(Sp.Stencil(img.ToExpr(hint), filt.ToExpr(), stride, mode), RefStencil(img, filt, stride, mode, DType.Float64),
                        what: $"nchw filters {string.Join("x", fs)} tile {hint} {mode} stride {stride}");
                }
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void DtypesFollowPromotionAndIntegersComputeAsFloat64(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref f32 = Ref.Random(DType.Float32, [2, 2, 7, 6], 5);
        Ref k32 = Ref.Random(DType.Float32, [3, 2, 3, 3], 6, -1, 1);
        Oracle.AssertEq(Sp.Stencil(f32.ToExpr(new Shape(1, 1, 3, 4)), k32.ToExpr(), 1, PadMode.Reflect), RefStencil(f32, k32, 1, PadMode.Reflect, DType.Float32), what: "float32");

        Ref i32 = Ref.Random(DType.Int32, [10, 12], 7, -50, 50);
        Ref ki = Ref.Random(DType.Int64, [3, 3], 8, -3, 4);
        Expr e = Sp.Stencil(i32.ToExpr(new Shape(4, 5)), ki.ToExpr(), 1, PadMode.Wrap);
        Assert.Equal(DType.Float64, e.DType);
        Oracle.AssertEq(e, RefStencil(i32, ki, 1, PadMode.Wrap, DType.Float64), what: "int32 with int64 filter");

        Ref b = Ref.Random(DType.Bool, [6, 6], 9);
        Oracle.AssertEq(Sp.Stencil(b.ToExpr(new Shape(3, 2)), k32.ToExpr()[0, 0], 2, PadMode.Nearest), RefStencil(b, Ref.Of(DType.Float32, [3, 3], Enumerable.Range(0, 9).Select(i => k32.D(i)).ToArray()), 2, PadMode.Nearest, DType.Float32), what: "bool with float32 filter");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void W10BlurWithReflectEqualsTheSymmetricPadFormula(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        const int m = 37;
        Ref img = Ref.Random(DType.Float64, [m, m], 10, 0, 1);
        double[,] k = { { 1 / 16.0, 2 / 16.0, 1 / 16.0 }, { 2 / 16.0, 4 / 16.0, 2 / 16.0 }, { 1 / 16.0, 2 / 16.0, 1 / 16.0 } };
        long Rho(long x) => x < 0 ? 0 : x >= m ? m - 1 : x;
        Ref want = Ref.Make(DType.Float64, [m, m], idx =>
        {
            double s = 0;
            for (int a = -1; a <= 1; a++)
            {
                for (int b = -1; b <= 1; b++)
                {
                    s += k[a + 1, b + 1] * img.At(Rho(idx[0] + a), Rho(idx[1] + b));
                }
            }

            return s;
        });
        Expr x = img.ToExpr(new Shape(10, 13));
        Oracle.AssertEq(Sp.Stencil(x, k, pad: PadMode.Reflect), want, what: "W10 local filter overload");
        Oracle.AssertEq(Sp.Stencil(x, Sp.FromArray(k), 1, PadMode.Reflect) * 2 - 1, want.Map(DType.Float64, v => (2 * v) - 1), what: "W10 composed");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void OutputTilesStayWhereTheInputTilesAre(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        DistArray x = Sp.Rand((40, 30), seed: 3, tileHint: new Shape(9, 8)).Evaluate();
        DistArray y = Sp.Stencil(x, new double[,] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } }, pad: PadMode.Reflect).Evaluate();
        Assert.Equal(x.Tiles.Count, y.Tiles.Count);
        for (int i = 0; i < x.Tiles.Count; i++)
        {
            Assert.Equal(x.Tiles[i].Extent, y.Tiles[i].Extent);
            Assert.Equal(x.Tiles[i].Worker, y.Tiles[i].Worker);
        }

        // Stride 2 halves the grid's split points; Valid shifts them by the filter's half-width.
        DistArray s2 = Sp.Stencil(x, new double[,] { { 1, 1 }, { 1, 1 } }, stride: 2).Evaluate();
        Assert.Equal(new Shape(20, 15), s2.Shape);
        Assert.Equal(x.Tiles.Count, s2.Tiles.Count);
        Assert.Contains("stencil(3x3, stride=1, pad=reflect)", Sp.Stencil(x, new double[,] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } }, pad: PadMode.Reflect).Explain());
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MaxPoolMatchesLoops(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(DType.Float64, [13, 11], 21);
        foreach (Shape? hint in new Shape?[] { new Shape(4, 3), new Shape(1, 1), null })
        {
            foreach ((int p, int s) in new[] { (2, 2), (3, 2), (1, 1), (3, 3), (2, 1), (1, 3), (5, 4) })
            {
                Oracle.AssertEq(Sp.MaxPool(a.ToExpr(hint), p, s), RefMaxPool(a, p, s), what: $"maxpool {p} stride {s} tile {hint}");
            }
        }

        Ref nchw = Ref.Random(DType.Int32, [2, 3, 8, 9], 22, -1000, 1000);
        Oracle.AssertEq(Sp.MaxPool(nchw.ToExpr(new Shape(1, 2, 3, 4))), RefMaxPool(nchw, 2, 2), what: "nchw int32");
        Oracle.AssertEq(Sp.MaxPool(nchw.ToExpr(new Shape(2, 1, 5, 2)), 3, 2), RefMaxPool(nchw, 3, 2), what: "nchw int32 3/2");
        Ref i64 = Ref.Random(DType.Int64, [9, 9], 23, -5, 5);
        Oracle.AssertEq(Sp.MaxPool(i64.ToExpr(new Shape(2, 7))), RefMaxPool(i64, 2, 2), what: "int64");
        Ref f32 = Ref.Random(DType.Float32, [1, 2, 6, 6], 24);
        Oracle.AssertEq(Sp.MaxPool(f32.ToExpr(new Shape(1, 1, 4, 4)), 3, 1), RefMaxPool(f32, 3, 1), what: "float32");
        Ref b = Ref.Random(DType.Bool, [7, 8], 25);
        Oracle.AssertEq(Sp.MaxPool(b.ToExpr(new Shape(3, 3))), RefMaxPool(b, 2, 2), what: "bool");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MaxPoolPropagatesNaN(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Make(DType.Float64, [8, 8], idx => idx[0] == 3 && idx[1] == 4 ? double.NaN : idx[0] - idx[1]);
        NDArray got = Sp.MaxPool(a.ToExpr(new Shape(3, 3))).Glom();
        double[] v = got.ToArray<double>();
        Assert.True(double.IsNaN(v[(1 * 4) + 2]));
        Assert.Equal(1, v.Count(double.IsNaN));
        Oracle.AssertValues(got, RefMaxPool(a, 2, 2), "maxpool NaN");
    }

    [Fact]
    public void EmptyImagesAndChannelsGiveEmptyOrZeroResults()
    {
        using SpartanContext ctx = Oracle.Start(2);
        Assert.Equal(new Shape(0, 5), Sp.Stencil(Sp.Zeros((0, 5)), new double[,] { { 1 } }).Evaluate().Shape);
        Ref empty = Ref.Of(DType.Float64, [2, 0, 4, 4], Array.Empty<double>());
        Ref f = Ref.Of(DType.Float64, [3, 0, 3, 3], Array.Empty<double>());
        Oracle.AssertEq(Sp.Stencil(empty.ToExpr(), f.ToExpr(), 1, PadMode.Reflect), Ref.Of(DType.Float64, [2, 3, 4, 4], new double[96]));
    }

    [Fact]
    public void BadArgumentsThrowAtTheCallNamingTheShapes()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Expr img = Sp.Ones((4, 5));
        Expr nchw = Sp.Ones((2, 3, 6, 6));
        var e1 = Assert.Throws<ShapeMismatchException>(() => Sp.Stencil(img, Sp.Ones((5, 3)), 1, PadMode.Valid));
        Assert.Contains("(5, 3)", e1.Message);
        Assert.Contains("(4, 5)", e1.Message);
        var e2 = Assert.Throws<ShapeMismatchException>(() => Sp.Stencil(nchw, Sp.Ones((4, 2, 3, 3))));
        Assert.Contains("(2, 3, 6, 6)", e2.Message);
        Assert.Contains("(4, 2, 3, 3)", e2.Message);
        Assert.Throws<ShapeMismatchException>(() => Sp.Stencil(nchw, Sp.Ones((3, 3))));
        Assert.Throws<ShapeMismatchException>(() => Sp.Stencil(Sp.Ones(5), Sp.Ones(3)));
        Assert.Throws<ShapeMismatchException>(() => Sp.Stencil(img, Sp.Ones((0, 3))));
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Stencil(img, Sp.Ones((3, 3)), stride: 0));
        Assert.Equal("stride", e3.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Stencil(img, Sp.Ones((3, 3)), pad: (PadMode)17));
        Assert.Throws<ArgumentNullException>(() => Sp.Stencil(null!, Sp.Ones((3, 3))));
        Assert.Throws<ArgumentNullException>(() => Sp.Stencil(img, (double[,])null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.MaxPool(img, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.MaxPool(img, 2, 0));
        Assert.Throws<ShapeMismatchException>(() => Sp.MaxPool(img, 5));
        Assert.Throws<ShapeMismatchException>(() => Sp.MaxPool(Sp.Ones((2, 2, 2)), 2));
        // Valid fits exactly; the same filter in a padding mode is fine on any image.
        Assert.Equal(new Shape(1, 1), Sp.Stencil(img, Sp.Ones((4, 5)), 1, PadMode.Valid).Shape);
        Assert.Equal(new Shape(4, 5), Sp.Stencil(img, Sp.Ones((9, 9)), 1, PadMode.Reflect).Shape);
    }
}
