using System.Runtime.CompilerServices;
using Spartan.Expressions;

namespace Spartan;

public static partial class Sp
{
    /// <summary>
    /// The dot product with NumPy's rules: 1-d · 1-d is the inner product (a 0-d array), 2-d · 1-d and 1-d · 2-d are
    /// matrix-vector products, 2-d · 2-d is the matrix product, and a 0-d operand multiplies elementwise. Dtypes
    /// promote as in NumPy: integers stay integers (wrapping on overflow), bool · bool is bool (any of the ands),
    /// and float32/float64 products run on the GEMM kernel. A transposed 2-d operand (<c>x.T</c>) is read in place,
    /// never materialised. The output tiling follows the operands: a row-tiled x times a small w stays row-tiled and
    /// moves only w; large products are blocked by the row blocks of a and the column blocks of b, splitting the inner
    /// dimension (partial products summed in a fixed order) only when that moves fewer bytes.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The inner dimensions differ (the message names both shapes).</exception>
    /// <exception cref="ArgumentException">An operand has more than two dimensions.</exception>
    public static Expr Dot(Expr a, Expr b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(a, nameof(a));
        Expr.Arg(b, nameof(b));
        return Expr.Wrap(DotNode.Build(a.Node, b.Node, CallSite.At(file, line)));
    }

    /// <summary>
    /// The fused k-means (Lloyd) pass: for data <paramref name="x"/> (n x d) and centres <paramref name="centers"/>
    /// (k x d), a (k, d + 1) array whose row j holds the sum of the rows of x nearest to centre j (squared Euclidean
    /// distance, the lowest j on ties) followed by their count. It reads x once: each task assigns and sums the rows of
    /// one tile of x on the worker that holds it, and the per-tile partials are summed in tile order. The new centres
    /// are <c>s[:, :d] / max(s[:, d], 1)</c>. Integer inputs compute in float64.
    /// </summary>
    /// <exception cref="ArgumentException">x or centers is not 2-d, or centers has no rows.</exception>
    /// <exception cref="ShapeMismatchException">x and centers have different numbers of columns.</exception>
    public static Expr NearestCenterSums(Expr x, Expr centers, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        Expr.Arg(centers, nameof(centers));
        if (x.Ndim != 2 || centers.Ndim != 2)
        {
            throw new ArgumentException($"NearestCenterSums needs 2-d data and centres, got shapes {x.Shape} and {centers.Shape}", x.Ndim != 2 ? nameof(x) : nameof(centers));
        }

        if (centers.Shape.Dims[0] == 0)
        {
            throw new ArgumentException("NearestCenterSums needs at least one centre", nameof(centers));
        }

        if (x.Shape.Dims[1] != centers.Shape.Dims[1])
        {
            throw new ShapeMismatchException($"NearestCenterSums: data {x.Shape} and centres {centers.Shape} have different numbers of columns", nameof(centers));
        }

        DType t = DTypes.Promote(x.DType, centers.DType);
        t = t.IsFloat() ? t : DType.Float64;
        return Expr.Wrap(new NearestSumsNode(x.Node, centers.Node, t, CallSite.At(file, line)));
    }
}
