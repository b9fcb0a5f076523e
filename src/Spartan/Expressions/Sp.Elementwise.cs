using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public static partial class Sp
{
    /// <summary>|x|.</summary>
    public static Expr Abs(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Abs, x, file, line);

    /// <summary>e**x.</summary>
    public static Expr Exp(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Exp, x, file, line);

    /// <summary>Natural logarithm.</summary>
    public static Expr Log(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Log, x, file, line);

    /// <summary>Natural logarithm (the original's name).</summary>
    public static Expr Ln(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Log, x, file, line);

    /// <summary>Square root.</summary>
    public static Expr Sqrt(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Sqrt, x, file, line);

    /// <summary>x*x.</summary>
    public static Expr Square(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Square, x, file, line);

    /// <summary>Sine.</summary>
    public static Expr Sin(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Sin, x, file, line);

    /// <summary>Cosine.</summary>
    public static Expr Cos(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Cos, x, file, line);

    /// <summary>Hyperbolic tangent.</summary>
    public static Expr Tanh(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Tanh, x, file, line);

    /// <summary>-1, 0 or 1 by sign (NaN stays NaN).</summary>
    public static Expr Sign(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Sign, x, file, line);

    /// <summary>Floor (integers give float64).</summary>
    public static Expr Floor(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Floor, x, file, line);

    /// <summary>Ceiling (integers give float64).</summary>
    public static Expr Ceil(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.Ceil, x, file, line);

    /// <summary>The standard normal CDF, as scipy.stats.norm.cdf.</summary>
    public static Expr NormCdf(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.NormCdf, x, file, line);

    /// <summary>Whether each element is NaN (Bool).</summary>
    public static Expr IsNan(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Un(OpCode.IsNan, x, file, line);

    /// <summary>x**y (integer powers are exact and wrap).</summary>
    public static Expr Power(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Power, x, y, file, line);

    /// <summary>Elementwise maximum; NaN propagates.</summary>
    public static Expr Maximum(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Maximum, x, y, file, line);

    /// <summary>Elementwise minimum; NaN propagates.</summary>
    public static Expr Minimum(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Minimum, x, y, file, line);

    /// <summary>x + y.</summary>
    public static Expr Add(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Add, x, y, file, line);

    /// <summary>x - y.</summary>
    public static Expr Sub(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Subtract, x, y, file, line);

    /// <summary>x * y.</summary>
    public static Expr Multiply(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Multiply, x, y, file, line);

    /// <summary>x / y (true division).</summary>
    public static Expr Divide(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Divide, x, y, file, line);

    /// <summary>Floor modulo, as x % y.</summary>
    public static Expr Mod(Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Bin(OpCode.Mod, x, y, file, line);

    /// <summary>x where cond is true (non-zero), else y; all three broadcast together.</summary>
    public static Expr Where(Expr cond, Expr x, Expr y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expr.Wrap(Ops.Where(Expr.Arg(cond, nameof(cond)).Node, Expr.Arg(x, nameof(x)).Node, Expr.Arg(y, nameof(y)).Node, CallSite.At(file, line)));

    /// <summary>x limited to [lo, hi], as minimum(maximum(x, lo), hi).</summary>
    public static Expr Clip(Expr x, Expr lo, Expr hi, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        CallSite site = CallSite.At(file, line);
        Node low = Ops.Binary(OpCode.Maximum, Expr.Arg(x, nameof(x)).Node, Expr.Arg(lo, nameof(lo)).Node, site);
        return Expr.Wrap(Ops.Binary(OpCode.Minimum, low, Expr.Arg(hi, nameof(hi)).Node, site));
    }

    private static Expr Un(OpCode op, Expr x, string file, int line) => Expr.Wrap(Ops.Unary(op, Expr.Arg(x, nameof(x)).Node, CallSite.At(file, line)));

    private static Expr Bin(OpCode op, Expr x, Expr y, string file, int line) =>
        Expr.Wrap(Ops.Binary(op, Expr.Arg(x, nameof(x)).Node, Expr.Arg(y, nameof(y)).Node, CallSite.At(file, line)));
}
