namespace Spartan.Tests.Sparse;

/// <summary>Sparse (CSR) arrays against dense arrays built by hand and plain loops, on 1 and 3 workers and several
/// row tilings (TilesPerWorker), so tile boundaries are crossed.</summary>
public class SparseTests
{
    private static SpartanContext Start(int workers, int tilesPerWorker = 2) =>
        SpartanContext.StartLocal(new SpartanOptions { Workers = workers, MinTileElements = 1, TilesPerWorker = tilesPerWorker });

    /// <summary>A random COO matrix with duplicates, unsorted; and its dense form summed by hand.</summary>
    internal static (long[] R, long[] C, double[] V, double[,] Dense) RandomCoo(int m, int n, int nnz, int seed)
    {
        var rng = new Random(seed);
        var r = new long[nnz];
        var c = new long[nnz];
        var v = new double[nnz];
        var d = new double[m, n];
        for (int e = 0; e < nnz; e++)
        {
            r[e] = rng.Next(m);
            c[e] = rng.Next(n);
            v[e] = Math.Round(rng.NextDouble() * 8 - 4, 3);
            d[r[e], c[e]] += v[e];
        }

        return (r, c, v, d);
    }

    private static double[] Flat(double[,] a) => a.Cast<double>().ToArray();

    private static void Close(double[] expected, double[] got, string what, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - got[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}: element {i}: expected {expected[i]}, got {got[i]}");
        }
    }

    [Theory, InlineData(1, 2), InlineData(3, 1), InlineData(3, 3)]
    public void FromCooRoundTripsAndSumsDuplicates(int workers, int tpw)
    {
        using SpartanContext ctx = Start(workers, tpw);
        long[] rows = [3, 0, 3, 1, 3, 0, 4];
        long[] cols = [2, 1, 0, 2, 2, 1, 4];
        double[] vals = [1, 2, 3, 4, 5, 6, 7];
        Expr s = Sp.SparseFromCoo(rows, cols, vals, (6, 5));
        Assert.True(s.IsSparse);
        var dense = new double[6, 5];
        dense[3, 2] = 6; // 1 + 5
        dense[0, 1] = 8; // 2 + 6
        dense[3, 0] = 3;
        dense[1, 2] = 4;
        dense[4, 4] = 7;
        (long[] r, long[] c, double[] v) = s.ToCoo();
        Assert.Equal([0L, 1, 3, 3, 4], r);
        Assert.Equal([1L, 2, 0, 2, 4], c);
        Assert.Equal([8.0, 4, 3, 6, 7], v);
        NDArray d = s.ToDense().Glom();
        Assert.False(s.ToDense().IsSparse);
        Assert.Equal(new Shape(6, 5), d.Shape);
        Assert.Equal(Flat(dense), d.ToArray<double>());
        Assert.Equal(Flat(dense), s.Glom().ToArray<double>());

        DistArray e = s.Evaluate();
        Assert.All(e.Tiles, t => Assert.True(t.Sparse));
        Assert.Equal(Math.Min(workers * tpw, 6), e.Tiles.Count);
        // CSR bytes: 4 per row pointer (rows + 1 per tile), 12 per entry.
        Assert.Equal((4L * (6 + e.Tiles.Count)) + (12L * 5), e.Tiles.Sum(t => t.Bytes));
    }

    [Fact]
    public void LargerCooMatchesDenseOnEveryTiling()
    {
        (long[] r, long[] c, double[] v, double[,] dense) = RandomCoo(37, 23, 400, 7);
        foreach ((int w, int tpw) in new[] { (1, 1), (3, 2), (2, 5) })
        {
            using SpartanContext ctx = Start(w, tpw);
            Close(Flat(dense), Sp.SparseFromCoo(r, c, v, (37, 23)).ToDense().Glom().ToArray<double>(), $"w={w} tpw={tpw}");
        }
    }

    [Fact]
    public void SparseRandIsDeterministicAcrossWorkersAndTilings()
    {
        (long[], long[], double[])? first = null;
        foreach ((int w, int tpw) in new[] { (1, 1), (3, 1), (3, 3), (2, 7) })
        {
            using SpartanContext ctx = Start(w, tpw);
            Expr s = Sp.SparseRand((200, 300), 0.1, seed: 42);
            Assert.True(s.IsSparse);
            (long[] r, long[] c, double[] v) = s.ToCoo();
            if (first is not { } f)
            {
                first = (r, c, v);
                // 60000 Bernoulli(0.1) elements: 6000 expected, σ ≈ 73.
                Assert.InRange(r.Length, 5600, 6400);
                Assert.All(v, x => Assert.InRange(x, 0.0, 1.0 - 1e-17));
                for (int i = 1; i < r.Length; i++)
                {
                    Assert.True(r[i] > r[i - 1] || (r[i] == r[i - 1] && c[i] > c[i - 1]), "row-major order, unique");
                }
            }
            else
            {
                Assert.Equal(f.Item1, r);
                Assert.Equal(f.Item2, c);
                Assert.Equal(f.Item3, v);
            }
        }

        using SpartanContext ctx2 = Start(2);
        Assert.NotEqual(first!.Value.Item2, Sp.SparseRand((200, 300), 0.1, seed: 43).ToCoo().Cols);
        Assert.Empty(Sp.SparseRand((20, 30), 0.0, seed: 1).ToCoo().Rows);
        Assert.Equal(600, Sp.SparseRand((20, 30), 1.0, seed: 1).ToCoo().Rows.Length);
    }

    [Theory, InlineData(1), InlineData(3)]
    public void DiagonalAndEmpty(int workers)
    {
        using SpartanContext ctx = Start(workers);
        foreach ((int m, int n) in new[] { (5, 7), (7, 5), (4, 4) })
        {
            var eye = new double[m, n];
            for (int i = 0; i < Math.Min(m, n); i++)
            {
                eye[i, i] = 1;
            }

            Expr d = Sp.SparseDiagonal((m, n));
            Assert.True(d.IsSparse);
            Assert.Equal(Flat(eye), d.ToDense().Glom().ToArray<double>());
            Assert.Equal(Math.Min(m, n), d.ToCoo().Rows.Length);
            Expr z = Sp.SparseEmpty((m, n));
            Assert.Empty(z.ToCoo().Values);
            Assert.Equal(new double[m * n], z.ToDense().Glom().ToArray<double>());
        }
    }

    [Theory, InlineData(1, 2), InlineData(3, 1), InlineData(3, 3)]
    public void ProductsMatchLoops(int workers, int tpw)
    {
        using SpartanContext ctx = Start(workers, tpw);
        (long[] r, long[] c, double[] v, double[,] a) = RandomCoo(23, 17, 120, 3);
        Expr s = Sp.SparseFromCoo(r, c, v, (23, 17));
        var rng = new Random(5);
        double[] x = Enumerable.Range(0, 17).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] y = Enumerable.Range(0, 23).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] b = Enumerable.Range(0, 17 * 4).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] l = Enumerable.Range(0, 6 * 23).Select(_ => rng.NextDouble() - 0.5).ToArray();

        double[] spmv = new double[23], spmm = new double[23 * 4], vs = new double[17], ms = new double[6 * 17];
        for (int i = 0; i < 23; i++)
        {
            for (int k = 0; k < 17; k++)
            {
                spmv[i] += a[i, k] * x[k];
                vs[k] += y[i] * a[i, k];
                for (int j = 0; j < 4; j++)
                {
                    spmm[(i * 4) + j] += a[i, k] * b[(k * 4) + j];
                }

                for (int q = 0; q < 6; q++)
                {
                    ms[(q * 17) + k] += l[(q * 23) + i] * a[i, k];
                }
            }
        }

        Expr ex = Sp.FromArray(x, new Shape(5)), eb = Sp.FromArray(NDArray.From(b, new Shape(17, 4))), ey = Sp.FromArray(y);
        Expr el = Sp.FromArray(NDArray.From(l, new Shape(6, 23)));
        Expr p1 = Sp.Dot(s, ex);
        Assert.False(p1.IsSparse);
        Assert.Equal(new Shape(23), p1.Shape);
        Close(spmv, p1.Glom().ToArray<double>(), "sparse·vector");
        Close(spmm, Sp.Dot(s, eb).Glom().ToArray<double>(), "sparse·matrix");
        Close(vs, Sp.Dot(ey, s).Glom().ToArray<double>(), "vector·sparse");
        Close(ms, Sp.Dot(el, s).Glom().ToArray<double>(), "matrix·sparse");
        Close(spmv, s.Dot(Sp.FromArray(x.Select(t => (float)t).ToArray())).Glom().ToArray<double>().ToArray(), "sparse·float32 vector", 1e-6);

        // Affine epilogues folded into the product (c · (S·x) + b) round exactly as the separate operations.
        Expr bias = Sp.FromArray(new[] { 0.125 }), zeroD = Sp.Full(Shape.Scalar, -2.0);
        double[] yk = Sp.Dot(s, ex).Glom().ToArray<double>(), mk = Sp.Dot(s, eb).Glom().ToArray<double>();
        Assert.Equal(yk.Select(t => (2.5 * t) + 1.25).ToArray(), (2.5 * Sp.Dot(s, ex) + 1.25).Glom().ToArray<double>());
        Assert.Contains("sparse_dot(csr, dense) * 2.5 + 1.25", (2.5 * Sp.Dot(s, ex) + 1.25).Explain());
        Assert.Equal(yk.Select(t => (0.85 * t) + 0.125).ToArray(), (bias + (Sp.Dot(s, ex) * 0.85)).Glom().ToArray<double>());
        Assert.Equal(yk.Select(t => t + 3.0).ToArray(), (Sp.Dot(s, ex) + 3).Glom().ToArray<double>());
        Assert.Equal(yk.Select(t => (-1 * t) + (-2.0)).ToArray(), ((-1 * Sp.Dot(s, ex)) + zeroD).Glom().ToArray<double>());
        Assert.Equal(yk.Select(t => (2 * (3 * t)) + 1).ToArray(), ((2 * (3 * Sp.Dot(s, ex))) + 1).Glom().ToArray<double>());
        Assert.Equal(mk.Select(t => (4 * t) + 0.125).ToArray(), ((4 * Sp.Dot(s, eb)) + bias).Glom().ToArray<double>());
        Assert.Equal(yk.Zip(y, (t, u) => (2 * t) + u).ToArray(), ((2 * Sp.Dot(s, ex)) + ey).Glom().ToArray<double>()); // a vector: not folded

        // sparse · sparse (small: densified right operand) against the dense product.
        Expr sT = Sp.SparseFromCoo(c, r, v, (17, 23));
        double[] ss = new double[23 * 23];
        for (int i = 0; i < 23; i++)
        {
            for (int j = 0; j < 23; j++)
            {
                for (int k = 0; k < 17; k++)
                {
                    ss[(i * 23) + j] += a[i, k] * a[j, k];
                }
            }
        }

        Close(ss, Sp.Dot(s, sT).Glom().ToArray<double>(), "sparse·sparse");
        ShapeMismatchException e = Assert.Throws<ShapeMismatchException>(() => Sp.Dot(s, Sp.Ones(16)));
        Assert.Contains("(23, 17)", e.Message);
        Assert.Contains("(16", e.Message);
    }

    /// <summary>
    /// A sparse·vector product sums each row with one accumulator in column order (SciPy's order), whichever way the
    /// vector reaches the kernel: one tile read in place, several tiles assembled into one shared copy (several
    /// tasks at once pasting pieces), or, for an operand with few entries, each x element read from its tile. So
    /// the bits are those of a serial loop on every tiling and worker count.
    /// </summary>
    [Theory, InlineData(1, 1), InlineData(1, 2), InlineData(3, 1), InlineData(3, 3)]
    public void VectorProductsRoundAsASerialLoopOnEveryPath(int workers, int tpw)
    {
        using SpartanContext ctx = Start(workers, tpw);
        const int n = 4000;
        var rng = new Random(17);
        double[] x = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 7))).ToArray();
        Expr ex = Sp.FromArray(x);
        // The last matrix has few distinct values and enough entries that its tiles are coded from the second product on.
        foreach ((int rows, int nnz, bool fewValues) in new[] { (60, 3000, false), (1, 25, false), (3, 40, false), (300, 30_000, true) })
        {
            (long[] r, long[] c, double[] v, _) = RandomCoo(rows, n, nnz, rows);
            if (fewValues)
            {
                v = v.Select((t, e) => 1.0 / (1 + (e % 13))).ToArray();
            }
            Expr s = Sp.SparseFromCoo(r, c, v, (rows, n));
            (long[] sr, long[] sc, double[] sv) = s.Evaluate().ToCoo();
            var want = new double[rows];
            for (int e = 0; e < sr.Length; e++)
            {
                want[sr[e]] += sv[e] * x[sc[e]]; // ToCoo lists entries by row, then column: the serial order
            }

            for (int round = 0; round < 3; round++)
            {
                double[] got = Sp.Dot(s, ex).Glom().ToArray<double>();
                double[] affine = ((0.85 * Sp.Dot(s, ex)) + 0.125).Glom().ToArray<double>();
                Assert.Equal(want.Select(BitConverter.DoubleToInt64Bits), got.Select(BitConverter.DoubleToInt64Bits));
                Assert.Equal(want.Select(t => BitConverter.DoubleToInt64Bits((0.85 * t) + 0.125)), affine.Select(BitConverter.DoubleToInt64Bits));
            }
        }
    }

    [Fact]
    public void HugeSparseTimesSparseIsRefused()
    {
        using SpartanContext ctx = Start(1);
        ArgumentException e = Assert.Throws<ArgumentException>(() => Sp.Dot(Sp.SparseEmpty((10, 100_000)), Sp.SparseEmpty((100_000, 1000))));
        Assert.Contains("sparse", e.Message);
    }

    [Theory, InlineData(1, 2), InlineData(3, 2)]
    public void ReductionsHaveNumpyShapes(int workers, int tpw)
    {
        using SpartanContext ctx = Start(workers, tpw);
        // Row 0 is full and negative (its max is negative: no implicit zero), row 2 is empty, one explicit zero.
        long[] rows = [0, 0, 0, 1, 1, 3, 3];
        long[] cols = [0, 1, 2, 0, 2, 1, 2];
        double[] vals = [-1, -2, -3, 5, 0, 2, -7];
        Expr s = Sp.SparseFromCoo(rows, cols, vals, (4, 3));
        double[,] d = { { -1, -2, -3 }, { 5, 0, 0 }, { 0, 0, 0 }, { 0, 2, -7 } };
        d[1, 2] = 0;
        Assert.Equal(Shape.Scalar, s.Sum().Shape);
        Assert.Equal(new Shape(3), s.Sum(axis: 0).Shape);
        Assert.Equal(new Shape(4), s.Sum(axis: 1).Shape);
        Assert.Equal(-6.0, s.Sum().Glom().ToScalar<double>(), 12);
        Assert.Equal([4.0, 0, -10], s.Sum(axis: 0).Glom().ToArray<double>());
        Assert.Equal([-6.0, 5, 0, -5], s.Sum(axis: 1).Glom().ToArray<double>());
        Assert.Equal([-1.0, 5, 0, 2], s.Max(axis: 1).Glom().ToArray<double>());
        Assert.Equal([-3.0, 0, 0, -7], s.Min(axis: -1).Glom().ToArray<double>());
        Assert.Equal([5.0, 2, 0], s.Max(axis: 0).Glom().ToArray<double>());
        Assert.Equal([-1.0, -2, -7], s.Min(axis: 0).Glom().ToArray<double>());
        Assert.Equal(5.0, s.Max().Glom().ToScalar<double>());
        Assert.Equal(-7.0, s.Min().Glom().ToScalar<double>());
        Assert.Equal(-0.5, s.Mean().Glom().ToScalar<double>(), 12);
        Assert.Equal([4.0 / 4, 0, -10.0 / 4], s.Mean(axis: 0).Glom().ToArray<double>());
        Assert.Equal([-2.0, 5.0 / 3, 0, -5.0 / 3], s.Mean(axis: 1).Glom().ToArray<double>());
        Assert.Equal(DType.Int64, Sp.CountNonzero(s).DType);
        Assert.Equal(6L, Sp.CountNonzero(s).Glom().ToScalar<long>());
        Assert.Equal([3L, 1, 0, 2], Sp.CountNonzero(s, axis: 1).Glom().ToArray<long>());
        Assert.Equal([2L, 2, 2], Sp.CountNonzero(s, axis: 0).Glom().ToArray<long>());
        Assert.Equal(6L, Sp.CountZero(s).Glom().ToScalar<long>());
        Assert.Equal(Flat(d).Sum(), s.ToDense().Sum().Glom().ToScalar<double>(), 12);
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ScalarOpsStaySparseAndMixedOpsDensify(int workers)
    {
        using SpartanContext ctx = Start(workers);
        (long[] r, long[] c, double[] v, double[,] a) = RandomCoo(9, 8, 30, 11);
        Expr s = Sp.SparseFromCoo(r, c, v, (9, 8));
        double[] flat = Flat(a);
        foreach ((Expr e, Func<double, double> f, string what) in new (Expr, Func<double, double>, string)[]
        {
            (s * 2.5, x => x * 2.5, "s*2.5"), (3 * s, x => 3 * x, "3*s"), (s / 4, x => x / 4, "s/4"), (-s, x => -x, "-s"),
            ((s * 2) / 2, x => x * 2 / 2, "(s*2)/2"),
        })
        {
            Assert.True(e.IsSparse, what);
            Assert.All(e.Evaluate().Tiles, t => Assert.True(t.Sparse, what));
            Assert.Equal(flat.Select(f).ToArray(), e.Glom().ToArray<double>());
        }

        Expr dense = Sp.FromArray(NDArray.From(flat, new Shape(9, 8)));
        Expr plus = s + dense;
        Assert.False(plus.IsSparse);
        Assert.All(plus.Evaluate().Tiles, t => Assert.False(t.Sparse));
        Assert.Equal(flat.Select(x => 2 * x).ToArray(), plus.Glom().ToArray<double>());
        Assert.Equal(flat.Select(x => x + 1).ToArray(), (s + 1).Glom().ToArray<double>());
        Assert.Equal(flat.Select(x => x > 0).ToArray(), (s > 0).Glom().ToArray<bool>());
        Assert.Equal(flat.Select(x => x * x).ToArray(), (s * dense).Glom().ToArray<double>());
        Assert.True(s.AsType(DType.Float64).IsSparse);
        Assert.Equal(flat.Select(x => (float)x).ToArray(), s.AsType(DType.Float32).Glom().ToArray<float>());
        Assert.Equal(flat.Select(Math.Abs).ToArray(), Sp.Abs(s).Glom().ToArray<double>());
    }

    [Fact]
    public void BadInputsNameTheArgument()
    {
        using SpartanContext ctx = Start(2);
        ArgumentException e = Assert.Throws<ArgumentException>(() => Sp.SparseFromCoo([0, 1], [0], [1.0, 2], (2, 2)));
        Assert.Equal("cols", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Sp.SparseFromCoo([0, 1], [0, 1], [1.0], (2, 2)));
        Assert.Equal("values", e.ParamName);
        var o = Assert.Throws<ArgumentOutOfRangeException>(() => Sp.SparseFromCoo([0, 5], [0, 1], [1.0, 2], (2, 2)));
        Assert.Equal("rows", o.ParamName);
        Assert.Contains("rows[1] = 5", o.Message);
        o = Assert.Throws<ArgumentOutOfRangeException>(() => Sp.SparseFromCoo([0, 1], [-1, 1], [1.0, 2], (2, 2)));
        Assert.Equal("cols", o.ParamName);
        Assert.Contains("-1", o.Message);
        e = Assert.Throws<ArgumentException>(() => Sp.SparseFromCoo([0], [0], [1.0], new Shape(4)));
        Assert.Equal("shape", e.ParamName);
        o = Assert.Throws<ArgumentOutOfRangeException>(() => Sp.SparseRand((3, 3), 1.5));
        Assert.Equal("density", o.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.SparseRand((3, 3), 0.5, DType.Int32));
        Assert.Throws<ArgumentNullException>(() => Sp.SparseFromCoo(null!, [0], [1.0], (2, 2)));

        Expr s = Sp.SparseDiagonal((4, 4));
        string dir = Path.Combine(Path.GetTempPath(), $"spartan-sparse-{Guid.NewGuid():N}");
        foreach (Action bad in new Action[] { () => Sp.Save(s, dir), () => Sp.ToNpy(s, dir + ".npy"), () => _ = s.T, () => _ = s[1], () => s.Prod(), () => s.ArgMax(), () => Sp.CumSum(s), () => s.Reshape(16), () => s.Sum(axis: 0, keepDims: true) })
        {
            ArgumentException x = Assert.ThrowsAny<ArgumentException>(bad);
            Assert.Contains("ToDense()", x.Message);
        }
    }
}
