using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>Serial C# references for the result checks: blocks of the (evaluated) arrays are gathered one at a time,
/// so a check never holds more than a few blocks in memory.</summary>
internal static class Checks
{
    private const long Block1D = 8_000_000;

    /// <summary>Calls <paramref name="body"/> for consecutive blocks of the 1-d arrays (same length), in order.</summary>
    public static void ForBlocks(IReadOnlyList<Expr> arrays, Action<long, double[][]> body)
    {
        long n = arrays[0].Size;
        for (long lo = 0; lo < n; lo += Block1D)
        {
            long hi = Math.Min(n, lo + Block1D);
            var blocks = new double[arrays.Count][];
            for (int k = 0; k < blocks.Length; k++)
            {
                blocks[k] = arrays[k][Sp.Slice(lo, hi)].Glom().ToArray<double>();
            }

            body(lo, blocks);
        }
    }

    /// <summary>Calls <paramref name="body"/>(first row, rows as a flat row-major block) for blocks of rows of a 2-d array.</summary>
    public static void ForRowBlocks(Expr a, long rowLo, long rowHi, Action<long, int, double[]> body)
    {
        long cols = a.Shape[1];
        long rowsPer = Math.Max(1, Block1D / Math.Max(1, cols));
        for (long r = rowLo; r < rowHi; r += rowsPer)
        {
            long r1 = Math.Min(rowHi, r + rowsPer);
            double[] block = a[Sp.Slice(r, r1), Sp.Slice(null, null)].Glom().ToArray<double>();
            body(r, (int)(r1 - r), block);
        }
    }

    /// <summary>An accurate serial sum (Neumaier's compensated summation).</summary>
    public struct Neumaier
    {
        private double _sum;
        private double _c;

        public void Add(double x)
        {
            double t = _sum + x;
            _c += Math.Abs(_sum) >= Math.Abs(x) ? (_sum - t) + x : (x - t) + _sum;
            _sum = t;
        }

        public readonly double Value => _sum + _c;
    }

    /// <summary>make_inputs.py's checksum of an array result: sum, flat elements 0, size−1 and size/2.</summary>
    public static JsonObject ArrayChecksum(Expr r)
    {
        var s = new Neumaier();
        ForBlocks([r.Ndim == 1 ? r : r.Ravel()], (_, b) =>
        {
            foreach (double v in b[0])
            {
                s.Add(v);
            }
        });
        Expr flat = r.Ndim == 1 ? r : r.Ravel();
        long n = r.Size;
        return new JsonObject
        {
            ["sum"] = s.Value,
            ["first"] = Element(flat, 0),
            ["last"] = Element(flat, n - 1),
            ["mid"] = Element(flat, n / 2),
        };
    }

    /// <summary>make_inputs.py's checksum of a scalar result.</summary>
    public static JsonObject ScalarChecksum(double value) => new() { ["value"] = value };

    private static double Element(Expr flat, long i) => flat[Sp.Slice(i, i + 1)].Glom().ToArray<double>()[0];

    /// <summary>|x − ref| ≤ rtol·|ref| + atol.</summary>
    public static bool Close(double x, double reference, double rtol, double atol = 0) =>
        Math.Abs(x - reference) <= rtol * Math.Abs(reference) + atol;
}
