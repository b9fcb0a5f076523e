using System.Numerics;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

/// <summary>Drives one operator struct through every loop that accepts it, over every test length, out of place
/// (with guard elements around the destination to catch overruns) and aliased, against a scalar reference.</summary>
internal static class Sweep
{
    public static void Unary<T, TOp>(Func<T, T> reference, Kind kind = Kind.Any, Func<System.Random, T>? gen = null)
        where T : unmanaged, INumber<T>
        where TOp : IUnaryOperator<T>
    {
        string name = typeof(TOp).Name;
        foreach (int n in Lengths)
        {
            T[] x = gen is null ? Values<T>(n, 1000 + n, kind) : Make(n, 1000 + n, gen);
            T[] want = Array.ConvertAll(x, v => reference(v));

            T[] d = Guarded<T>(n);
            Elementwise.Unary<T, TOp>(x, d.AsSpan(1, n));
            CheckGuarded(want, d, $"Unary {name}");

            T[] a = (T[])x.Clone();
            Elementwise.Unary<T, TOp>(a, a);
            AssertSame<T>(want, a, $"Unary {name} aliased");
        }
    }

    public static void Binary<T, TOp>(Func<T, T, T> reference, Kind kindX = Kind.Any, Kind kindY = Kind.Any)
        where T : unmanaged, INumber<T>
        where TOp : IBinaryOperator<T>
    {
        string name = typeof(TOp).Name;
        var rng = new System.Random(7);
        foreach (int n in Lengths)
        {
            T[] x = Values<T>(n, 2000 + n, kindX), y = Values<T>(n, 3000 + n, kindY);
            T[] want = new T[n], wantXX = new T[n];
            for (int i = 0; i < n; i++)
            {
                want[i] = reference(x[i], y[i]);
                wantXX[i] = reference(x[i], x[i]);
            }

            T[] d = Guarded<T>(n);
            Elementwise.Binary<T, TOp>(x, y, d.AsSpan(1, n));
            CheckGuarded(want, d, $"Binary {name}");

            T[] a = (T[])x.Clone();
            Elementwise.Binary<T, TOp>(a, y, a);
            AssertSame<T>(want, a, $"Binary {name} d==x");

            T[] b = (T[])y.Clone();
            Elementwise.Binary<T, TOp>(x, b, b);
            AssertSame<T>(want, b, $"Binary {name} d==y");

            T[] c = (T[])x.Clone();
            Elementwise.Binary<T, TOp>(c, c, c);
            AssertSame<T>(wantXX, c, $"Binary {name} x==y==d");

            // Scalar operands: rotate through values that include the special cases of the type.
            T s = One<T>(rng, kindY);
            T[] wantS = Array.ConvertAll(x, v => reference(v, s));
            d = Guarded<T>(n);
            Elementwise.BinaryScalar<T, TOp>(x, s, d.AsSpan(1, n));
            CheckGuarded(wantS, d, $"BinaryScalar {name} (y={Show(s)})");
            a = (T[])x.Clone();
            Elementwise.BinaryScalar<T, TOp>(a, s, a);
            AssertSame<T>(wantS, a, $"BinaryScalar {name} aliased (y={Show(s)})");

            T t = One<T>(rng, kindX);
            T[] wantT = Array.ConvertAll(y, v => reference(t, v));
            d = Guarded<T>(n);
            Elementwise.ScalarBinary<T, TOp>(t, y, d.AsSpan(1, n));
            CheckGuarded(wantT, d, $"ScalarBinary {name} (x={Show(t)})");
            b = (T[])y.Clone();
            Elementwise.ScalarBinary<T, TOp>(t, b, b);
            AssertSame<T>(wantT, b, $"ScalarBinary {name} aliased (x={Show(t)})");
        }
    }

    public static void Compare<T, TOp>(Func<T, T, bool> reference)
        where T : unmanaged, INumber<T>
        where TOp : ICompareOperator<T>
    {
        string name = typeof(TOp).Name;
        foreach (int n in Lengths)
        {
            T[] x = Values<T>(n, 4000 + n), y = Values<T>(n, 5000 + n);
            // Make about a third of the pairs equal so that ==, <= and >= see ties.
            for (int i = 0; i < n; i += 3)
            {
                y[i] = x[i];
            }

            byte[] want = new byte[n];
            for (int i = 0; i < n; i++)
            {
                want[i] = reference(x[i], y[i]) ? (byte)1 : (byte)0;
            }

            byte[] d = Guarded<byte>(n);
            Elementwise.Compare<T, TOp>(x, y, d.AsSpan(1, n));
            CheckGuarded(want, d, $"Compare {name}<{typeof(T).Name}>");

            if (typeof(T) == typeof(byte))
            {
                T[] a = (T[])x.Clone();
                Span<byte> ab = System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan());
                Elementwise.Compare<T, TOp>(a, y, ab);
                AssertSame<byte>(want, ab, $"Compare {name} aliased");
            }
        }
    }

    public static T[] Make<T>(int n, int seed, Func<System.Random, T> gen)
    {
        var rng = new System.Random(seed);
        var a = new T[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = gen(rng);
        }

        return a;
    }

    /// <summary>n + 2 elements; the first and last are sentinels that no kernel may write.</summary>
    public static T[] Guarded<T>(int n) where T : unmanaged, INumber<T>
    {
        var d = new T[n + 2];
        d.AsSpan().Fill(T.CreateTruncating(77));
        return d;
    }

    public static void CheckGuarded<T>(ReadOnlySpan<T> want, T[] d, string what) where T : unmanaged, INumber<T>
    {
        int n = want.Length;
        Assert.True(d[0] == T.CreateTruncating(77) && d[n + 1] == T.CreateTruncating(77), $"{what}<{typeof(T).Name}> n={n}: wrote outside the destination");
        AssertSame(want, d.AsSpan(1, n), what);
    }
}
