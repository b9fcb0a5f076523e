namespace Spartan.Tests;

/// <summary>NumPy 2 promotion (NEP 50): the strong table, weak C# scalars, true division.</summary>
public class PromotionTests
{
    private const DType B = DType.Bool;
    private const DType I32 = DType.Int32;
    private const DType I64 = DType.Int64;
    private const DType F32 = DType.Float32;
    private const DType F64 = DType.Float64;

    /// <summary>np.result_type for every pair of array dtypes (numpy 2, no weak operands).</summary>
    public static TheoryData<DType, DType, DType> Table => new()
    {
        { B, B, B }, { B, I32, I32 }, { B, I64, I64 }, { B, F32, F32 }, { B, F64, F64 },
        { I32, I32, I32 }, { I32, I64, I64 }, { I32, F32, F64 }, { I32, F64, F64 },
        { I64, I64, I64 }, { I64, F32, F64 }, { I64, F64, F64 },
        { F32, F32, F32 }, { F32, F64, F64 },
        { F64, F64, F64 },
    };

    [Theory, MemberData(nameof(Table))]
    public void StrongOperandsPromoteAsNumPy(DType a, DType b, DType want)
    {
        foreach (int workers in new[] { 1, 3 })
        {
            using SpartanContext ctx = Oracle.Start(workers);
            Ref ra = Ref.Random(a, [10, 7], 1, 1, 9), rb = Ref.Random(b, [7], 2, 1, 9);
            Expr x = ra.ToExpr(tileHint: (3, 5)), y = rb.ToExpr(tileHint: 2);
            foreach ((Expr e, string op) in new[] { (x * y, "*"), (y * x, "* reversed"), (Sp.Maximum(x, y), "maximum"), (Sp.Where(x.Ne(0), x, y), "where") })
            {
                Assert.True(e.DType == want, $"{a} {op} {b}: expected {want}, got {e.DType}");
            }

            if (want != B)
            {
                Assert.Equal(want, (x + y).DType);
                Assert.Equal(want, (x - y).DType);
                Assert.Equal(want, (x % y).DType);
                Oracle.AssertEq(x + y, Ref.Zip(ra, rb, want, (p, q) => p + q), what: $"{a} + {b}");
                Oracle.AssertEq(x - y, Ref.Zip(ra, rb, want, (p, q) => p - q), what: $"{a} - {b}");
            }
            else
            {
                Assert.Equal(B, (x + y).DType);
            }

            DType div = want is F32 ? F32 : F64;
            Oracle.AssertEq(x / y, Ref.Zip(ra, rb, div, (p, q) => div == F32 ? (float)p / (float)q : p / q), what: $"{a} / {b}");
            Oracle.AssertEq(x < y, Ref.Zip(ra, rb, B, (p, q) => p < q ? 1 : 0), what: $"{a} < {b}");
            Assert.Equal(want, Sp.Where(x.Ne(0), x, y).DType);
        }
    }

    /// <summary>(array dtype, weak scalar kind, result) after NEP 50: the array's dtype wins unless the scalar is of a
    /// higher kind (bool &lt; int &lt; float).</summary>
    [Theory, InlineData(1), InlineData(3)]
    public void WeakScalarsAdoptTheArrayDtype(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref r32 = Ref.Random(I32, [10, 7], 3, -50, 50);
        Ref r64 = Ref.Random(I64, [10, 7], 4, -50, 50);
        Ref rf32 = Ref.Random(F32, [10, 7], 5);
        Ref rf64 = Ref.Random(F64, [10, 7], 6);
        Ref rb = Ref.Random(B, [10, 7], 7);
        Expr i32 = r32.ToExpr(tileHint: (3, 5)), i64 = r64.ToExpr(tileHint: (3, 5)), f32 = rf32.ToExpr(tileHint: (3, 5)), f64 = rf64.ToExpr(tileHint: (3, 5)), b = rb.ToExpr(tileHint: (3, 5));

        Oracle.AssertEq(i32 * 2, r32.MapInt(I32, v => v * 2), what: "int32 * 2 stays int32");
        Oracle.AssertEq(2 * i32, r32.MapInt(I32, v => v * 2), what: "2 * int32 stays int32");
        Oracle.AssertEq(i32 + 3L, r32.MapInt(I32, v => v + 3), what: "int32 + 3L stays int32");
        Oracle.AssertEq(i32 * 2.5, r32.Map(F64, v => v * 2.5), what: "int32 * 2.5 is float64");
        Oracle.AssertEq(i32 + true, r32.MapInt(I32, v => v + 1), what: "int32 + True stays int32");
        Oracle.AssertEq(i64 * 2, r64.MapInt(I64, v => v * 2), what: "int64 * 2 stays int64");
        Oracle.AssertEq(i64 - 0.5, r64.Map(F64, v => v - 0.5), what: "int64 - 0.5 is float64");
        Oracle.AssertEq(f32 * 2.0, rf32.Map(F32, v => (float)v * 2.0f), what: "float32 * 2.0 stays float32");
        Oracle.AssertEq(f32 + 1, rf32.Map(F32, v => (float)v + 1.0f), what: "float32 + 1 stays float32");
        Oracle.AssertEq(f32 / 3, rf32.Map(F32, v => (float)v / 3.0f), what: "float32 / 3 stays float32");
        Oracle.AssertEq(f32 * false, rf32.Map(F32, v => (float)v * 0.0f), what: "float32 * False stays float32");
        Oracle.AssertEq(f64 * 2, rf64.Map(F64, v => v * 2), what: "float64 * 2");
        Oracle.AssertEq(b + 1, rb.MapInt(I64, v => v + 1), what: "bool + 1 is int64");
        Oracle.AssertEq(b * 2.5, rb.Map(F64, v => v * 2.5), what: "bool * 2.5 is float64");
        Oracle.AssertEq(b | false, rb, what: "bool | False stays bool");
        Oracle.AssertEq(b + true, Ref.Make(B, [10, 7], _ => 1), what: "bool + True is True");
        Oracle.AssertEq(i32 < 2.5, r32.Map(B, v => v < 2.5 ? 1 : 0), what: "int32 < 2.5 compares as float");
        Oracle.AssertEq(f32.Eq(0.1), rf32.Map(B, v => (float)v == 0.1f ? 1 : 0), what: "float32 == 0.1 compares in float32");
        Oracle.AssertEq(i32 / 2, r32.Map(F64, v => v / 2), what: "int32 / 2 is float64");
        Oracle.AssertEq(i32 % 7, r32.MapInt(I32, v => ElementwiseTests.FloorModI(v, 7)), what: "int32 % 7 stays int32");

        // Two weak scalars promote as Python numbers; the result is a 0-d array.
        Expr two = 2, half = 0.5, yes = true;
        Oracle.AssertEq(two + 3, Ref.Of(I64, [], [5L]), what: "2 + 3");
        Oracle.AssertEq(two * half, Ref.Of(F64, [], [1.0]), what: "2 * 0.5");
        Oracle.AssertEq(two / 4, Ref.Of(F64, [], [0.5]), what: "2 / 4");
        Oracle.AssertEq(yes & true, Ref.Of(B, [], [1L]), what: "True & True");
        Oracle.AssertEq(yes + 1, Ref.Of(I64, [], [2L]), what: "True + 1");
        Oracle.AssertEq(-(Expr)7 % 3, Ref.Of(I64, [], [2L]), what: "-7 % 3");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ZeroDimensionalArraysAreStrong(int workers)
    {
        // Only C# literals are weak: a 0-d array made by Sp keeps its dtype in promotion.
        using SpartanContext ctx = Oracle.Start(workers);
        Ref r32 = Ref.Random(I32, [7], 8, -50, 50);
        Expr i32 = r32.ToExpr(tileHint: 3);
        Expr zeroD = Sp.Full(Shape.Scalar, 2, DType.Int64);
        Oracle.AssertEq(i32 * zeroD, r32.MapInt(I64, v => v * 2), what: "int32 * int64 0-d array is int64");
        Expr f0 = Sp.Full(Shape.Scalar, 0.5);
        Oracle.AssertEq(r32.ToExpr().AsType(F32) + f0, r32.Map(F64, v => v + 0.5), what: "float32 + float64 0-d array is float64");
        Oracle.AssertEq(Sp.Ones(7, F32, tileHint: 3).Sum() * 2, Ref.Of(F32, [], [14.0]), what: "a reduction result is strong float32; 2 is weak");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void WeakIntegerOutOfRangeOfTheArrayDtypeIsRejected(int workers)
    {
        // NEP 50: int32 array + 2**40 raises OverflowError in NumPy 2 instead of silently wrapping the scalar.
        using SpartanContext ctx = Oracle.Start(workers);
        Expr i32 = Sp.Arange(5).AsType(I32);
        var e = Assert.ThrowsAny<ArgumentException>(() => i32 + (1L << 40));
        Assert.Contains("1099511627776", e.Message, StringComparison.Ordinal);
        Assert.Contains("int32", e.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => i32 * ((long)int.MinValue - 1));
        // Comparisons are exact instead, as in NumPy 2: 2**32 must not wrap to 0.
        Oracle.AssertEq(i32.Eq(1L << 32), Ref.Make(B, [5], _ => 0), what: "int32 == 2**32 is all False");
        Oracle.AssertEq(i32 < (1L << 40), Ref.Make(B, [5], _ => 1), what: "int32 < 2**40 is all True");
        Oracle.AssertEq(i32 > -(1L << 40), Ref.Make(B, [5], _ => 1), what: "int32 > -2**40 is all True");
        Oracle.AssertEq(i32 + int.MaxValue, Ref.MakeInt(I32, [5], i => unchecked(int.MaxValue + (int)i[0])), what: "int32 + int.MaxValue fits, and wraps");
        Oracle.AssertEq(i32 + int.MinValue, Ref.MakeInt(I32, [5], i => int.MinValue + i[0]), what: "int32 + int.MinValue fits");
    }
}
