using Spartan.Kernels.Sparse;
using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// What elementwise operations and reductions do with sparse operands: scaling by a constant (x * c, c * x, x / c, -x)
/// stays sparse; any other elementwise operation densifies its sparse operands first (as NumPy would see them: the
/// result is dense anyway for +, comparisons and functions with f(0) != 0). Sum, Mean, Max, Min and CountNonzero
/// read the CSR tiles; other reductions are refused with a pointer to ToDense().
/// </summary>
internal static class SparseOps
{
    public static Node Binary(OpCode op, Node a, Node b, CallSite site)
    {
        if (op == OpCode.Multiply && a.IsSparse && Constant(b) is double cb)
        {
            return new SparseScaleNode(a, cb, divide: false, site);
        }

        if (op == OpCode.Multiply && b.IsSparse && Constant(a) is double ca)
        {
            return new SparseScaleNode(b, ca, divide: false, site);
        }

        if (op == OpCode.Divide && a.IsSparse && Constant(b) is double d)
        {
            return new SparseScaleNode(a, d, divide: true, site);
        }

        return Ops.Binary(op, Dense(a, site), Dense(b, site), site);
    }

    public static Node Unary(OpCode op, Node a, CallSite site) =>
        op == OpCode.Negate ? new SparseScaleNode(a, -1, divide: false, site) : Ops.Unary(op, Dense(a, site), site);

    /// <summary>The dense form of <paramref name="n"/> (itself when already dense).</summary>
    public static Node Dense(Node n, CallSite site) => n.IsSparse ? new SparseToDenseNode(n, site) : n;

    public static Node Reduce(Reduction r, Node x, int? axis, bool keepDims, CallSite site, string op)
    {
        CsrReduction csr = r switch
        {
            Reduction.Sum => CsrReduction.Sum,
            Reduction.Max => CsrReduction.Max,
            Reduction.Min => CsrReduction.Min,
            _ => throw new ArgumentException($"{op} does not accept a sparse array; convert it with ToDense() first (sparse arrays reduce with Sum, Mean, Max, Min and CountNonzero)", "x"),
        };
        return Build(csr, x, axis, keepDims, op, site);
    }

    public static Node Mean(Node x, int? axis, bool keepDims, CallSite site)
    {
        Node sum = Build(CsrReduction.Sum, x, axis, keepDims, "mean", site);
        long n = axis is int a ? x.Shape[Shape.NormalizeAxis(a, 2, "axis")] : x.Shape.Size;
        return Ops.Binary(OpCode.Divide, sum, new ScalarNode(n, n, DType.Float64, weak: true), site);
    }

    public static Node CountNonzero(bool zeros, Node x, int? axis, CallSite site)
    {
        Node nonzero = Build(CsrReduction.CountNonzero, x, axis, keepDims: false, zeros ? "count_zero" : "count_nonzero", site);
        if (!zeros)
        {
            return nonzero;
        }

        long n = axis is int a ? x.Shape[Shape.NormalizeAxis(a, 2, "axis")] : x.Shape.Size;
        return Ops.Binary(OpCode.Subtract, new ScalarNode(n, n, DType.Int64, weak: true), nonzero, site);
    }

    private static Node Build(CsrReduction csr, Node x, int? axis, bool keepDims, string op, CallSite site)
    {
        if (keepDims)
        {
            throw new ArgumentException($"{op} of a sparse array does not support keepDims; reduce without it, or convert with ToDense() first", nameof(keepDims));
        }

        int? a = axis is int ax ? Shape.NormalizeAxis(ax, x.Shape.Rank, "axis") : null;
        if (csr is CsrReduction.Max or CsrReduction.Min && (a is int k ? x.Shape[k] == 0 && x.Shape.Size == 0 : x.Shape.Size == 0))
        {
            throw new ArgumentException($"zero-size sparse array of shape {x.Shape} to reduction operation {op}, which has no identity", "axis");
        }

        return new SparseReduceNode(csr, a, x, site);
    }

    /// <summary>The value of a numeric constant operand (a literal or a 0-d constant), else null.</summary>
    private static double? Constant(Node n) => n switch
    {
        ScalarNode { DType: DType.Bool } => null,
        ScalarNode s => s.DType.IsInteger() ? s.IntValue : s.Value,
        _ => null,
    };
}
