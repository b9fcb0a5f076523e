using Spartan.Expressions;

namespace Spartan.Optimizer;

/// <summary>
/// <c>x.T.Dot(f(x.Dot(w), ...))</c>, with f an elementwise map (fused by MapFusion) of the row products and of
/// row-aligned or broadcast operands, becomes one <see cref="RowDotNode"/>: one pass over x per evaluation instead of
/// two (x · w, then xᵀ · r) plus a materialised r. The logistic-regression gradient
/// <c>X.T.Dot(sigmoid(X.Dot(w)) - y)</c> is the motivating case. Applies to float32/float64 when x · w is used by the
/// map once, unbroadcast, and w is small (at most an eighth of x).
/// </summary>
internal sealed class RowDotFusion : IOptimizerPass
{
    public string Name => "RowDotFusion";

    // Part of reduction fusion: the rewrite turns a dot into a reduction over a fused map.
    public bool Enabled(SpartanOptions options) => options.OptimizeReduceFusion;

    public Node Rewrite(Node node)
    {
        if (node is not DotNode { TransA: true, VectorA: false, TransB: false } dot || dot.Children[1] is not FusedMapNode f)
        {
            return node;
        }

        Node x = dot.Children[0];
        if (!x.DType.IsFloat() || f.DType != x.DType || dot.DType != x.DType)
        {
            return node;
        }

        int z = -1;
        for (int l = 0; l < f.Children.Length; l++)
        {
            if (f.Children[l] is DotNode { TransA: false, TransB: false, VectorA: false } inner && ReferenceEquals(inner.Children[0], x))
            {
                if (z >= 0)
                {
                    return node;
                }

                z = l;
            }
        }

        if (z < 0)
        {
            return node;
        }

        var xw = (DotNode)f.Children[z];
        Node w = xw.Children[1];
        bool plain = f.Maps[z] is null || f.Maps[z]!.IsIdentity(xw.Shape);
        if (!plain || xw.Shape != f.Shape || xw.DType != x.DType || w.Shape.Size * 8 > x.Shape.Size)
        {
            return node;
        }

        Node[] others = f.Children.Where((_, l) => l != z).ToArray();
        return new RowDotNode(x, w, f.Program, z, others, f.Maps, f.Shape, dot.Site);
    }
}
