using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public abstract partial class Expr
{
    /// <summary>Elementwise sum, with broadcasting.</summary>
    public static Expr operator +(Expr x, Expr y) => Bin(OpCode.Add, x, y);

    /// <summary>Elementwise difference.</summary>
    public static Expr operator -(Expr x, Expr y) => Bin(OpCode.Subtract, x, y);

    /// <summary>Elementwise product.</summary>
    public static Expr operator *(Expr x, Expr y) => Bin(OpCode.Multiply, x, y);

    /// <summary>True division: integer operands give float64.</summary>
    public static Expr operator /(Expr x, Expr y) => Bin(OpCode.Divide, x, y);

    /// <summary>Floor modulo, with the sign of the divisor (integer x % 0 is 0).</summary>
    public static Expr operator %(Expr x, Expr y) => Bin(OpCode.Mod, x, y);

    /// <summary>Elementwise negation.</summary>
    public static Expr operator -(Expr x) => Un(OpCode.Negate, x);

    /// <summary>Elementwise x &lt; y (Bool).</summary>
    public static Expr operator <(Expr x, Expr y) => Bin(OpCode.Less, x, y);

    /// <summary>Elementwise x &lt;= y (Bool).</summary>
    public static Expr operator <=(Expr x, Expr y) => Bin(OpCode.LessEqual, x, y);

    /// <summary>Elementwise x &gt; y (Bool).</summary>
    public static Expr operator >(Expr x, Expr y) => Bin(OpCode.Greater, x, y);

    /// <summary>Elementwise x &gt;= y (Bool).</summary>
    public static Expr operator >=(Expr x, Expr y) => Bin(OpCode.GreaterEqual, x, y);

    /// <summary>Logical (bool) or bitwise (integer) and.</summary>
    public static Expr operator &(Expr x, Expr y) => Bin(OpCode.And, x, y);

    /// <summary>Logical (bool) or bitwise (integer) or.</summary>
    public static Expr operator |(Expr x, Expr y) => Bin(OpCode.Or, x, y);

    /// <summary>Logical (bool) or bitwise (integer) xor.</summary>
    public static Expr operator ^(Expr x, Expr y) => Bin(OpCode.Xor, x, y);

    /// <summary>Logical (bool) or bitwise (integer) not.</summary>
    public static Expr operator ~(Expr x) => Un(OpCode.Not, x);

    /// <summary>Elementwise x == y (Bool).</summary>
    public Expr Eq(Expr y, [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) =>
        Wrap(Ops.Binary(OpCode.Equal, Node, Arg(y, nameof(y)).Node, CallSite.At(file, line)));

    /// <summary>Elementwise x != y (Bool).</summary>
    public Expr Ne(Expr y, [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) =>
        Wrap(Ops.Binary(OpCode.NotEqual, Node, Arg(y, nameof(y)).Node, CallSite.At(file, line)));

    /// <summary>A copy converted to another dtype (floats to integers truncate toward zero).</summary>
    public Expr AsType(DType dtype, [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
    {
        CheckDType(dtype, nameof(dtype));
        if (IsSparse)
        {
            // A sparse array holds float64: AsType(Float64) keeps it sparse, any other dtype densifies.
            return dtype == DType ? this : Wrap(Ops.Cast(Node, dtype, CallSite.At(file, line)));
        }

        return Wrap(dtype == DType ? new ElementwiseNode(OpCode.Cast, DType, dtype, [Node], CallSite.At(file, line)) : Ops.Cast(Node, dtype, CallSite.At(file, line)));
    }

    internal static Expr Wrap(Node n) => new LazyExpr(n);

    internal static Expr Arg(Expr? e, string name) => e ?? throw new ArgumentNullException(name);

    internal static void CheckDType(DType t, string name)
    {
        if (!Enum.IsDefined(t))
        {
            throw new ArgumentOutOfRangeException(name, t, $"{t} is not a dtype");
        }
    }

    // Operators cannot take caller info: they keep a cheap stack trace, resolved to file:line only on error.
    private static Expr Bin(OpCode op, Expr x, Expr y) =>
        Wrap(Ops.Binary(op, Arg(x, nameof(x)).Node, Arg(y, nameof(y)).Node, CallSite.Capture()));

    private static Expr Un(OpCode op, Expr x) => Wrap(Ops.Unary(op, Arg(x, nameof(x)).Node, CallSite.Capture()));
}
