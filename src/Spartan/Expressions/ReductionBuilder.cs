using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Builds reductions with NumPy's dtype rules and checks; compositions (mean, var, norm) are built from
/// the primitive reductions so that fusion sees through them.</summary>
internal static class ReductionBuilder
{
    public static Node Reduce(Reduction r, Node x, int? axis, bool keepDims, CallSite site, string op)
    {
        if (x.IsSparse)
        {
            return SparseOps.Reduce(r, x, axis, keepDims, site, op);
        }

        int? a = axis is int ax ? Shape.NormalizeAxis(ax, x.Shape.Rank, "axis") : null;
        CheckIdentity(r, x.Shape, a, op);
        Node input = r switch
        {
            // NumPy sums and multiplies bools and int32 in the default integer, int64.
            Reduction.Sum or Reduction.Prod when x.DType is DType.Bool or DType.Int32 => Ops.Cast(x, DType.Int64, site),
            Reduction.All or Reduction.Any => Ops.Cast(x, DType.Bool, site),
            _ => x,
        };
        return new ReduceNode(r, a, keepDims, input, site);
    }

    public static Node Mean(Node x, int? axis, bool keepDims, CallSite site)
    {
        if (x.IsSparse)
        {
            return SparseOps.Mean(x, axis, keepDims, site);
        }

        DType f = x.DType == DType.Float32 ? DType.Float32 : DType.Float64;
        Node sum = Reduce(Reduction.Sum, Ops.Cast(x, f, site), axis, keepDims, site, "mean");
        return Ops.Binary(OpCode.Divide, sum, Count(x.Shape, axis, f), site);
    }

    public static Node Var(Node x, int? axis, int ddof, bool keepDims, CallSite site)
    {
        if (ddof < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ddof), ddof, "ddof must be non-negative");
        }

        DType f = x.DType == DType.Float32 ? DType.Float32 : DType.Float64;
        Node xf = Ops.Cast(SparseOps.Dense(x, site), f, site); // variance of a sparse array: computed densely
        Node mean = Mean(xf, axis, keepDims: true, site);
        Node dev = Ops.Unary(OpCode.Square, Ops.Binary(OpCode.Subtract, xf, mean, site), site);
        Node sum = Reduce(Reduction.Sum, dev, axis, keepDims, site, "var");
        long n = CountOf(x.Shape, axis);
        return Ops.Binary(OpCode.Divide, sum, Const(Math.Max(0, n - ddof), f), site);
    }

    public static Node CountWhere(OpCode compare, Node x, int? axis, CallSite site)
    {
        if (x.IsSparse)
        {
            return SparseOps.CountNonzero(compare == OpCode.Equal, x, axis, site);
        }

        Node hits = Ops.Cast(Ops.Binary(compare, x, ScalarNode.Of(0L), site), DType.Int64, site);
        return Reduce(Reduction.Sum, hits, axis, false, site, "count");
    }

    public static Node Norm(Node x, int? axis, CallSite site)
    {
        Node sq = Ops.Unary(OpCode.Square, Ops.Unary(OpCode.Abs, Ops.Cast(x, x.DType == DType.Float32 ? DType.Float32 : DType.Float64, site), site), site);
        return Ops.Unary(OpCode.Sqrt, Reduce(Reduction.Sum, sq, axis, false, site, "norm"), site);
    }

    private static Node Count(Shape s, int? axis, DType t) => Const(CountOf(s, axis), t);

    private static Node Const(long n, DType t) => new ScalarNode(n, n, t, weak: true);

    private static long CountOf(Shape s, int? axis) => axis is int a ? s[a] : s.Size;

    private static void CheckIdentity(Reduction r, Shape s, int? axis, string op)
    {
        if (r is not (Reduction.Max or Reduction.Min or Reduction.ArgMax or Reduction.ArgMin))
        {
            return;
        }

        bool empty = axis is int a ? s.Dims[a] == 0 && s.Size == 0 && s.WithoutAxis(a).Size > 0 : s.Size == 0;
        if (empty)
        {
            throw new ArgumentException(r is Reduction.ArgMax or Reduction.ArgMin
                ? $"attempt to get {op} of an empty sequence (shape {s})"
                : $"zero-size array of shape {s} to reduction operation {op}, which has no identity", "axis");
        }
    }
}
