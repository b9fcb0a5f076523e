using System.Runtime.CompilerServices;
using Spartan.Expressions;

namespace Spartan;

public static partial class Sp
{
    /// <summary>The cumulative sum along <paramref name="axis"/> (null: of the flattened array, as a 1-d result in
    /// row-major order). As NumPy: bool and int32 sum in int64.</summary>
    public static Expr CumSum(Expr x, int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Scan(x, ScanOp.Add, axis, file, line);

    /// <summary>The cumulative product along <paramref name="axis"/> (null: flattened). Bool and int32 multiply in int64.</summary>
    public static Expr CumProd(Expr x, int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Scan(x, ScanOp.Multiply, axis, file, line);

    /// <summary>An inclusive scan with <paramref name="op"/> along <paramref name="axis"/> (null: of the flattened array).
    /// Add and Multiply of bool or int32 give int64; Max and Min keep the dtype and propagate NaN. Distributed in two
    /// passes (tile totals, then one scan of each tile from the carry of the tiles before it), never gathered.</summary>
    public static Expr Scan(Expr x, ScanOp op, int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "unknown ScanOp");
        }

        CallSite site = CallSite.At(file, line);
        DType t = op is ScanOp.Add or ScanOp.Multiply && x.DType is DType.Bool or DType.Int32 ? DType.Int64 : x.DType;
        Node n = x.Node;
        int a;
        if (axis is int ax)
        {
            a = Shape.NormalizeAxis(ax, x.Ndim, nameof(axis));
        }
        else
        {
            if (n.Shape.Rank != 1)
            {
                n = new FlattenNode(n, site);
            }

            a = 0;
        }

        return Expr.Wrap(new ScanNode(op, a, t, n, site));
    }
}
