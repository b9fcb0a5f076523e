using System.Numerics;
using Spartan.Kernels.Operators;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

/// <summary>Every operator struct through every loop, for every element type it supports. References are computed
/// independently: floating point in double (rounded once to float, which is exact for + - * / and the rest used
/// here), integers exactly in Int128 and then wrapped to the type's width.</summary>
public class ElementwiseOperatorTests
{
    // Reference builders ------------------------------------------------------------------------------------

    private static Func<T, T, T> R2<T>(Func<double, double, double> f, Func<Int128, Int128, Int128> i) where T : unmanaged, INumber<T> =>
        IsFloat<T>()
            ? (x, y) => T.CreateTruncating(f(double.CreateTruncating(x), double.CreateTruncating(y)))
            : (x, y) => Wrap<T>(i(Wide(x), Wide(y)));

    private static Func<T, T> R1<T>(Func<double, double> f, Func<Int128, Int128> i) where T : unmanaged, INumber<T> =>
        IsFloat<T>()
            ? x => T.CreateTruncating(f(double.CreateTruncating(x)))
            : x => Wrap<T>(i(Wide(x)));

    private static Func<T, T, bool> C<T>(Func<double, double, bool> f, Func<Int128, Int128, bool> i) where T : unmanaged, INumber<T> =>
        IsFloat<T>()
            ? (x, y) => f(double.CreateTruncating(x), double.CreateTruncating(y))
            : (x, y) => i(Wide(x), Wide(y));

    private static double MaxRef(double x, double y) => double.IsNaN(x) ? x : double.IsNaN(y) ? y : (x < y ? y : x);

    private static double MinRef(double x, double y) => double.IsNaN(x) ? x : double.IsNaN(y) ? y : (y < x ? y : x);

    private static Int128 FloorModRef(Int128 x, Int128 y)
    {
        if (y == 0)
        {
            return 0;
        }

        Int128 q = x / y;
        if (q * y != x && (x < 0) != (y < 0))
        {
            q--;
        }

        return x - q * y;
    }

    private static double FloorModRef(double x, double y)
    {
        if (y == 0 || double.IsNaN(x) || double.IsNaN(y) || double.IsInfinity(x))
        {
            return double.NaN;
        }

        double r = x % y; // C# % on double is C's fmod, which is exact
        if (r == 0)
        {
            return Math.CopySign(0.0, y);
        }

        return (r < 0) != (y < 0) ? r + y : r;
    }

    private static Int128 PowRef(Int128 b, Int128 e)
    {
        if (e < 0)
        {
            return b == 1 ? 1 : b == -1 ? (e % 2 == 0 ? 1 : -1) : 0;
        }

        // Modular exponentiation in BigInteger, then the low 64 bits: an independent route to the wrapped power.
        BigInteger m = BigInteger.One << 64;
        BigInteger r = BigInteger.ModPow((BigInteger)b, (BigInteger)e, m);
        return (Int128)(long)(ulong)((r % m + m) % m);
    }

    private static double SignRef(double v) => double.IsNaN(v) ? v : v > 0 ? 1 : v < 0 ? -1 : 0.0;

    // Binary arithmetic -------------------------------------------------------------------------------------

    private static void Add<T>() where T : unmanaged, INumber<T> => Sweep.Binary<T, AddOperator<T>>(R2<T>((x, y) => x + y, (x, y) => x + y));

    private static void Sub<T>() where T : unmanaged, INumber<T> => Sweep.Binary<T, SubtractOperator<T>>(R2<T>((x, y) => x - y, (x, y) => x - y));

    private static void Mul<T>() where T : unmanaged, INumber<T> => Sweep.Binary<T, MultiplyOperator<T>>(R2<T>((x, y) => x * y, (x, y) => x * y));

    private static void Max<T>() where T : unmanaged, INumber<T> =>
        Sweep.Binary<T, MaximumOperator<T>>(IsFloat<T>() ? (x, y) => MaxRefT(x, y) : R2<T>(MaxRef, (x, y) => x < y ? y : x));

    private static void Min<T>() where T : unmanaged, INumber<T> =>
        Sweep.Binary<T, MinimumOperator<T>>(IsFloat<T>() ? (x, y) => MinRefT(x, y) : R2<T>(MinRef, (x, y) => y < x ? y : x));

    // Maximum/minimum return one operand unchanged, so compare in the operand type (no double round trip of NaNs).
    private static T MaxRefT<T>(T x, T y) where T : unmanaged, INumber<T> => T.IsNaN(x) ? x : T.IsNaN(y) ? y : (x < y ? y : x);

    private static T MinRefT<T>(T x, T y) where T : unmanaged, INumber<T> => T.IsNaN(x) ? x : T.IsNaN(y) ? y : (y < x ? y : x);

    private static void FloorMod<T>() where T : unmanaged, INumber<T> => Sweep.Binary<T, FloorModOperator<T>>(R2<T>(FloorModRef, FloorModRef));

    private static void Pow<T>() where T : unmanaged, INumber<T> =>
        Sweep.Binary<T, PowerOperator<T>>(
            typeof(T) == typeof(float) ? (x, y) => T.CreateTruncating(MathF.Pow(float.CreateTruncating(x), float.CreateTruncating(y))) : R2<T>(Math.Pow, PowRef),
            Kind.Any,
            Kind.SmallExponent);

    [Fact] public void Add_AllTypes() { Add<double>(); Add<float>(); Add<long>(); Add<int>(); Add<byte>(); }

    [Fact] public void Subtract_AllTypes() { Sub<double>(); Sub<float>(); Sub<long>(); Sub<int>(); Sub<byte>(); }

    [Fact] public void Multiply_AllTypes() { Mul<double>(); Mul<float>(); Mul<long>(); Mul<int>(); Mul<byte>(); }

    [Fact]
    public void Divide_FloatingTypes()
    {
        Sweep.Binary<double, DivideOperator<double>>(R2<double>((x, y) => x / y, (x, y) => 0));
        Sweep.Binary<float, DivideOperator<float>>(R2<float>((x, y) => x / y, (x, y) => 0));
    }

    [Fact] public void Maximum_AllTypes() { Max<double>(); Max<float>(); Max<long>(); Max<int>(); Max<byte>(); }

    [Fact] public void Minimum_AllTypes() { Min<double>(); Min<float>(); Min<long>(); Min<int>(); Min<byte>(); }

    [Fact] public void FloorMod_AllTypes() { FloorMod<double>(); FloorMod<float>(); FloorMod<long>(); FloorMod<int>(); FloorMod<byte>(); }

    [Fact] public void Power_AllTypes() { Pow<double>(); Pow<float>(); Pow<long>(); Pow<int>(); Pow<byte>(); }

    // Bitwise ------------------------------------------------------------------------------------------------

    private static void Bitwise<T>() where T : unmanaged, IBinaryInteger<T>
    {
        Sweep.Binary<T, AndOperator<T>>(R2<T>((x, y) => 0, (x, y) => x & y));
        Sweep.Binary<T, OrOperator<T>>(R2<T>((x, y) => 0, (x, y) => x | y));
        Sweep.Binary<T, XorOperator<T>>(R2<T>((x, y) => 0, (x, y) => x ^ y));
        Sweep.Unary<T, OnesComplementOperator<T>>(R1<T>(x => 0, x => ~x));
    }

    [Fact] public void Bitwise_IntegerTypes() { Bitwise<long>(); Bitwise<int>(); Bitwise<byte>(); }

    [Fact]
    public void LogicalNot_Bool() =>
        Sweep.Unary<byte, LogicalNotOperator>(x => x == 0 ? (byte)1 : (byte)0, gen: r => (byte)r.Next(2));

    // Unary ------------------------------------------------------------------------------------------------

    private static void Unaries<T>() where T : unmanaged, INumber<T>
    {
        Sweep.Unary<T, NegateOperator<T>>(R1<T>(x => -x, x => -x));
        Sweep.Unary<T, AbsOperator<T>>(R1<T>(Math.Abs, Int128.Abs));
        Sweep.Unary<T, SquareOperator<T>>(R1<T>(x => x * x, x => x * x));
        Sweep.Unary<T, SignOperator<T>>(R1<T>(SignRef, x => Int128.Sign(x)));
    }

    private static void Rounding<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        Sweep.Unary<T, FloorOperator<T>>(R1<T>(Math.Floor, x => x));
        Sweep.Unary<T, CeilingOperator<T>>(R1<T>(Math.Ceiling, x => x));
        Sweep.Unary<T, NormCdfOperator<T>>(R1<T>(x => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2.0)), x => x));
    }

    [Fact]
    public void Tanh_FloatingTypes()
    {
        Sweep.Unary<double, TanhOperator<double>>(Math.Tanh);
        Sweep.Unary<float, TanhOperator<float>>(MathF.Tanh);
    }

    /// <summary>Operator structs with a sweep above; a new operator fails <see cref="EveryOperatorStruct_IsReadonly_AndSwept"/>
    /// until it gets one.</summary>
    private static readonly string[] Swept =
    [
        "AddOperator`1", "SubtractOperator`1", "MultiplyOperator`1", "DivideOperator`1", "FloorModOperator`1", "MaximumOperator`1",
        "MinimumOperator`1", "PowerOperator`1", "AndOperator`1", "OrOperator`1", "XorOperator`1", "OnesComplementOperator`1",
        "LogicalNotOperator", "NegateOperator`1", "AbsOperator`1", "SquareOperator`1", "SignOperator`1", "FloorOperator`1",
        "CeilingOperator`1", "NormCdfOperator`1", "TanhOperator`1", "LessThanOperator`1", "LessThanOrEqualOperator`1",
        "GreaterThanOperator`1", "GreaterThanOrEqualOperator`1", "EqualOperator`1", "NotEqualOperator`1", "IsNaNOperator`1",
    ];

    [Fact]
    public void EveryOperatorStruct_IsReadonly_AndSwept()
    {
        Type[] ops = typeof(AddOperator<>).Assembly.GetExportedTypes()
            .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.Namespace == typeof(IUnaryOperator<>).Namespace && i.Name.EndsWith("Operator`1", StringComparison.Ordinal)))
            .ToArray();
        Assert.NotEmpty(ops);
        foreach (Type t in ops)
        {
            Assert.True(t.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute), false), $"{t.Name} is not a readonly struct");
            Assert.True(Swept.Contains(t.Name), $"{t.Name} has no sweep in {nameof(ElementwiseOperatorTests)}");
        }
    }

    [Fact] public void NegateAbsSquareSign_AllTypes() { Unaries<double>(); Unaries<float>(); Unaries<long>(); Unaries<int>(); Unaries<byte>(); }

    [Fact] public void FloorCeilingNormCdf_FloatingTypes() { Rounding<double>(); Rounding<float>(); }

    // Comparisons ----------------------------------------------------------------------------------------------

    private static void Compares<T>() where T : unmanaged, INumber<T>
    {
        Sweep.Compare<T, LessThanOperator<T>>(C<T>((x, y) => x < y, (x, y) => x < y));
        Sweep.Compare<T, LessThanOrEqualOperator<T>>(C<T>((x, y) => x <= y, (x, y) => x <= y));
        Sweep.Compare<T, GreaterThanOperator<T>>(C<T>((x, y) => x > y, (x, y) => x > y));
        Sweep.Compare<T, GreaterThanOrEqualOperator<T>>(C<T>((x, y) => x >= y, (x, y) => x >= y));
        Sweep.Compare<T, EqualOperator<T>>(C<T>((x, y) => x == y, (x, y) => x == y));
        Sweep.Compare<T, NotEqualOperator<T>>(C<T>((x, y) => !(x == y), (x, y) => x != y));
        Sweep.Compare<T, IsNaNOperator<T>>(C<T>((x, y) => double.IsNaN(x), (x, y) => false));
    }

    [Fact] public void Compare_AllTypes() { Compares<double>(); Compares<float>(); Compares<long>(); Compares<int>(); Compares<byte>(); }

    // Semantics spelled out ---------------------------------------------------------------------------------------

    [Fact]
    public void MaximumMinimum_FirstNaNWins_WithItsPayload()
    {
        double a = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0001)); // negative NaN, payload 1
        double b = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0002);                 // positive NaN, payload 2
        foreach (int n in new[] { 1, 7, 8, 37, 1000 })
        {
            double[] x = Enumerable.Repeat(a, n).ToArray(), y = Enumerable.Repeat(b, n).ToArray(), d = new double[n];
            Loops.Elementwise.Binary<double, MaximumOperator<double>>(x, y, d);
            Assert.All(d, v => Assert.Equal(BitConverter.DoubleToInt64Bits(a), BitConverter.DoubleToInt64Bits(v)));
            Loops.Elementwise.Binary<double, MinimumOperator<double>>(y, x, d);
            Assert.All(d, v => Assert.Equal(BitConverter.DoubleToInt64Bits(b), BitConverter.DoubleToInt64Bits(v)));
            Loops.Elementwise.Binary<double, MaximumOperator<double>>(Enumerable.Repeat(1.0, n).ToArray(), y, d);
            Assert.All(d, v => Assert.Equal(BitConverter.DoubleToInt64Bits(b), BitConverter.DoubleToInt64Bits(v)));
        }

        Assert.True(double.IsNegative(MaximumOperator<double>.Invoke(-0.0, 0.0)), "maximum(-0.0, 0.0) is the first operand, as in NumPy");
        Assert.False(double.IsNegative(MinimumOperator<double>.Invoke(0.0, -0.0)), "minimum(0.0, -0.0) is the first operand, as in NumPy");
    }

    [Fact]
    public void FloorMod_MatchesNumPy()
    {
        // Values from numpy.mod / numpy.remainder.
        Assert.Equal(2, FloorModOperator<int>.Invoke(-1, 3));
        Assert.Equal(-2, FloorModOperator<int>.Invoke(1, -3));
        Assert.Equal(-1, FloorModOperator<int>.Invoke(-7, -3));
        Assert.Equal(0, FloorModOperator<int>.Invoke(5, 0));
        Assert.Equal(0, FloorModOperator<int>.Invoke(int.MinValue, -1));
        Assert.Equal(0L, FloorModOperator<long>.Invoke(long.MinValue, -1));
        Assert.Equal(0L, FloorModOperator<long>.Invoke(long.MinValue, 0));
        Assert.Equal(long.MaxValue - 1, FloorModOperator<long>.Invoke(long.MinValue, long.MaxValue));
        Assert.Equal((byte)0, FloorModOperator<byte>.Invoke(200, 0));
        Assert.Equal((byte)2, FloorModOperator<byte>.Invoke(200, 9));
        Assert.Equal(-0.5, FloorModOperator<double>.Invoke(5.5, -2));
        Assert.Equal(0.5, FloorModOperator<double>.Invoke(-5.5, 2));
        Assert.True(double.IsNegative(FloorModOperator<double>.Invoke(3, -3)), "3 % -3 is -0.0: the sign of the divisor");
        Assert.False(double.IsNegative(FloorModOperator<double>.Invoke(-3, 3)), "-3 % 3 is +0.0");
        Assert.True(double.IsNaN(FloorModOperator<double>.Invoke(1, 0)));
        Assert.True(float.IsNaN(FloorModOperator<float>.Invoke(1, -0f)));
        Assert.True(double.IsNaN(FloorModOperator<double>.Invoke(double.PositiveInfinity, 2)));
        Assert.Equal(double.PositiveInfinity, FloorModOperator<double>.Invoke(-1, double.PositiveInfinity));
        Assert.Equal(1.0, FloorModOperator<double>.Invoke(1, double.PositiveInfinity));
    }

    [Fact]
    public void IntegerArithmetic_Wraps()
    {
        int[] x = [int.MaxValue, int.MinValue, int.MinValue, 65536], y = [1, -1, int.MinValue, 65536], d = new int[4];
        Loops.Elementwise.Binary<int, AddOperator<int>>(x, y, d);
        Assert.Equal([int.MinValue, int.MaxValue, 0, 131072], d);
        Loops.Elementwise.Binary<int, MultiplyOperator<int>>(x, y, d);
        Assert.Equal([int.MaxValue, int.MinValue, 0, 0], d);
        Loops.Elementwise.Unary<int, NegateOperator<int>>(x, d);
        Assert.Equal([-int.MaxValue, int.MinValue, int.MinValue, -65536], d);
        Loops.Elementwise.Unary<int, AbsOperator<int>>(x, d);
        Assert.Equal([int.MaxValue, int.MinValue, int.MinValue, 65536], d);

        byte[] b = [255, 0, 16, 200], c = new byte[4];
        Loops.Elementwise.BinaryScalar<byte, AddOperator<byte>>(b, 1, c);
        Assert.Equal([0, 1, 17, 201], c);
        Loops.Elementwise.ScalarBinary<byte, SubtractOperator<byte>>(0, b, c);
        Assert.Equal([1, 0, 240, 56], c);
        Loops.Elementwise.BinaryScalar<byte, MultiplyOperator<byte>>(b, 16, c);
        Assert.Equal([240, 0, 0, 128], c);

        long[] l = [long.MaxValue, long.MinValue], m = new long[2];
        Loops.Elementwise.BinaryScalar<long, AddOperator<long>>(l, 1, m);
        Assert.Equal([long.MinValue, long.MinValue + 1], m);
        Loops.Elementwise.BinaryScalar<long, MultiplyOperator<long>>(l, 3, m);
        Assert.Equal([long.MaxValue - 2, long.MinValue], m);
        Assert.Equal(0, PowerOperator<int>.Invoke(2, 32));
        Assert.Equal(unchecked((int)3486784401), PowerOperator<int>.Invoke(3, 20));
        Assert.Equal(-1, PowerOperator<int>.Invoke(-1, -3));
        Assert.Equal(0, PowerOperator<int>.Invoke(2, -1));
    }

    [Fact]
    public void LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => Loops.Elementwise.Binary<double, AddOperator<double>>(new double[3], new double[4], new double[3]));
        Assert.Throws<ArgumentException>(() => Loops.Elementwise.Unary<double, NegateOperator<double>>(new double[3], new double[2]));
        Assert.Throws<ArgumentException>(() => Loops.Elementwise.Compare<int, LessThanOperator<int>>(new int[3], new int[3], new byte[4]));
        Assert.Throws<ArgumentException>(() => Loops.Elementwise.Where<int>(new byte[3], new int[3], new int[3], new int[2]));
        Assert.Throws<ArgumentException>(() => Loops.Elementwise.Convert<int, double>(new int[3], new double[2]));
        Assert.Throws<ArgumentException>(() => Loops.Elementwise.ToBool<int>(new int[3], new byte[2]));
    }
}
