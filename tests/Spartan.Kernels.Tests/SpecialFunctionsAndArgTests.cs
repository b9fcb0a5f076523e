using System.Globalization;
using System.Numerics;
using Spartan.Kernels.Reductions;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

public class SpecialFunctionsTests
{
    // x, erfc(x), erf(x) to 20 significant digits (mpmath at 40 digits).
    private static readonly string[][] Table =
    [
        ["0", "1.0", "0.0"],
        ["1e-10", "0.99999999988716208329", "1.128379167095512615e-10"],
        ["0.001", "0.9988716212090307636", "0.0011283787909692364034"],
        ["0.1", "0.8875370839817151016", "0.1124629160182848984"],
        ["0.5", "0.47950012218695346232", "0.52049987781304653768"],
        ["1", "0.15729920705028513066", "0.84270079294971486934"],
        ["1.5", "0.033894853524689272933", "0.96610514647531072707"],
        ["1.9", "0.0072095707647425327628", "0.99279042923525746724"],
        ["2", "0.0046777349810472658379", "0.99532226501895273416"],
        ["2.5", "0.00040695201744495893956", "0.99959304798255504106"],
        ["3", "0.000022090496998585441373", "0.99997790950300141456"],
        ["4", "1.5417257900280018852e-8", "0.99999998458274209972"],
        ["5", "1.5374597944280348502e-12", "0.99999999999846254021"],
        ["6", "2.1519736712498913117e-17", "0.99999999999999997848"],
        ["10", "2.088487583762544757e-45", "1.0"],
        ["15", "7.2129941724512066666e-100", "1.0"],
        ["20", "5.3958656116079009289e-176", "1.0"],
        ["26", "5.6631924088561428465e-296", "1.0"],
        ["-0.5", "1.5204998778130465377", "-0.52049987781304653768"],
        ["-1", "1.8427007929497148693", "-0.84270079294971486934"],
        ["-3", "1.9999779095030014146", "-0.99997790950300141456"],
    ];

    private static double P(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static void Near(double want, double got, double rel, string what) =>
        Assert.True(want == got || Math.Abs(got - want) <= rel * Math.Abs(want), $"{what}: got {got:R}, want {want:R}, rel err {Math.Abs(got - want) / Math.Abs(want):g3}");

    [Fact]
    public void Erfc_AndErf_MatchHighPrecisionValues()
    {
        // The documented accuracy is a relative error near 1e-14; allow 5e-14 (erfc near x=2 loses the most,
        // as it is 1 - erf there).
        foreach (string[] row in Table)
        {
            double x = P(row[0]);
            Near(P(row[1]), SpecialFunctions.Erfc(x), 5e-14, $"erfc({row[0]})");
            Near(P(row[2]), SpecialFunctions.Erf(x), 5e-15, $"erf({row[0]})");
        }
    }

    [Fact]
    public void ErfPlusErfc_IsOne_AndSymmetry()
    {
        for (double x = -8; x <= 8; x += 1.0 / 64 + 1e-9)
        {
            double e = SpecialFunctions.Erf(x), c = SpecialFunctions.Erfc(x);
            Assert.True(Math.Abs(e + c - 1.0) <= 2.3e-16, $"erf({x})+erfc({x}) = {e + c:R}");
            Assert.Equal(-e, SpecialFunctions.Erf(-x));
            Assert.True(Math.Abs(SpecialFunctions.Erfc(-x) - (2.0 - c)) <= 4.5e-16, $"erfc(-{x}) != 2 - erfc({x})");
        }
    }

    [Fact]
    public void Erfc_Limits()
    {
        Assert.True(double.IsNaN(SpecialFunctions.Erfc(double.NaN)));
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
        Assert.Equal(0.0, SpecialFunctions.Erfc(double.PositiveInfinity));
        Assert.Equal(2.0, SpecialFunctions.Erfc(double.NegativeInfinity));
        Assert.Equal(1.0, SpecialFunctions.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
        Assert.Equal(0.0, SpecialFunctions.Erfc(40));
        // erfc is decreasing.
        double prev = 2.0;
        for (double x = -6; x < 27; x += 0.01)
        {
            double c = SpecialFunctions.Erfc(x);
            Assert.True(c <= prev, $"erfc not decreasing at {x}");
            prev = c;
        }
    }

    [Fact]
    public void NormCdf_KnownValues()
    {
        // Phi(1.96) = 0.97500210485177952; Phi(-1) = 0.15865525393145705.
        Near(0.97500210485177952, Operators.NormCdfOperator<double>.Invoke(1.96), 1e-15, "Phi(1.96)");
        Near(0.15865525393145705, Operators.NormCdfOperator<double>.Invoke(-1), 1e-14, "Phi(-1)");
        Assert.Equal(0.5, Operators.NormCdfOperator<double>.Invoke(0));
    }
}

public class ArgExtremeTests
{
    private static int RefArg<T>(T[] x, bool max) where T : unmanaged, INumber<T>
    {
        if (x.Length == 0)
        {
            return -1;
        }

        int nan = Array.FindIndex(x, v => T.IsNaN(v));
        if (nan >= 0)
        {
            return nan;
        }

        T best = max ? x.Max()! : x.Min()!;
        return Array.FindIndex(x, v => v == best);
    }

    private static void Sweep<T>() where T : unmanaged, INumber<T>
    {
        foreach (int n in Lengths)
        {
            // Finite values with many ties, and every third array with the specials (NaN included).
            T[] x = Values<T>(n, 14000 + n, n % 3 == 0 ? Kind.Any : Kind.Finite);
            if (n % 3 != 0)
            {
                for (int i = 0; i < n; i++)
                {
                    x[i] = T.CreateTruncating(int.CreateTruncating(x[i]) % 7);
                }
            }

            Assert.True(RefArg(x, true) == ArgExtreme.ArgMax<T>(x), $"ArgMax<{typeof(T).Name}> n={n}");
            Assert.True(RefArg(x, false) == ArgExtreme.ArgMin<T>(x), $"ArgMin<{typeof(T).Name}> n={n}");
        }
    }

    [Fact] public void ArgMaxArgMin_AllTypes() { Sweep<double>(); Sweep<float>(); Sweep<long>(); Sweep<int>(); Sweep<byte>(); }

    [Fact]
    public void FirstNaNWins_AndTiesGoFirst()
    {
        Assert.Equal(1, ArgExtreme.ArgMax<double>([1.0, double.NaN, 5.0, double.NaN]));
        Assert.Equal(1, ArgExtreme.ArgMin<double>([1.0, double.NaN, -5.0]));
        Assert.Equal(0, ArgExtreme.ArgMax<double>([double.NaN]));
        Assert.Equal(1, ArgExtreme.ArgMax<int>([1, 3, 3, 2]));
        Assert.Equal(0, ArgExtreme.ArgMin<double>([-0.0, 0.0]));
        Assert.Equal(0, ArgExtreme.ArgMax<double>([0.0, -0.0]));
        Assert.Equal(-1, ArgExtreme.ArgMax<double>([]));
        Assert.False(ArgExtreme.Replaces(1.0, double.NaN, max: true));
        Assert.True(ArgExtreme.Replaces(double.NaN, 1.0, max: false));
        Assert.False(ArgExtreme.Replaces(1.0, 1.0, max: true));
    }
}
