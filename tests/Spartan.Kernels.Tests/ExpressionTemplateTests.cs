using System.Numerics;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Templates;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

/// <summary>Expression templates against a scalar reference: every test length, offset inputs and outputs, ordinary
/// and non-temporal stores, special values (NaN, ±inf, ±0), with guard elements around the output.</summary>
public class ExpressionTemplateTests
{
    // (a * b + c * k) - k2, the shape of W1.
    private static readonly ExpressionLeaf[] W1Leaves =
        [ExpressionLeaf.Load(0), ExpressionLeaf.Load(1), ExpressionLeaf.Load(2), ExpressionLeaf.Constant(2.0), ExpressionLeaf.Constant(1.0)];

    [Fact]
    public void FusedArithmeticMatchesScalarDouble() => FusedArithmetic<double>();

    [Fact]
    public void FusedArithmeticMatchesScalarFloat() => FusedArithmetic<float>();

    [Fact]
    public void UnaryAndDivideMatchScalar()
    {
        // -(|x| / y)² with x and y full of special values.
        foreach (int n in Lengths)
        {
            double[] x = Values<double>(n + 3, 10 + n), y = Values<double>(n + 1, 20 + n);
            double[] want = new double[n];
            for (int i = 0; i < n; i++)
            {
                double q = Math.Abs(x[i + 3]) / y[i + 1];
                want[i] = -(q * q);
            }

            var binder = new LeafBinder([ExpressionLeaf.Load(0), ExpressionLeaf.Load(1)], new Array?[] { x, y }, [3, 1]);
            var e = Unary<double, NegateOperator<double>, Unary<double, SquareOperator<double>,
                Binary<double, DivideOperator<double>, Unary<double, AbsOperator<double>, Load<double>>, Load<double>>>>.Bind(ref binder);
            Assert.True(binder.Done);
            double[] d = new double[n + 2];
            d[0] = d[^1] = 42;
            ExpressionLoop.Run(e, d, 1, n, nonTemporal: false);
            AssertSame<double>(want, d.AsSpan(1, n), "-(|x|/y)^2");
            Assert.Equal(42, d[0]);
            Assert.Equal(42, d[^1]);
        }
    }

    [Fact]
    public void BindingChecksLeafKinds()
    {
        var wrongType = new LeafBinder([ExpressionLeaf.Load(0)], new Array?[] { new float[4] }, [0]);
        try
        {
            Load<double>.Bind(ref wrongType);
            Assert.Fail("a float buffer bound as a double input");
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains("Double", e.Message);
        }

        var notConstant = new LeafBinder([ExpressionLeaf.Load(0)], new Array?[] { new double[4] }, [0]);
        try
        {
            Constant<double>.Bind(ref notConstant);
            Assert.Fail("an input bound as a constant");
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains("not a constant", e.Message);
        }
    }

    [Fact]
    public void RejectsARangePastTheDestination()
    {
        var binder = new LeafBinder([ExpressionLeaf.Load(0)], new Array?[] { new double[10] }, [0]);
        Load<double> e = Load<double>.Bind(ref binder);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionLoop.Run<double, Load<double>>(e, new double[10], 3, 8, nonTemporal: false));
    }

    private static void FusedArithmetic<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T two = T.CreateTruncating(2.0), one = T.One;
        foreach (int n in Lengths)
        {
            foreach (bool nonTemporal in new[] { false, true })
            {
                int off = n % 5;
                T[] a = Values<T>(n + off, 100 + n), b = Values<T>(n, 200 + n), c = Values<T>(n + 7, 300 + n);
                var want = new T[n];
                for (int i = 0; i < n; i++)
                {
                    want[i] = (a[i + off] * b[i]) + (c[i + 7] * two) - one;
                }

                var binder = new LeafBinder(W1Leaves, new Array?[] { a, b, c }, [off, 0, 7]);
                var e = Binary<T, SubtractOperator<T>, Binary<T, AddOperator<T>, Binary<T, MultiplyOperator<T>, Load<T>, Load<T>>, Binary<T, MultiplyOperator<T>, Load<T>, Constant<T>>>, Constant<T>>.Bind(ref binder);
                Assert.True(binder.Done);
                var d = new T[n + 10];
                d.AsSpan().Fill(T.CreateTruncating(-7.0));
                ExpressionLoop.Run(e, d, 5, n, nonTemporal);
                Spartan.Kernels.Loops.Streaming.Fence();
                AssertSame<T>(want, d.AsSpan(5, n), $"a*b+c*2-1 nonTemporal={nonTemporal}");
                Assert.All(d[..5], v => Assert.Equal(T.CreateTruncating(-7.0), v));
                Assert.All(d[(5 + n)..], v => Assert.Equal(T.CreateTruncating(-7.0), v));
            }
        }
    }
}
