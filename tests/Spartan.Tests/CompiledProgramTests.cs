using Spartan.Runtime;

namespace Spartan.Tests;

/// <summary>Programs compiled to expression templates give the interpreter's exact bits, on contiguous tiles, odd
/// tilings and 1 or 3 workers; views and unsupported operations still run (interpreted).</summary>
public class CompiledProgramTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e-310, -1e308, 3.5];

    public static TheoryData<int, int> Cases => new() { { 1, 7 }, { 3, 7 }, { 3, 1000 }, { 1, 4099 } };

    [Theory, MemberData(nameof(Cases))]
    public void CompiledAndInterpretedGiveTheSameBits(int workers, int tile)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        long n = 10_007;
        Expr a = Data(n, 1, tile), b = Data(n, 2, tile), c = Data(n, 3, tile + 3);
        var programs = new (string What, Func<Expr> Build)[]
        {
            ("a*b+c*2-1", () => (a * b) + (c * 2.0) - 1.0),
            ("-(|a|/b)^2 - c", () => -Sp.Square(Sp.Abs(a) / b) - c),
            ("float32 a*b-c/3", () => (a.AsType(DType.Float32) * b.AsType(DType.Float32)) - (c.AsType(DType.Float32) / 3.0)),
            ("2-d (a*b+1)", () => ((a * b) + 1.0)[..10_000].Reshape((100, 100))),
        };

        foreach ((string what, Func<Expr> build) in programs)
        {
            long compiledTiles = AssertSameBitsAsInterpreted(what, build, () => ProgramCompiler.TilesRun);
            if (what.StartsWith("a*b", StringComparison.Ordinal))
            {
                Assert.True(compiledTiles > 0, $"{what} should run compiled on contiguous tiles");
            }
        }
    }

    /// <summary>Reductions over compiled programs (inputs walked with step 1 or 2) fold each block from registers in the
    /// interpreter's order: the same bits, on every tiling.</summary>
    [Theory, InlineData(1, 7, 11), InlineData(3, 7, 11), InlineData(3, 64, 1000), InlineData(1, 100, 4099)]
    public void CompiledReductionsGiveTheInterpretersBits(int workers, int rowTile, int colTile)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Expr m = Matrix(301, 4501, 4, (rowTile, colTile)), b = Matrix(301, 4501, 5, (rowTile, colTile));
        Expr v = Matrix(1, 20_011, 6, (1, colTile)).Reshape(20_011);
        var reductions = new (string What, bool Compiles, Func<Expr> Build)[]
        {
            ("(A.T[::2, 100:250] + 1).sum()  (W8)", true, () => (m.T[Sp.Slice(null, null, 2), Sp.Slice(100, 250)] + 1.0).Sum()),
            ("v[::2].sum()", true, () => v[Sp.Slice(null, null, 2)].Sum()),
            ("(A*B - 2).sum()", true, () => ((m * b) - 2.0).Sum()),
            ("(A*3 + 1).sum(axis=1)", true, () => ((m * 3.0) + 1.0).Sum(axis: 1)),
            ("|A[:, ::2]|.max(axis=1)", true, () => Sp.Abs(m[.., Sp.Slice(null, null, 2)]).Max(axis: 1)),
            ("(A[:, ::2] - B[:, ::2]).min()", true, () => (m[.., Sp.Slice(null, null, 2)] - b[.., Sp.Slice(null, null, 2)]).Min()),
            ("(1 + A/1e9).prod()", true, () => (1.0 + (m / 1e9)).Prod()),
            ("(A[:, ::2] * B[:, :2251]).sum(axis=1)  (steps 2 and 1)", true, () => (m[.., Sp.Slice(null, null, 2)] * b[.., ..2251]).Sum(axis: 1)),
            ("float32 (v*2)[::2].sum()", true, () => (v.AsType(DType.Float32) * 2.0)[Sp.Slice(null, null, 2)].Sum()),
            ("(A*2).sum(axis=0)  (outer axis: interpreted)", false, () => (m * 2.0).Sum(axis: 0)),
            ("A[:, ::3].sum()  (step 3: interpreted)", false, () => m[.., Sp.Slice(null, null, 3)].Sum()),
        };

        foreach ((string what, bool compiles, Func<Expr> build) in reductions)
        {
            long folded = AssertSameBitsAsInterpreted(what, build, () => ProgramCompiler.TilesFolded);
            if (compiles)
            {
                Assert.True(folded > 0, $"{what} should fold compiled");
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ViewsAndOtherOperationsFallBackToTheInterpreter(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(DType.Float64, [40, 30], 5, -2, 2);
        Expr xe = x.ToExpr(tileHint: (7, 11));
        Oracle.AssertEq((xe.T * 2.0) - 1.0, Ref.Make(DType.Float64, [30, 40], i => (x.At(i[1], i[0]) * 2.0) - 1.0), what: "transposed view");
        Oracle.AssertEq(Sp.Exp(xe) * xe, x.Map(DType.Float64, v => Math.Exp(v) * v), (7, 11), "exp (not compiled)");
        Oracle.AssertEq(xe[.., 3..20] + 1.0, Ref.Make(DType.Float64, [40, 17], i => x.At(i[0], i[1] + 3) + 1.0), what: "column slice");
    }

    private static Expr Data(long n, int seed, int tile)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = i % 97 < Specials.Length ? Specials[i % 97] : (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-5, 6));
        }

        return Sp.FromArray(NDArray.From(v, n), tileHint: tile);
    }

    /// <summary>Evaluates <paramref name="build"/>'s expression with the compiler on, then off, asserts the same bits,
    /// and returns how far <paramref name="compiledCount"/> moved in the first evaluation.</summary>
    private static long AssertSameBitsAsInterpreted(string what, Func<Expr> build, Func<long> compiledCount)
    {
        long before = compiledCount();
        double[] compiled = AsDoubles(build().Glom());
        long moved = compiledCount() - before;
        ProgramCompiler.Enabled = false;
        try
        {
            double[] interpreted = AsDoubles(build().Glom());
            Assert.Equal(interpreted.Length, compiled.Length);
            for (int i = 0; i < compiled.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(compiled[i]) == BitConverter.DoubleToInt64Bits(interpreted[i]),
                    $"{what} [{i}]: compiled {compiled[i]}, interpreted {interpreted[i]}");
            }
        }
        finally
        {
            ProgramCompiler.Enabled = true;
        }

        return moved;
    }

    private static Expr Matrix(int rows, int cols, int seed, (int, int) tile)
    {
        var rng = new Random(seed);
        var v = new double[rows * cols];
        for (int i = 0; i < v.Length; i++)
        {
            // Specials (NaN, infinities, signed zeros) are rare here, so most blocks have finite sums whose bits depend
            // on the order of the adds.
            v[i] = i % 99_991 < Specials.Length ? Specials[i % 99_991] : (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-5, 6));
        }

        return Sp.FromArray(NDArray.From(v, new Shape(rows, cols)), tileHint: tile);
    }

    private static double[] AsDoubles(NDArray a) =>
        a.DType == DType.Float32 ? Array.ConvertAll(a.ToArray<float>(), f => (double)f) : a.ToArray<double>();
}
