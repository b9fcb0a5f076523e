using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Spartan.Kernels.Loops;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

/// <summary>Where, Convert and ToBool over every length and every element type (and every pair of types).</summary>
public class WhereConvertTests
{
    private static void WhereSweep<T>() where T : unmanaged, INumber<T>
    {
        foreach (int n in Lengths)
        {
            // Any nonzero byte is true, not just 1.
            byte[] c = Sweep.Make(n, 6000 + n, r => r.Next(3) == 0 ? (byte)0 : r.Next(2) == 0 ? (byte)1 : (byte)r.Next(2, 256));
            T[] x = Values<T>(n, 7000 + n), y = Values<T>(n, 8000 + n);
            T[] want = new T[n];
            for (int i = 0; i < n; i++)
            {
                want[i] = c[i] == 0 ? y[i] : x[i];
            }

            T[] d = Sweep.Guarded<T>(n);
            Elementwise.Where<T>(c, x, y, d.AsSpan(1, n));
            Sweep.CheckGuarded(want, d, "Where");

            T[] a = (T[])x.Clone();
            Elementwise.Where<T>(c, a, y, a);
            AssertSame<T>(want, a, "Where d==x");
            T[] b = (T[])y.Clone();
            Elementwise.Where<T>(c, x, b, b);
            AssertSame<T>(want, b, "Where d==y");

            if (typeof(T) == typeof(byte))
            {
                // The condition itself may be the destination (np.where(c, x, y, out=c) on bools).
                byte[] cc = (byte[])c.Clone();
                Elementwise.Where<byte>(cc, MemoryMarshal.Cast<T, byte>(x), MemoryMarshal.Cast<T, byte>(y), cc);
                AssertSame<byte>(MemoryMarshal.Cast<T, byte>(want), cc, "Where d==c");
            }
        }
    }

    [Fact] public void Where_AllTypes() { WhereSweep<double>(); WhereSweep<float>(); WhereSweep<long>(); WhereSweep<int>(); WhereSweep<byte>(); }

    /// <summary>NumPy's conversions as documented on <see cref="Elementwise.Convert{TFrom, TTo}"/>: integers wrap,
    /// floats truncate toward zero, NaN becomes 0 and out-of-range floats saturate.</summary>
    internal static TTo ConvertRef<TFrom, TTo>(TFrom v)
        where TFrom : unmanaged, INumber<TFrom>
        where TTo : unmanaged, INumber<TTo>
    {
        if (IsFloat<TFrom>())
        {
            double d = double.CreateTruncating(v);
            if (typeof(TTo) == typeof(double))
            {
                return (TTo)(object)d;
            }

            if (typeof(TTo) == typeof(float))
            {
                return (TTo)(object)(float)d;
            }

            if (double.IsNaN(d))
            {
                return TTo.Zero;
            }

            double t = Math.Truncate(d);
            if (t <= double.CreateTruncating(MinValue<TTo>()))
            {
                return MinValue<TTo>();
            }

            if (t >= double.CreateTruncating(MaxValue<TTo>()))
            {
                return MaxValue<TTo>();
            }

            return TTo.CreateTruncating((long)t);
        }

        Int128 w = Wide(v);
        return typeof(TTo) == typeof(double) ? (TTo)(object)(double)(long)w
            : typeof(TTo) == typeof(float) ? (TTo)(object)(float)(long)w
            : Wrap<TTo>(w);
    }

    private static void ConvertSweep<TFrom, TTo>()
        where TFrom : unmanaged, INumber<TFrom>
        where TTo : unmanaged, INumber<TTo>
    {
        foreach (int n in Lengths)
        {
            TFrom[] x = Values<TFrom>(n, 9000 + n);
            if (IsFloat<TFrom>() && n > 0)
            {
                // Values around the integer limits of the target, where saturation and truncation meet.
                double[] edges = [2147483647.0, 2147483648.0, -2147483648.0, -2147483649.0, 9.2233720368547758e18, -9.2233720368547758e18, 255.9, 256.0, -0.9, -1.0, 127.5];
                for (int i = 0; i < n; i += 5)
                {
                    x[i] = TFrom.CreateTruncating(edges[i / 5 % edges.Length]);
                }
            }

            TTo[] want = Array.ConvertAll(x, ConvertRef<TFrom, TTo>);
            TTo[] d = Sweep.Guarded<TTo>(n);
            Elementwise.Convert<TFrom, TTo>(x, d.AsSpan(1, n));
            Sweep.CheckGuarded(want, d, $"Convert<{typeof(TFrom).Name},{typeof(TTo).Name}>");

            if (Unsafe.SizeOf<TFrom>() == Unsafe.SizeOf<TTo>())
            {
                TFrom[] a = (TFrom[])x.Clone();
                Elementwise.Convert<TFrom, TTo>(a, MemoryMarshal.Cast<TFrom, TTo>(a.AsSpan()));
                AssertSame<TTo>(want, MemoryMarshal.Cast<TFrom, TTo>(a.AsSpan()), $"Convert<{typeof(TFrom).Name},{typeof(TTo).Name}> aliased");
            }
        }
    }

    private static void ConvertFrom<TFrom>() where TFrom : unmanaged, INumber<TFrom>
    {
        ConvertSweep<TFrom, double>();
        ConvertSweep<TFrom, float>();
        ConvertSweep<TFrom, long>();
        ConvertSweep<TFrom, int>();
        ConvertSweep<TFrom, byte>();
    }

    [Fact] public void Convert_FromDouble() => ConvertFrom<double>();

    [Fact] public void Convert_FromFloat() => ConvertFrom<float>();

    [Fact] public void Convert_FromLong() => ConvertFrom<long>();

    [Fact] public void Convert_FromInt() => ConvertFrom<int>();

    [Fact] public void Convert_FromByte() => ConvertFrom<byte>();

    [Fact]
    public void Convert_SpelledOut()
    {
        double[] x = [double.NaN, 1e300, -1e300, -2.9, 2.9, -0.0, 4294967296.0 + 5];
        int[] i = new int[x.Length];
        Elementwise.Convert<double, int>(x, i);
        Assert.Equal([0, int.MaxValue, int.MinValue, -2, 2, 0, int.MaxValue], i);
        long[] l = [0x1_0000_0005L, -1, 255, 256];
        int[] li = new int[4];
        Elementwise.Convert<long, int>(l, li);
        Assert.Equal([5, -1, 255, 256], li);
        byte[] lb = new byte[4];
        Elementwise.Convert<long, byte>(l, lb);
        Assert.Equal([5, 255, 255, 0], lb);
    }

    private static void ToBoolSweep<T>() where T : unmanaged, INumber<T>
    {
        foreach (int n in Lengths)
        {
            T[] x = Values<T>(n, 10000 + n);
            byte[] want = Array.ConvertAll(x, v => IsFloat<T>() ? (double.CreateTruncating(v) != 0 ? (byte)1 : (byte)0) : (Wide(v) != 0 ? (byte)1 : (byte)0));
            byte[] d = Sweep.Guarded<byte>(n);
            Elementwise.ToBool<T>(x, d.AsSpan(1, n));
            Sweep.CheckGuarded(want, d, $"ToBool<{typeof(T).Name}>");
            if (typeof(T) == typeof(byte))
            {
                T[] a = (T[])x.Clone();
                Elementwise.ToBool<T>(a, MemoryMarshal.AsBytes(a.AsSpan()));
                AssertSame<byte>(want, MemoryMarshal.AsBytes(a.AsSpan()), "ToBool aliased");
            }
        }
    }

    [Fact]
    public void ToBool_AllTypes()
    {
        ToBoolSweep<double>();
        ToBoolSweep<float>();
        ToBoolSweep<long>();
        ToBoolSweep<int>();
        ToBoolSweep<byte>();
        byte[] d = new byte[4];
        Elementwise.ToBool<double>([double.NaN, -0.0, 0.0, double.Epsilon], d);
        Assert.Equal([1, 0, 0, 1], d);
    }
}
