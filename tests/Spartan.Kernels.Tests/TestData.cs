using System.Numerics;

namespace Spartan.Kernels.Tests;

/// <summary>Inputs for the kernel sweeps: every length 0..256 (every SIMD body/tail split of every vector width)
/// plus odd large sizes, filled with values that mix the special cases of each type into random data.</summary>
internal static class TestData
{
    public static readonly int[] Lengths = [.. Enumerable.Range(0, 257), 1000, 4097, 65537];

    public static T[] Values<T>(int n, int seed, Kind kind = Kind.Any) where T : unmanaged, INumber<T>
    {
        var rng = new System.Random(seed);
        var a = new T[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = One<T>(rng, kind);
        }

        return a;
    }

    public static T One<T>(System.Random rng, Kind kind) where T : unmanaged, INumber<T>
    {
        if (kind == Kind.SmallExponent)
        {
            // Powers: keep integer exponents small so the naive reference loop stays cheap; include negatives.
            return T.CreateTruncating(rng.Next(IsUnsigned<T>() ? 0 : -3, 12));
        }

        if (kind == Kind.Finite)
        {
            return IsFloat<T>() ? T.CreateTruncating((rng.NextDouble() - 0.5) * 200) : T.CreateTruncating(rng.Next(-100, 100));
        }

        int pick = rng.Next(16);
        if (IsFloat<T>())
        {
            double v = pick switch
            {
                0 => double.NaN,
                1 => double.PositiveInfinity,
                2 => double.NegativeInfinity,
                3 => -0.0,
                4 => 0.0,
                5 => rng.Next(-4, 5),
                6 => rng.Next(-4, 5) + 0.5,
                7 => typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue,
                8 => typeof(T) == typeof(float) ? float.Epsilon : double.Epsilon,
                _ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-5, 6)),
            };
            return T.CreateTruncating(v);
        }

        ulong bits = (ulong)rng.NextInt64() ^ ((ulong)rng.NextInt64() << 1);
        return pick switch
        {
            0 => MinValue<T>(),
            1 => MaxValue<T>(),
            2 => T.Zero,
            3 => T.One,
            4 => IsUnsigned<T>() ? T.One : -T.One,
            5 or 6 or 7 => T.CreateTruncating(rng.Next(-10, 10)),
            _ => T.CreateTruncating(bits),
        };
    }

    public static bool IsFloat<T>() => typeof(T) == typeof(double) || typeof(T) == typeof(float);

    public static bool IsUnsigned<T>() => typeof(T) == typeof(byte);

    public static T MinValue<T>() where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(double) ? T.CreateTruncating(double.MinValue) :
        typeof(T) == typeof(float) ? T.CreateTruncating(float.MinValue) :
        typeof(T) == typeof(long) ? T.CreateTruncating(long.MinValue) :
        typeof(T) == typeof(int) ? T.CreateTruncating(int.MinValue) : T.Zero;

    public static T MaxValue<T>() where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(double) ? T.CreateTruncating(double.MaxValue) :
        typeof(T) == typeof(float) ? T.CreateTruncating(float.MaxValue) :
        typeof(T) == typeof(long) ? T.CreateTruncating(long.MaxValue) :
        typeof(T) == typeof(int) ? T.CreateTruncating(int.MaxValue) : T.CreateTruncating(byte.MaxValue);

    /// <summary>Bit equality, except that any NaN equals any NaN (vector and scalar paths may differ in payload).</summary>
    public static bool Same<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (T.IsNaN(a) || T.IsNaN(b))
        {
            return T.IsNaN(a) && T.IsNaN(b);
        }

        return typeof(T) == typeof(double) ? BitConverter.DoubleToInt64Bits(double.CreateTruncating(a)) == BitConverter.DoubleToInt64Bits(double.CreateTruncating(b))
            : typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits(float.CreateTruncating(a)) == BitConverter.SingleToInt32Bits(float.CreateTruncating(b))
            : a == b;
    }

    public static void AssertSame<T>(ReadOnlySpan<T> want, ReadOnlySpan<T> got, string what) where T : unmanaged, INumber<T>
    {
        Assert.True(want.Length == got.Length, $"{what}: length {got.Length}, want {want.Length}");
        for (int i = 0; i < want.Length; i++)
        {
            if (!Same(want[i], got[i]))
            {
                Assert.Fail($"{what}<{typeof(T).Name}> n={want.Length} at [{i}]: got {Show(got[i])}, want {Show(want[i])}");
            }
        }
    }

    public static string Show<T>(T v) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(double) ? $"{v} (0x{BitConverter.DoubleToInt64Bits(double.CreateTruncating(v)):x16})"
        : typeof(T) == typeof(float) ? $"{v} (0x{BitConverter.SingleToInt32Bits(float.CreateTruncating(v)):x8})"
        : $"{v}";

    /// <summary>Wraps an exact integer result to <typeparamref name="T"/> by its low bits (two's complement).</summary>
    public static T Wrap<T>(Int128 v) where T : unmanaged, INumber<T> => T.CreateTruncating((ulong)(UInt128)v);

    public static Int128 Wide<T>(T v) where T : unmanaged, INumber<T> => Int128.CreateChecked(v);
}

internal enum Kind
{
    Any,
    Finite,
    SmallExponent,
}
