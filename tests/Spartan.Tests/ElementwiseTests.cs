namespace Spartan.Tests;

/// <summary>Elementwise builtins and operators against plain loops, with broadcasting between differently tiled operands.</summary>
public class ElementwiseTests
{
    private const DType F64 = DType.Float64;
    private const DType F32 = DType.Float32;
    private const DType I64 = DType.Int64;
    private const DType I32 = DType.Int32;
    private const DType B = DType.Bool;

    /// <summary>Operand pairs: (shape, tile) of x and of y, with every broadcasting pattern and mismatched tilings.</summary>
    private static readonly (long[] XShape, long[]? XTile, long[] YShape, long[]? YTile)[] Pairs =
    [
        ([10, 7], [3, 5], [10, 7], [4, 2]),
        ([10, 7], [3, 5], [7], [2]),
        ([10, 1], [4, 1], [1, 7], [1, 3]),
        ([7], [1], [7], [3]),
        ([7], [1], [], null),
        ([4, 3, 5], [3, 2, 4], [3, 1], [2, 1]),
        ([4, 1, 5], [1, 1, 2], [4, 3, 1], [3, 2, 1]),
        ([], null, [], null),
        ([0, 7], null, [7], [3]),
    ];

    [Theory, InlineData(1), InlineData(3)]
    public void UnaryFloatFunctions(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(F64, [10, 7], 11, -3, 3);
        Ref pos = Ref.Random(F64, [4, 3, 5], 12, 0.01, 50);
        Expr xe = x.ToExpr(tileHint: (3, 5));
        Expr pe = pos.ToExpr(tileHint: (3, 2, 4));
        Oracle.AssertEq(Sp.Abs(xe), x.Map(F64, Math.Abs), (3, 5), "abs");
        Oracle.AssertEq(Sp.Exp(xe), x.Map(F64, Math.Exp), (3, 5), "exp");
        Oracle.AssertEq(Sp.Log(pe), pos.Map(F64, Math.Log), (3, 2, 4), "log");
        Oracle.AssertEq(Sp.Ln(pe), pos.Map(F64, Math.Log), (3, 2, 4), "ln");
        Oracle.AssertEq(Sp.Sqrt(pe), pos.Map(F64, Math.Sqrt), (3, 2, 4), "sqrt");
        Oracle.AssertEq(Sp.Square(xe), x.Map(F64, v => v * v), (3, 5), "square");
        Oracle.AssertEq(Sp.Sin(xe), x.Map(F64, Math.Sin), (3, 5), "sin");
        Oracle.AssertEq(Sp.Cos(xe), x.Map(F64, Math.Cos), (3, 5), "cos");
        Oracle.AssertEq(Sp.Tanh(xe), x.Map(F64, Math.Tanh), (3, 5), "tanh");
        Oracle.AssertEq(Sp.Floor(xe), x.Map(F64, Math.Floor), (3, 5), "floor");
        Oracle.AssertEq(Sp.Ceil(xe), x.Map(F64, Math.Ceiling), (3, 5), "ceil");
        Oracle.AssertEq(-xe, x.Map(F64, v => -v), (3, 5), "negate");

        // Float32 stays float32.
        Ref x32 = x.AsType(F32);
        Expr x32e = x32.ToExpr(tileHint: (3, 5));
        Oracle.AssertEq(Sp.Exp(x32e), x32.Map(F32, v => Math.Exp(v)), what: "exp float32");
        Oracle.AssertEq(Sp.Floor(x32e), x32.Map(F32, Math.Floor), what: "floor float32");
        Oracle.AssertEq(Sp.Abs(x32e), x32.Map(F32, Math.Abs), what: "abs float32");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void SpecialValues(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        double[] v = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, -2.5, 2.5, -1, 1e-300, -3.5, 1e-10, -1e-8, 1e-20, 3e-6];
        Ref r = Ref.Of(F64, [v.Length], v);
        Expr x = r.ToExpr(tileHint: 3);
        Oracle.AssertEq(Sp.Sign(x), r.Map(F64, s => double.IsNaN(s) ? double.NaN : Math.Sign(s)), what: "sign");
        Oracle.AssertEq(Sp.IsNan(x), r.Map(B, s => double.IsNaN(s) ? 1 : 0), what: "isnan");
        Oracle.AssertEq(Sp.Abs(x), r.Map(F64, Math.Abs), what: "abs");
        Oracle.AssertEq(Sp.Floor(x), r.Map(F64, Math.Floor), what: "floor");
        Oracle.AssertEq(Sp.Ceil(x), r.Map(F64, Math.Ceiling), what: "ceil");
        Oracle.AssertEq(Sp.Sqrt(x), r.Map(F64, Math.Sqrt), what: "sqrt of negatives is NaN");
        Oracle.AssertEq(Sp.Log(x), r.Map(F64, Math.Log), what: "log(0) = -inf, log(<0) = NaN");
        Oracle.AssertEq(Sp.Exp(x), r.Map(F64, Math.Exp), what: "exp");
        Oracle.AssertEq(Sp.Tanh(x), r.Map(F64, Math.Tanh), what: "tanh");
        Oracle.AssertEq(Sp.Sin(x), r.Map(F64, Math.Sin), what: "sin");
        Oracle.AssertEq(Sp.Tanh(x.AsType(DType.Float32)), r.Map(DType.Float32, t => Math.Tanh((float)t)), what: "tanh float32");
        Assert.Equal(0.0f, Sp.Tanh(Sp.Zeros(3, DType.Float32)).Glom().ToArray<float>()[1]);

        // Sign, Abs, Square keep integer dtypes; Floor and Ceil of integers give float64 (documented difference).
        Ref i = Ref.Of(I64, [7], [long.MinValue, -5L, -1, 0, 1, 9, long.MaxValue]);
        Expr ie = i.ToExpr(tileHint: 2);
        Oracle.AssertEq(Sp.Sign(ie), i.MapInt(I64, s => Math.Sign(s)), what: "sign int64");
        Oracle.AssertEq(Sp.Abs(ie), i.MapInt(I64, s => s < 0 ? unchecked(-s) : s), what: "abs int64 wraps at MinValue");
        Oracle.AssertEq(Sp.Square(ie), i.MapInt(I64, s => unchecked(s * s)), what: "square int64 wraps");
        Oracle.AssertEq(-ie, i.MapInt(I64, s => unchecked(-s)), what: "negate int64 wraps");
        Oracle.AssertEq(Sp.Floor(ie), i.Map(F64, s => s), what: "floor int64 -> float64");
        Oracle.AssertEq(Sp.Ceil(ie.AsType(I32)), i.MapInt(I32, s => s).Map(F64, s => s), what: "ceil int32 -> float64");
        Oracle.AssertEq(Sp.Sqrt(Sp.Arange(9)), Ref.Make(F64, [9], k => Math.Sqrt(k[0])), what: "sqrt int64 -> float64");
        Oracle.AssertEq(Sp.Exp(Sp.Arange(4).AsType(I32)), Ref.Make(F64, [4], k => Math.Exp(k[0])), what: "exp int32 -> float64");
        Oracle.AssertEq(Sp.IsNan(ie), i.Map(B, _ => 0), what: "isnan int");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void NormCdfMatchesTheStandardNormal(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Make(F64, [41], i => -2.5 + (i[0] * 0.125));
        Oracle.AssertEq(Sp.NormCdf(x.ToExpr(tileHint: 6)), x.Map(F64, NormCdfSeries), what: "normcdf");

        // Tail values (scipy.stats.norm.cdf), where a series would lose digits.
        double[] at = [-8, -5, 5, 8, double.NegativeInfinity, double.PositiveInfinity];
        double[] want = [6.22096057427178e-16, 2.866515718791939e-07, 0.9999997133484281, 0.9999999999999993, 0, 1];
        double[] got = Sp.NormCdf(Sp.FromArray(at)).Glom().ToArray<double>();
        for (int i = 0; i < at.Length; i++)
        {
            Assert.True(Math.Abs(got[i] - want[i]) <= 1e-10 * Math.Abs(want[i]), $"normcdf({at[i]}) = {got[i]:R}, expected {want[i]:R}");
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ArithmeticBroadcastsAcrossDifferentTilings(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        int seed = 100;
        foreach ((long[] xs, long[]? xt, long[] ys, long[]? yt) in Pairs)
        {
            string what = $"({string.Join(",", xs)}) op ({string.Join(",", ys)})";
            Ref a = Ref.Random(F64, xs, seed++), b = Ref.Random(F64, ys, seed++, 0.5, 9);
            Expr x = a.ToExpr(tileHint: CreationTests.Hint(xt)), y = b.ToExpr(tileHint: CreationTests.Hint(yt));
            Oracle.AssertEq(x + y, Ref.Zip(a, b, F64, (p, q) => p + q), what: "+ " + what);
            Oracle.AssertEq(x - y, Ref.Zip(a, b, F64, (p, q) => p - q), what: "- " + what);
            Oracle.AssertEq(y - x, Ref.Zip(b, a, F64, (p, q) => p - q), what: "reversed - " + what);
            Oracle.AssertEq(x * y, Ref.Zip(a, b, F64, (p, q) => p * q), what: "* " + what);
            Oracle.AssertEq(x / y, Ref.Zip(a, b, F64, (p, q) => p / q), what: "/ " + what);
            Oracle.AssertEq(x % y, Ref.Zip(a, b, F64, FloorModF), what: "% " + what);
            Oracle.AssertEq(Sp.Add(x, y), Ref.Zip(a, b, F64, (p, q) => p + q), what: "Add " + what);
            Oracle.AssertEq(Sp.Sub(x, y), Ref.Zip(a, b, F64, (p, q) => p - q), what: "Sub " + what);
            Oracle.AssertEq(Sp.Multiply(x, y), Ref.Zip(a, b, F64, (p, q) => p * q), what: "Multiply " + what);
            Oracle.AssertEq(Sp.Divide(x, y), Ref.Zip(a, b, F64, (p, q) => p / q), what: "Divide " + what);
            Oracle.AssertEq(Sp.Mod(x, y), Ref.Zip(a, b, F64, FloorModF), what: "Mod " + what);
            Oracle.AssertEq(Sp.Power(Sp.Abs(x), y), Ref.Zip(a, b, F64, (p, q) => Math.Pow(Math.Abs(p), q)), what: "Power " + what);
            Oracle.AssertEq(Sp.Maximum(x, y), Ref.Zip(a, b, F64, Math.Max), what: "Maximum " + what);
            Oracle.AssertEq(Sp.Minimum(x, y), Ref.Zip(a, b, F64, Math.Min), what: "Minimum " + what);
            Oracle.AssertEq(x < y, Ref.Zip(a, b, B, (p, q) => p < q ? 1 : 0), what: "< " + what);
            Oracle.AssertEq(x <= y, Ref.Zip(a, b, B, (p, q) => p <= q ? 1 : 0), what: "<= " + what);
            Oracle.AssertEq(x > y, Ref.Zip(a, b, B, (p, q) => p > q ? 1 : 0), what: "> " + what);
            Oracle.AssertEq(x >= y, Ref.Zip(a, b, B, (p, q) => p >= q ? 1 : 0), what: ">= " + what);

            // A fused chain over three differently tiled operands.
            Oracle.AssertEq(Sp.Exp(-(x * y)) + (x / 3.0) - 1, Ref.Zip(a, b, F64, (p, q) => Math.Exp(-(p * q)) + (p / 3.0) - 1), what: "chain " + what);
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void IntegerArithmeticIsExactAndWraps(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        int seed = 200;
        foreach ((long[] xs, long[]? xt, long[] ys, long[]? yt) in Pairs)
        {
            string what = $"({string.Join(",", xs)}) op ({string.Join(",", ys)})";
            foreach (DType t in new[] { I64, I32 })
            {
                Ref a = Ref.Random(t, xs, seed++, -1000, 1000), b = Ref.Random(t, ys, seed++, -7, 8);
                Expr x = a.ToExpr(tileHint: CreationTests.Hint(xt)), y = b.ToExpr(tileHint: CreationTests.Hint(yt));
                Oracle.AssertEq(x + y, Ref.ZipInt(a, b, t, (p, q) => p + q), what: $"{t} + {what}");
                Oracle.AssertEq(x - y, Ref.ZipInt(a, b, t, (p, q) => p - q), what: $"{t} - {what}");
                Oracle.AssertEq(x * y, Ref.ZipInt(a, b, t, (p, q) => p * q), what: $"{t} * {what}");
                Oracle.AssertEq(x % y, Ref.ZipInt(a, b, t, FloorModI), what: $"{t} % {what}");
                Oracle.AssertEq(x / y, Ref.Zip(a, b, F64, (p, q) => p / q), what: $"{t} / {what} is float64");
                Oracle.AssertEq(Sp.Power(x, Sp.Abs(y)), Ref.ZipInt(a, b, t, (p, q) => IntPow(p, Math.Abs(q), t)), what: $"{t} ** {what}");
                Oracle.AssertEq(Sp.Maximum(x, y), Ref.ZipInt(a, b, t, Math.Max), what: $"{t} maximum {what}");
                Oracle.AssertEq(Sp.Minimum(x, y), Ref.ZipInt(a, b, t, Math.Min), what: $"{t} minimum {what}");
                Oracle.AssertEq(x & y, Ref.ZipInt(a, b, t, (p, q) => p & q), what: $"{t} & {what}");
                Oracle.AssertEq(x | y, Ref.ZipInt(a, b, t, (p, q) => p | q), what: $"{t} | {what}");
                Oracle.AssertEq(x ^ y, Ref.ZipInt(a, b, t, (p, q) => p ^ q), what: $"{t} ^ {what}");
                Oracle.AssertEq(~x, a.MapInt(t, p => ~p), what: $"~{t}");
                Oracle.AssertEq(x.Eq(y), Ref.ZipInt(a, b, B, (p, q) => p == q ? 1 : 0), what: $"{t} == {what}");
                Oracle.AssertEq(x.Ne(y), Ref.ZipInt(a, b, B, (p, q) => p != q ? 1 : 0), what: $"{t} != {what}");
                Oracle.AssertEq(x < y, Ref.ZipInt(a, b, B, (p, q) => p < q ? 1 : 0), what: $"{t} < {what}");
            }
        }

        // Wraparound at the edges of int64 and int32.
        Ref big = Ref.Of(I64, [4], [long.MaxValue, long.MinValue, long.MaxValue / 2, -3]);
        Expr be = big.ToExpr(tileHint: 3);
        Oracle.AssertEq(be + 1, big.MapInt(I64, v => unchecked(v + 1)), what: "int64 + 1 wraps");
        Oracle.AssertEq(be * 3, big.MapInt(I64, v => unchecked(v * 3)), what: "int64 * 3 wraps");
        Oracle.AssertEq(be - be - be, big.MapInt(I64, v => unchecked(-v)), what: "int64 - wraps");
        Oracle.AssertEq(Sp.Power(be, 3), big.MapInt(I64, v => unchecked(v * v * v)), what: "int64 ** 3 wraps");
        Ref small = Ref.Of(I32, [4], [int.MaxValue, int.MinValue, 65536, -7]);
        Expr se = small.ToExpr(tileHint: 3);
        Oracle.AssertEq(se + 1, small.MapInt(I32, v => unchecked((int)v + 1)), what: "int32 + 1 wraps in int32");
        Oracle.AssertEq(se * se, small.MapInt(I32, v => unchecked((int)v * (int)v)), what: "int32 * int32 wraps in int32");
        Oracle.AssertEq(-se, small.MapInt(I32, v => unchecked(-(int)v)), what: "-int32 wraps");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void IntegerPowerEdgeCases(int workers)
    {
        // Documented difference: NumPy raises ValueError for an integer to a negative integer power; values are not
        // known when Spartan builds the expression, so it gives 1 / b truncated (1, -1 or 0) instead.
        using SpartanContext ctx = Oracle.Start(workers);
        Ref b = Ref.Of(I64, [6], [1L, -1, 2, -3, 0, 5]);
        Ref e = Ref.Of(I64, [6], [-3L, -3, -1, -2, 0, 0]);
        Oracle.AssertEq(Sp.Power(b.ToExpr(tileHint: 4), e.ToExpr(tileHint: 5)), Ref.Of(I64, [6], [1L, -1, 0, 0, 1, 1]), what: "int ** negative, x ** 0 == 1");
        Oracle.AssertEq(Sp.Power(Sp.Arange(-3, 4), 2), Ref.MakeInt(I64, [7], i => (i[0] - 3) * (i[0] - 3)), what: "int64 ** weak 2 stays int64");
        Oracle.AssertEq(Sp.Power(Sp.Arange(4).AsType(F32), 0.5), Ref.Make(F32, [4], i => Math.Sqrt(i[0])), what: "float32 ** 0.5 stays float32");
        Oracle.AssertEq(Sp.Power(Sp.Full(3, 0.0), Sp.FromArray(new[] { 0.0, -1, double.NaN })), Ref.Of(F64, [3], [1.0, double.PositiveInfinity, double.NaN]), what: "0 ** 0, 0 ** -1, 0 ** NaN");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void FloorModuloTakesTheSignOfTheDivisor(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        long[] xs = [7, -7, 7, -7, 0, 5, -5, long.MinValue, long.MinValue, 9, 6, -6];
        long[] ys = [3, 3, -3, -3, 3, 0, 0, -1, 7, 1, -3, 3];
        Ref a = Ref.Of(I64, [xs.Length], xs), b = Ref.Of(I64, [ys.Length], ys);
        Expr x = a.ToExpr(tileHint: 5), y = b.ToExpr(tileHint: 4);
        Oracle.AssertEq(x % y, Ref.Of(I64, [xs.Length], [1L, 2, -2, -1, 0, 0, 0, 0, 6, 0, 0, 0]), what: "int64 floor mod table");
        Oracle.AssertEq(x.AsType(I32) % y.AsType(I32), Ref.ZipInt(a.AsType(I32), b.AsType(I32), I32, FloorModI), what: "int32 floor mod");
        Oracle.AssertEq(Sp.Arange(-6, 7) % 0, Ref.Of(I64, [13], new long[13]), what: "x % 0 == 0 for integers");
        Oracle.AssertEq(Sp.Arange(-6, 7) % -4, Ref.MakeInt(I64, [13], i => FloorModI(i[0] - 6, -4)), what: "x % -4");

        double[] fx = [7.5, -7.5, 7.5, -7.5, 4.0, -4.0, 1.0, 0.0, -0.0, double.NaN, double.PositiveInfinity, 3.0];
        double[] fy = [2, 2, -2, -2, 2, -2, 0, 5, -5, 1, 2, double.NaN];
        Ref fa = Ref.Of(F64, [fx.Length], fx), fb = Ref.Of(F64, [fy.Length], fy);
        NDArray r = (fa.ToExpr(tileHint: 5) % fb.ToExpr(tileHint: 7)).Glom();
        double[] want = [1.5, 0.5, -0.5, -1.5, 0.0, -0.0, double.NaN, 0.0, -0.0, double.NaN, double.NaN, double.NaN];
        double[] got = r.ToArray<double>();
        for (int i = 0; i < want.Length; i++)
        {
            // Bitwise: the sign of a zero result is the divisor's, as in NumPy.
            Assert.True(BitConverter.DoubleToInt64Bits(want[i]) == BitConverter.DoubleToInt64Bits(got[i]) || (double.IsNaN(want[i]) && double.IsNaN(got[i])), $"{fx[i]} % {fy[i]}: expected {want[i]:R}, got {got[i]:R}");
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MaximumMinimumPropagateNaN(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Of(F64, [6], [double.NaN, 1.0, double.NaN, 3, -0.5, double.PositiveInfinity]);
        Ref b = Ref.Of(F64, [6], [2.0, double.NaN, double.NaN, -3, double.NaN, 1]);
        Expr x = a.ToExpr(tileHint: 4), y = b.ToExpr(tileHint: 1);
        Oracle.AssertEq(Sp.Maximum(x, y), Ref.Zip(a, b, F64, Math.Max), what: "maximum NaN");
        Oracle.AssertEq(Sp.Minimum(x, y), Ref.Zip(a, b, F64, Math.Min), what: "minimum NaN");
        Oracle.AssertEq(Sp.Clip(x, -1.0, 2.0), a.Map(F64, v => double.IsNaN(v) ? v : Math.Min(Math.Max(v, -1), 2)), what: "clip NaN");
        Oracle.AssertEq(x.Eq(x), a.Map(B, v => double.IsNaN(v) ? 0 : 1), what: "NaN == NaN is false");
        Oracle.AssertEq(x.Ne(x), a.Map(B, v => double.IsNaN(v) ? 1 : 0), what: "NaN != NaN is true");
        Oracle.AssertEq(x < y, Ref.Zip(a, b, B, (p, q) => p < q ? 1 : 0), what: "NaN < is false");
        Oracle.AssertEq(Sp.Maximum(x.AsType(F32), y.AsType(F32)), Ref.Zip(a, b, F32, Math.Max), what: "maximum NaN float32");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void WhereAndClip(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref c = Ref.Random(B, [10, 7], 31);
        Ref a = Ref.Random(F64, [10, 7], 32);
        Ref b = Ref.Random(F64, [7], 33);
        Expr ce = c.ToExpr(tileHint: (4, 2)), ae = a.ToExpr(tileHint: (3, 5)), be = b.ToExpr(tileHint: 3);
        Ref expected = Ref.Make(F64, [10, 7], i => c.At(i) != 0 ? a.At(i) : b.At(i[1]));
        Oracle.AssertEq(Sp.Where(ce, ae, be), expected, what: "where");
        Oracle.AssertEq(Sp.Where(ae > 0, ae, 0.0), a.Map(F64, v => v > 0 ? v : 0), what: "where with a scalar");
        Oracle.AssertEq(Sp.Where(be > 0, 1, -1), b.Map(I64, v => v > 0 ? 1 : -1), what: "where of weak ints is int64");

        // Condition of another dtype: non-zero is true; branches promote.
        Ref ci = Ref.Random(I32, [7], 34, -1, 2);
        Ref i32 = Ref.Random(I32, [10, 7], 35);
        Oracle.AssertEq(Sp.Where(ci.ToExpr(tileHint: 2), i32.ToExpr(tileHint: (3, 5)), be), Ref.Make(F64, [10, 7], i => ci.At(i[1]) != 0 ? i32.At(i) : b.At(i[1])), what: "where int cond, int32|float64 -> float64");
        Oracle.AssertEq(Sp.Where(ce, i32.ToExpr(), 7), Ref.Make(I32, [10, 7], i => c.At(i) != 0 ? i32.At(i) : 7), what: "where int32|weak int -> int32");

        Oracle.AssertEq(Sp.Clip(ae, -2.5, 3.0), a.Map(F64, v => Math.Min(Math.Max(v, -2.5), 3.0)), what: "clip scalars");
        Oracle.AssertEq(Sp.Clip(ae, be, be + 1), Ref.Make(F64, [10, 7], i => Math.Min(Math.Max(a.At(i), b.At(i[1])), b.At(i[1]) + 1)), what: "clip arrays");
        Oracle.AssertEq(Sp.Clip(i32.ToExpr(tileHint: (3, 5)), -3, 4), i32.MapInt(I32, v => Math.Min(Math.Max(v, -3), 4)), what: "clip int32 stays int32");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void BoolsAreLogicalAndStoredAsZeroOrOne(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref p = Ref.Random(B, [10, 7], 41), q = Ref.Random(B, [7], 42);
        Expr x = p.ToExpr(tileHint: (3, 5)), y = q.ToExpr(tileHint: 2);
        Oracle.AssertEq(x & y, Ref.ZipInt(p, q, B, (a, b) => a & b), what: "&");
        Oracle.AssertEq(x | y, Ref.ZipInt(p, q, B, (a, b) => a | b), what: "|");
        Oracle.AssertEq(x ^ y, Ref.ZipInt(p, q, B, (a, b) => a ^ b), what: "^");
        Oracle.AssertEq(~x, p.MapInt(B, a => 1 - a), what: "~ is logical not");
        Oracle.AssertEq(~~x, p, what: "~~");
        Oracle.AssertEq(x + y, Ref.ZipInt(p, q, B, (a, b) => a | b), what: "bool + is or");
        Oracle.AssertEq(x * y, Ref.ZipInt(p, q, B, (a, b) => a & b), what: "bool * is and");
        Oracle.AssertEq(Sp.Maximum(x, y), Ref.ZipInt(p, q, B, Math.Max), what: "bool maximum");
        Oracle.AssertEq(Sp.Minimum(x, y), Ref.ZipInt(p, q, B, Math.Min), what: "bool minimum");
        Oracle.AssertEq(x.Eq(y), Ref.ZipInt(p, q, B, (a, b) => a == b ? 1 : 0), what: "bool ==");
        Oracle.AssertEq(x < y, Ref.ZipInt(p, q, B, (a, b) => a < b ? 1 : 0), what: "bool <");
        Oracle.AssertEq(x / y, Ref.Zip(p, q, F64, (a, b) => a / b), what: "bool / is float64");
        Oracle.AssertEq(x.AsType(I64), p.AsType(I64), what: "bool as int64 is 0/1");
        Oracle.AssertEq(x.AsType(F64) * 2.5, p.Map(F64, a => a * 2.5), what: "bool as float64");
        Oracle.AssertEq(Sp.Where(x, x, ~x), Ref.Make(B, [10, 7], _ => 1), what: "where of bools");
        Oracle.AssertEq(x & true, p, what: "bool & weak true");
        Oracle.AssertEq(x ^ true, p.MapInt(B, a => 1 - a), what: "bool ^ weak true");

        // Results of comparisons and casts are 0/1 bytes wherever they come from.
        Ref f = Ref.Of(F64, [6], [0.0, -0.0, 0.5, -2, double.NaN, 3]);
        Oracle.AssertEq(f.ToExpr(tileHint: 4).AsType(B), f.Map(B, v => v != 0 || double.IsNaN(v) ? 1 : 0), what: "float as bool: non-zero (NaN too) is True");
        Oracle.AssertEq(Sp.Arange(-3, 4).AsType(B), Ref.MakeInt(B, [7], i => i[0] - 3 != 0 ? 1 : 0), what: "int as bool");
        Oracle.AssertEq(Sp.Map(x, t => t), p, what: "bool through a user kernel");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void AsTypeConvertsLikeNumPy(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref f = Ref.Of(F64, [8], [2.9, -2.9, 0.5, -0.5, 1e9, -1e9, 3, 1.5e-7]);
        Expr x = f.ToExpr(tileHint: 3);
        Oracle.AssertEq(x.AsType(I64), f.MapInt(I64, v => v), what: "float64 -> int64 truncates");
        Oracle.AssertEq(x.AsType(I32), f.MapInt(I32, v => v), what: "float64 -> int32 truncates");
        Oracle.AssertEq(x.AsType(F32), f.Map(F32, v => (float)v), what: "float64 -> float32 rounds");
        Oracle.AssertEq(x.AsType(F64), f, what: "astype to the same dtype");
        Ref i = Ref.Of(I64, [5], [(1L << 40) + 3, -1, int.MaxValue + 1L, 0, (1L << 53) + 1]);
        Expr ie = i.ToExpr(tileHint: 2);
        Oracle.AssertEq(ie.AsType(I32), i.MapInt(I32, v => unchecked((int)v)), what: "int64 -> int32 wraps");
        Oracle.AssertEq(ie.AsType(F64), i.Map(F64, v => v), what: "int64 -> float64");
        Oracle.AssertEq(ie.AsType(F32), i.Map(F32, v => v), what: "int64 -> float32");
    }

    internal static double FloorModF(double x, double y)
    {
        // npy_divmod: the remainder of fmod, moved to the divisor's sign; a zero takes the divisor's sign.
        if (y == 0)
        {
            return double.NaN;
        }

        double m = x % y;

        if (m != 0)
        {
            return (y < 0) != (m < 0) ? m + y : m;
        }

        return Math.CopySign(0, y);
    }

    internal static long FloorModI(long x, long y)
    {
        if (y == 0 || y == -1)
        {
            return 0;
        }

        long m = x % y;
        return m != 0 && (m < 0) != (y < 0) ? m + y : m;
    }

    private static long IntPow(long b, long e, DType t)
    {
        long r = 1;
        for (long k = 0; k < e; k++)
        {
            r = unchecked(r * b);
        }

        return t == DType.Int32 ? unchecked((int)r) : r;
    }

    /// <summary>Phi(x) = (1 + erf(x / sqrt 2)) / 2 with erf from its Taylor series (accurate for |x| &lt;= 2.5).</summary>
    private static double NormCdfSeries(double x)
    {
        double z = x / Math.Sqrt(2), term = z, sum = z;
        for (int n = 1; n < 200; n++)
        {
            term *= -z * z / n;
            sum += term / ((2 * n) + 1);
        }

        return 0.5 * (1 + (2 / Math.Sqrt(Math.PI) * sum));
    }
}
