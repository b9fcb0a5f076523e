using System.Runtime.CompilerServices;
using Spartan.Expressions;

namespace Spartan;

public static partial class Sp
{
    /// <summary>The array sorted along <paramref name="axis"/>, ascending, NaN last. A split axis of a 1-d array is
    /// sorted by a distributed sample sort that never gathers the array; a split axis of a multi-d array is first
    /// re-tiled (a planned movement) so that each tile holds whole lines.</summary>
    public static Expr Sort(Expr x, int axis = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        int a = Shape.NormalizeAxis(axis, x.Ndim, nameof(axis));
        return Expr.Wrap(new SortNode(a, arg: false, x.Node, CallSite.At(file, line)));
    }

    /// <summary>The indices (Int64) that sort <paramref name="x"/> along <paramref name="axis"/>: a stable sort (equal
    /// elements keep their order), NaN last, indices along the axis as in NumPy.</summary>
    public static Expr ArgSort(Expr x, int axis = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        int a = Shape.NormalizeAxis(axis, x.Ndim, nameof(axis));
        return Expr.Wrap(new SortNode(a, arg: true, x.Node, CallSite.At(file, line)));
    }
}
