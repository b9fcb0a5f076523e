using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public static partial class Sp
{
    /// <summary>Number of non-zero elements (NaN counts as non-zero), as Int64.</summary>
    public static Expr CountNonzero(Expr x, int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expr.Wrap(ReductionBuilder.CountWhere(OpCode.NotEqual, Expr.Arg(x, nameof(x)).Node, axis, CallSite.At(file, line)));

    /// <summary>Number of zero elements, as Int64.</summary>
    public static Expr CountZero(Expr x, int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expr.Wrap(ReductionBuilder.CountWhere(OpCode.Equal, Expr.Arg(x, nameof(x)).Node, axis, CallSite.At(file, line)));

    /// <summary>The 2-norm over an axis (all axes: the Frobenius norm), sqrt(sum(|x|**2)).</summary>
    public static Expr Norm(Expr x, int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expr.Wrap(ReductionBuilder.Norm(Expr.Arg(x, nameof(x)).Node, axis, CallSite.At(file, line)));

    /// <summary>x divided by its sum over an axis, so that the sum becomes 1 (the original's normalize).</summary>
    public static Expr Normalize(Expr x, int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        CallSite site = CallSite.At(file, line);
        Node n = Expr.Arg(x, nameof(x)).Node;
        Node sum = ReductionBuilder.Reduce(Reduction.Sum, n, axis, keepDims: true, site, "normalize");
        return Expr.Wrap(Ops.Binary(OpCode.Divide, n, sum, site));
    }
}
