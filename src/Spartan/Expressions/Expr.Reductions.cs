using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public abstract partial class Expr
{
    /// <summary>Sum over an axis (null: all axes, giving a 0-d array). Bool and int32 sum in int64.</summary>
    public Expr Sum(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.Sum, axis, keepDims, file, line, "sum");

    /// <summary>Product over an axis. Bool and int32 multiply in int64.</summary>
    public Expr Prod(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.Prod, axis, keepDims, file, line, "prod");

    /// <summary>Maximum over an axis; NaN propagates.</summary>
    public Expr Max(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.Max, axis, keepDims, file, line, "maximum");

    /// <summary>Minimum over an axis; NaN propagates.</summary>
    public Expr Min(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.Min, axis, keepDims, file, line, "minimum");

    /// <summary>Index of the first maximum (the first NaN if any); with axis null, the flat row-major index.</summary>
    public Expr ArgMax(int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.ArgMax, axis, false, file, line, "argmax");

    /// <summary>Index of the first minimum (the first NaN if any); with axis null, the flat row-major index.</summary>
    public Expr ArgMin(int? axis = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.ArgMin, axis, false, file, line, "argmin");

    /// <summary>Whether every element is non-zero (Bool).</summary>
    public Expr All(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.All, axis, keepDims, file, line, "all");

    /// <summary>Whether any element is non-zero (Bool).</summary>
    public Expr Any(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Red(Reduction.Any, axis, keepDims, file, line, "any");

    /// <summary>Arithmetic mean (float64, or float32 for float32 input).</summary>
    public Expr Mean(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Wrap(ReductionBuilder.Mean(Node, axis, keepDims, CallSite.At(file, line)));

    /// <summary>Variance, mean((x - mean(x))**2) * n / (n - ddof), computed in two passes for accuracy.</summary>
    public Expr Var(int? axis = null, int ddof = 0, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Wrap(ReductionBuilder.Var(Node, axis, ddof, keepDims, CallSite.At(file, line)));

    /// <summary>Standard deviation, the square root of <see cref="Var"/>.</summary>
    public Expr Std(int? axis = null, int ddof = 0, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        CallSite site = CallSite.At(file, line);
        return Wrap(Ops.Unary(OpCode.Sqrt, ReductionBuilder.Var(Node, axis, ddof, keepDims, site), site));
    }

    private Expr Red(Reduction r, int? axis, bool keepDims, string file, int line, string name) =>
        Wrap(ReductionBuilder.Reduce(r, Node, axis, keepDims, CallSite.At(file, line), name));
}
