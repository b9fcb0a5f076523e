using System.Runtime.CompilerServices;
using System.Text;

namespace Spartan.Tests;

/// <summary>Bad input (issue 3): every case throws a clear exception that names the argument or value; build-time
/// errors are ArgumentException subtypes, run-time ones SpartanException naming the user's line; workers survive.</summary>
public class ErrorTests
{
    private readonly int _instanceField = 3;

    [Fact]
    public void NegativeAndOverflowingShapes()
    {
        using SpartanContext ctx = Oracle.Start(3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Zeros((3, -1)));
        Assert.Contains("-1", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Ones(-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Rand((2, -2), seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Eye(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Eye(3, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Full(new long[] { 4, -7, 2 }, 1.0));

        var o = Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Zeros((1L << 40, 1L << 40)));
        Assert.Contains("1099511627776", o.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Randn(new long[] { long.MaxValue, 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Zeros(new long[] { 1L << 21, 1L << 21, 1L << 21 }));

        // Zero extents are fine, even next to a huge one.
        Assert.Equal(0, Sp.Zeros(new long[] { long.MaxValue, 0 }).Size);
    }

    [Fact]
    public void AxisOutOfRange()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Expr x = Sp.Ones((10, 7), tileHint: (3, 5));
        foreach ((Func<Expr> build, int axis) in new (Func<Expr>, int)[]
        {
            (() => x.Sum(2), 2), (() => x.Sum(-3), -3), (() => x.Prod(7), 7), (() => x.Max(2), 2), (() => x.Min(-4), -4),
            (() => x.ArgMax(2), 2), (() => x.ArgMin(-3), -3), (() => x.All(2), 2), (() => x.Any(-3), -3),
            (() => x.Mean(2), 2), (() => x.Var(-3), -3), (() => x.Std(9), 9),
            (() => Sp.CountNonzero(x, 2), 2), (() => Sp.CountZero(x, -3), -3), (() => Sp.Norm(x, 2), 2), (() => Sp.Normalize(x, 5), 5),
            (() => Sp.Reduce(x, 2, (t, e) => t, ReduceOp.Add, DType.Float64), 2),
            (() => Sp.Full(Shape.Scalar, 1.0).Sum(0), 0),
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => build());
            Assert.Equal("axis", e.ParamName);
            Assert.Contains(axis.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnsupportedDtypesForAnOperation()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Expr f = Sp.Ones(5), i = Sp.Arange(5), b = Sp.Ones(5, DType.Bool), f32 = Sp.Ones(5, DType.Float32);
        foreach ((Func<Expr> build, string mentions) in new (Func<Expr>, string)[]
        {
            (() => f & f, "float64"), (() => f | i, "float64"), (() => b ^ f32, "float32"), (() => i & 1.5, "float64"),
            (() => ~f, "float64"), (() => ~f32, "float32"),
            (() => b - b, "bool"), (() => b - true, "bool"), (() => Sp.Sub(b, b), "bool"), (() => -b, "bool"),
            (() => Sp.Reduce(f, null, (t, e) => t, ReduceOp.And, DType.Float64), "float64"),
            (() => Sp.Reduce(f, null, (t, e) => t, ReduceOp.Or, DType.Float32), "float32"),
        })
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => build());
            Assert.Contains(mentions, e.Message, StringComparison.Ordinal);
            Assert.NotNull(e.ParamName);
        }

        Assert.ThrowsAny<ArgumentException>(() => Sp.Zeros(3, (DType)42));
        Assert.ThrowsAny<ArgumentException>(() => f.AsType((DType)42));
        Assert.ThrowsAny<ArgumentException>(() => Sp.Reduce(f, null, (t, e) => t, (ReduceOp)42, DType.Float64));
    }

    [Fact]
    public void BadTileHints()
    {
        using SpartanContext ctx = Oracle.Start(3);
        foreach (Func<Shape, Expr> make in new Func<Shape, Expr>[]
        {
            h => Sp.Zeros((10, 7), tileHint: h),
            h => Sp.Rand((10, 7), seed: 1, tileHint: h),
            h => Sp.Full((10, 7), 2, DType.Int32, tileHint: h),
            h => Sp.FromArray(new double[10, 7], tileHint: h),
            h => Sp.Eye(10, 7, tileHint: h),
        })
        {
            var zero = Assert.Throws<ArgumentOutOfRangeException>(() => make((0, 5)));
            Assert.Equal("tileHint", zero.ParamName);
            Assert.Contains("(0, 5)", zero.Message, StringComparison.Ordinal);
            var large = Assert.Throws<ArgumentOutOfRangeException>(() => make((3, 8)));
            Assert.Equal("tileHint", large.ParamName);
            Assert.Contains("(3, 8)", large.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => make((11, 1)));
            var rank = Assert.ThrowsAny<ArgumentException>(() => make(3));
            Assert.Equal("tileHint", rank.ParamName);
        }

        // The whole array as one tile is fine.
        Oracle.AssertEq(Sp.Ones((10, 7), tileHint: (10, 7)), Ref.Make(DType.Float64, [10, 7], _ => 1), (10, 7));
    }

    [Fact]
    public void OtherBadArguments()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Assert.Equal("high", Assert.Throws<ArgumentOutOfRangeException>(() => Sp.RandInt(5, 3, 3)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Arange(0, 5, 0)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Arange(0.0, 5.0, 0.0)).ParamName);
        Assert.Equal("stop", Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Arange(0.0, double.PositiveInfinity, 1.0)).ParamName);
        Assert.Equal("ddof", Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Ones(3).Var(ddof: -1)).ParamName);
        Assert.Equal("v", Assert.ThrowsAny<ArgumentException>(() => Sp.Diag(Sp.Ones((2, 2, 2)))).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentNullException>(() => Sp.Abs(null!)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => Sp.Add(Sp.Ones(2), null!)).ParamName);
        Assert.Equal("kernel", Assert.Throws<ArgumentNullException>(() => Sp.Map(Sp.Ones(2), null!)).ParamName);
        Assert.Equal("xs", Assert.ThrowsAny<ArgumentException>(() => Sp.Map([], ts => ts[0])).ParamName);

        var empty = Assert.ThrowsAny<ArgumentException>(() => Sp.Zeros((0, 3)).Max());
        Assert.Contains("(0, 3)", empty.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => Sp.Zeros((3, 0)).ArgMax(axis: 1));

        NDArray a = Sp.Ones(3).Glom();
        Assert.Throws<InvalidCastException>(() => a.ToArray<float>());
        Assert.Throws<InvalidOperationException>(() => a.ToScalar<double>());
        Assert.Throws<ShapeMismatchException>(() => NDArray.From(new double[5], (2, 3)));
    }

    [Fact]
    public void IncompatibleBroadcastThrowsAtBuildTime()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Expr a = Sp.Ones((10, 7)), b = Sp.Ones(10), c = Sp.Ones((4, 3, 5));
        var e = Assert.Throws<ShapeMismatchException>(() => a + b);
        Assert.Contains("(10, 7)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(10,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => a * c);
        Assert.Throws<ShapeMismatchException>(() => a < b);
        Assert.Throws<ShapeMismatchException>(() => Sp.Maximum(b, a));
        Assert.Throws<ShapeMismatchException>(() => Sp.Where(a > 0, a, b));
        Assert.Throws<ShapeMismatchException>(() => Sp.Where(b > 0, a, 1.0));
        Assert.Throws<ShapeMismatchException>(() => Sp.Clip(a, b, 1.0));
        Assert.Throws<ShapeMismatchException>(() => a.Eq(Sp.Ones((7, 10))));
        var m = Assert.Throws<ShapeMismatchException>(() => Sp.Map([a, b], ts => ts[0]));
        Assert.Equal("xs", m.ParamName);
        Assert.Throws<ShapeMismatchException>(() => Sp.Map([Sp.Ones(7), a], ts => ts[0]));
    }

    [Fact]
    public void KernelReturningTheWrongShapeOrDtype()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Expr x = Sp.Ones((10, 7), tileHint: (3, 5));
        (Expr shape, int shapeLine) = (Sp.Map(x, t => NDArray.Empty((1, 1), DType.Float64)), Here());
        var e = Assert.Throws<SpartanException>(() => shape.Evaluate());
        Assert.Equal($"ErrorTests.cs:{shapeLine}", e.ExprTrace);
        Assert.Contains("(1, 1)", e.ToString(), StringComparison.Ordinal);
        Assert.Contains("expected", e.ToString(), StringComparison.Ordinal);

        (Expr dtype, int dtypeLine) = (Sp.Map(x, t => NDArray.Empty(t.Shape, DType.Int64)), Here());
        e = Assert.Throws<SpartanException>(() => dtype.Glom());
        Assert.Equal($"ErrorTests.cs:{dtypeLine}", e.ExprTrace);
        Assert.Contains("int64", e.ToString(), StringComparison.Ordinal);
        Assert.Contains("float64", e.ToString(), StringComparison.Ordinal);

        (Expr nul, int nulLine) = (Sp.MapWithLocation(x, (t, ext) => null!), Here());
        Assert.Equal($"ErrorTests.cs:{nulLine}", Assert.Throws<SpartanException>(() => nul.Evaluate()).ExprTrace);

        (Expr partial, int partialLine) = (Sp.Reduce(x, 0, (t, ext) => t, ReduceOp.Add, DType.Float64), Here());
        e = Assert.Throws<SpartanException>(() => partial.Evaluate());
        Assert.Equal($"ErrorTests.cs:{partialLine}", e.ExprTrace);

        // The context is still usable.
        Oracle.AssertEq((x * 2).Sum(), Ref.Of(DType.Float64, [], [140.0]));
    }

    [Theory, InlineData(1), InlineData(3)]
    public async Task KernelThatThrowsNamesTheUserLineAndLeavesWorkersUsable(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Expr source = Sp.FromArray(Enumerable.Range(0, 70).Select(v => (double)v).ToArray(), tileHint: 9).Evaluate();
        int tilesBefore = ctx.Status().Workers.Sum(w => w.Tiles);

        (Expr bad, int line) = (Sp.Map(source, Boom), Here());
        var e = Assert.Throws<SpartanException>(() => bad.Evaluate());
        Assert.Equal($"ErrorTests.cs:{line}", e.ExprTrace);
        Assert.Contains($"ErrorTests.cs:{line}", e.Message, StringComparison.Ordinal);
        Assert.Contains("boom at 27", e.ToString(), StringComparison.Ordinal);

        // A failure deep inside a fused plan still names the Map's line; asynchronous evaluation throws the same.
        Expr downstream = ((bad * 2) + 1).Sum();
        Assert.Equal($"ErrorTests.cs:{line}", Assert.Throws<SpartanException>(() => downstream.Glom()).ExprTrace);
        Assert.Equal($"ErrorTests.cs:{line}", (await Assert.ThrowsAsync<SpartanException>(() => bad.EvaluateAsync())).ExprTrace);

        // Nothing was left half-built, the failure is not cached, and the workers keep working.
        Assert.Equal(tilesBefore, ctx.Status().Workers.Sum(w => w.Tiles));
        Assert.Throws<SpartanException>(() => bad.Evaluate());
        Oracle.AssertEq((source * 2).Sum(), Ref.Of(DType.Float64, [], [2.0 * 69 * 70 / 2]));
        Oracle.AssertEq(Sp.Map(source, t => t), Ref.Make(DType.Float64, [70], i => i[0]), (9L));
        Assert.All(ctx.Status().Workers, w => Assert.True(w.Alive));
    }

    [Fact]
    public void CapturingAnUnsupportedValueThrowsAtTheCall()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Expr x = Sp.Ones(5);
        SpartanException e = CaptureList(x);
        Assert.Contains("'list'", e.Message, StringComparison.Ordinal);
        Assert.Contains("List", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<SpartanException>(() => CaptureThis(x));
        Assert.Contains("instance method", e.Message, StringComparison.Ordinal);
        Assert.Contains("ErrorTests", e.Message, StringComparison.Ordinal);

        e = CaptureBuilder(x);
        Assert.Contains("'sb'", e.Message, StringComparison.Ordinal);
        Assert.Contains("StringBuilder", e.Message, StringComparison.Ordinal);

        e = CaptureExpr(x);
        Assert.Contains("'other'", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<SpartanException>(() => Sp.Reduce(x, null, InstanceReduce, ReduceOp.Add, DType.Float64));
        Assert.Contains("InstanceReduce", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MixingContextsThrows()
    {
        using SpartanContext c1 = Oracle.Start(1);
        Expr a = Sp.Ones(3);
        using (SpartanContext c2 = Oracle.Start(3))
        {
            Expr b = Sp.Ones(3);
            var e = Assert.ThrowsAny<ArgumentException>(() => a + b);
            Assert.Contains("context", e.Message, StringComparison.Ordinal);
            Assert.ThrowsAny<ArgumentException>(() => Sp.Where(b > 0, a, b));
            Assert.ThrowsAny<ArgumentException>(() => Sp.Map([a, b], ts => ts[0]));
            Oracle.AssertEq(b * 2, Ref.Make(DType.Float64, [3], _ => 2), what: "the inner context works");
        }

        // The outer context is current again, and its expressions still evaluate.
        Assert.Same(c1, SpartanContext.Current);
        Oracle.AssertEq(a + 1, Ref.Make(DType.Float64, [3], _ => 2), what: "the outer context works");
    }

    private static int Here([CallerLineNumber] int line = 0) => line;

    private static NDArray Boom(NDArray t)
    {
        ReadOnlySpan<double> v = t.AsSpan<double>();
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] == 27)
            {
                throw new InvalidOperationException("boom at 27");
            }
        }

        return t;
    }

    // Each capture case lives in its own method: C# shares one closure among the lambdas of a scope, so a test lambda
    // capturing x would put x into the kernel's closure too.
    private static SpartanException Refused(Expr x, Func<NDArray, NDArray> kernel) => Assert.Throws<SpartanException>(() => Sp.Map(x, kernel));

    private static SpartanException CaptureList(Expr x)
    {
        var list = new List<int> { 1 };
        return Refused(x, t => list.Count > 0 ? t : t);
    }

    private static SpartanException CaptureBuilder(Expr x)
    {
        var sb = new StringBuilder("x");
        return Refused(x, t => sb.Length > 0 ? t : t);
    }

    private static SpartanException CaptureExpr(Expr x)
    {
        Expr other = Sp.Ones(5);
        return Refused(x, t => other.Size > 0 ? t : t);
    }

    private Expr CaptureThis(Expr x) => Sp.Map(x, t => _instanceField > 0 ? t : t);

    private NDArray InstanceReduce(NDArray t, TileExtent e) => _instanceField > 0 ? t : t;
}
