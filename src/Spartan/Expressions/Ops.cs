using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Builds elementwise nodes with NumPy's dtype rules (NEP 50 weak scalars). Every dtype error is raised here,
/// at the line that builds the expression.</summary>
internal static class Ops
{
    public static Node Binary(OpCode op, Node a, Node b, CallSite site)
    {
        if (a.IsSparse || b.IsSparse)
        {
            return SparseOps.Binary(op, a, b, site);
        }

        if (SparseDotNode.TryFuse(op, a, b, site) is { } fused)
        {
            return fused;
        }

        DType t = DTypes.Promote(a.DType, a.IsWeak, b.DType, b.IsWeak);
        bool comparison = op is OpCode.Less or OpCode.LessEqual or OpCode.Greater or OpCode.GreaterEqual or OpCode.Equal or OpCode.NotEqual;
        if (t == DType.Int32 && (OutOfInt32(a) ?? OutOfInt32(b)) is long big)
        {
            // NEP 50: a literal adopts the array's dtype only if it fits. NumPy 2 raises OverflowError for arithmetic
            // and compares exactly, so comparisons widen to int64 instead of wrapping the literal.
            if (!comparison)
            {
                throw new ArgumentOutOfRangeException(OutOfInt32(a) is null ? nameof(b) : nameof(a), big, $"the integer {big} is out of bounds for int32, the dtype of the other operand; convert that operand with AsType(DType.Int64) first");
            }

            t = DType.Int64;
        }

        switch (op)
        {
            case OpCode.Divide:
                // True division: integers and bools divide as float64.
                DType f = t.IsFloat() ? t : DType.Float64;
                return new ElementwiseNode(op, f, f, [a, b], site);
            case OpCode.Less or OpCode.LessEqual or OpCode.Greater or OpCode.GreaterEqual or OpCode.Equal or OpCode.NotEqual:
                return new ElementwiseNode(op, t, DType.Bool, [a, b], site);
            case OpCode.And or OpCode.Or or OpCode.Xor:
                if (t.IsFloat())
                {
                    throw new ArgumentException($"{Name(op)} needs bool or integer operands, not {a.DType.Name()} and {b.DType.Name()}", nameof(b));
                }

                return new ElementwiseNode(op, t, t, [a, b], site);
        }

        if (t == DType.Bool)
        {
            switch (op)
            {
                // NumPy's bool arithmetic: + is or, * is and, maximum is or, minimum is and.
                case OpCode.Add or OpCode.Maximum: return new ElementwiseNode(OpCode.Or, t, t, [a, b], site);
                case OpCode.Multiply or OpCode.Minimum: return new ElementwiseNode(OpCode.And, t, t, [a, b], site);
                case OpCode.Subtract:
                    throw new ArgumentException("bool subtract (-) is not supported, as in NumPy; use ^ (xor) instead", nameof(b));
                default:
                    // % and ** of bools compute in int64 (NumPy uses int8, which Spartan does not have).
                    return new ElementwiseNode(op, DType.Int64, DType.Int64, [a, b], site);
            }
        }

        return new ElementwiseNode(op, t, t, [a, b], site);
    }

    public static Node Unary(OpCode op, Node a, CallSite site)
    {
        if (a.IsSparse)
        {
            return SparseOps.Unary(op, a, site);
        }

        DType t = a.DType;
        switch (op)
        {
            case OpCode.Negate when t == DType.Bool:
                throw new ArgumentException("negating a bool array (-x) is not supported, as in NumPy; use ~x instead", nameof(a));
            case OpCode.Not when t.IsFloat():
                throw new ArgumentException($"~ needs a bool or integer array, not {t.Name()}", nameof(a));
            case OpCode.IsNan:
                return new ElementwiseNode(op, t, DType.Bool, [a], site);
            case OpCode.Floor or OpCode.Ceil or OpCode.Exp or OpCode.Log or OpCode.Sqrt or OpCode.Sin or OpCode.Cos or OpCode.Tanh or OpCode.NormCdf:
                // Float-only functions: integers and bools are computed in float64.
                DType f = t.IsFloat() ? t : DType.Float64;
                return new ElementwiseNode(op, f, f, [a], site);
            default:
                return new ElementwiseNode(op, t, t, [a], site);
        }
    }

    public static Node Where(Node cond, Node x, Node y, CallSite site)
    {
        (cond, x, y) = (SparseOps.Dense(cond, site), SparseOps.Dense(x, site), SparseOps.Dense(y, site));
        DType t = DTypes.Promote(x.DType, x.IsWeak, y.DType, y.IsWeak);
        return new ElementwiseNode(OpCode.Where, t, t, [cond, x, y], site);
    }

    public static Node Cast(Node a, DType to, CallSite site) =>
        a.DType == to ? a : new ElementwiseNode(OpCode.Cast, a.DType, to, [SparseOps.Dense(a, site)], site);

    private static long? OutOfInt32(Node n) =>
        n is ScalarNode { IsWeak: true, DType: DType.Int64, IntValue: var v } && v is < int.MinValue or > int.MaxValue ? v : null;

    private static string Name(OpCode op) => op switch
    {
        OpCode.And => "&",
        OpCode.Or => "|",
        OpCode.Xor => "^",
        _ => op.ToString(),
    };
}
