using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// A product with a sparse operand. Sparse · dense (SpMV for a vector, SpMM for a matrix) is tiled by the sparse
/// operand's row blocks and runs where each block lives, reading one whole copy of the dense operand per task. Dense ·
/// sparse is tiled by the dense operand's rows; each task reads every CSR block of the right operand. Sparse · sparse
/// densifies the right operand when that is small, and is refused otherwise.
/// </summary>
internal sealed class SparseDotNode : Node, ISparseAware
{
    /// <summary>The largest dense right operand a sparse · sparse product may make (128 MB of float64).</summary>
    public const long MaxDensified = 1L << 24;

    private SparseDotNode(Node[] children, Shape shape, double scale, double constBias, CallSite site)
        : base(shape, DType.Float64, children, ContextOf(children), site)
    {
        Scale = scale;
        ConstBias = constBias;
    }

    private SparseDotNode(Node a, Node b, Shape shape, CallSite site)
        : this([a, b], shape, 1, 0, site)
    {
    }

    /// <summary>A constant bias of the epilogue (0: none; a literal is folded here instead of becoming a child).</summary>
    public double ConstBias { get; }

    private bool Plain => Scale == 1 && ConstBias == 0 && Bias is null;

    /// <summary>The epilogue's factor: the node is Scale · (a·b) + Bias (1 and no bias: the plain product).</summary>
    public double Scale { get; }

    /// <summary>The epilogue's one-element bias (a third child), or null.</summary>
    public Node? Bias => Children.Length > 2 ? Children[2] : null;

    public override string Label => (Children[0].IsSparse ? "sparse_dot(csr, dense)" : "sparse_dot(dense, csr)")
        + (Plain ? "" : $" * {Scale} + {(Bias is null ? ConstBias : "bias")}");

    /// <summary>
    /// Folds <c>c · (S·x)</c> and <c>(S·x) + b</c> (c a constant, b one element: 0-d or shape (1,)) into a sparse · dense
    /// product, as an epilogue of its kernel: the update of an iteration such as PageRank's costs no pass of its own.
    /// The result rounds exactly as the separate operations (a multiply, then an add). Null when the pattern does not apply.
    /// </summary>
    public static Node? TryFuse(OpCode op, Node a, Node b, CallSite site)
    {
        if ((a as SparseDotNode ?? b as SparseDotNode) is not { } d || !d.Children[0].IsSparse)
        {
            return null;
        }

        Node other = ReferenceEquals(a, d) ? b : a;
        if (op == OpCode.Multiply && d.Plain && other is ScalarNode { DType: not DType.Bool } c)
        {
            return new SparseDotNode(d.Children, d.Shape, Value(c), 0, site);
        }

        if (op != OpCode.Add || d.Bias is not null || d.ConstBias != 0 || other.IsSparse || other.DType == DType.Bool || other.Shape.Size != 1 || other.Shape.Rank > 1)
        {
            return null;
        }

        return other is ScalarNode k
            ? new SparseDotNode(d.Children, d.Shape, d.Scale, Value(k), site)
            : new SparseDotNode([d.Children[0], d.Children[1], Ops.Cast(other, DType.Float64, site)], d.Shape, d.Scale, 0, site);
    }

    private static double Value(ScalarNode c) => c.DType.IsInteger() ? c.IntValue : c.Value;

    /// <summary>Builds a · b when at least one operand is sparse (shapes already checked by the caller).</summary>
    public static Node Build(Node a, Node b, CallSite site)
    {
        if (a.IsSparse && b.IsSparse)
        {
            long dense = b.Shape.Size;
            if (dense > MaxDensified)
            {
                throw new ArgumentException(
                    $"Dot of two sparse arrays {a.Shape} and {b.Shape} would densify the right operand ({dense} elements, more than {MaxDensified}); sparse x sparse products are not supported at this size: multiply by a dense operand (ToDense()) or reduce the problem",
                    nameof(b));
            }

            b = new SparseToDenseNode(b, site);
        }

        Node dense1 = a.IsSparse ? b : a;
        if (dense1.Shape.Rank == 0)
        {
            SparseGuard.Throw("Dot of a sparse array with a 0-d operand", a.IsSparse ? "b" : "a");
        }

        dense1 = Ops.Cast(dense1, DType.Float64, site);
        if (a.IsSparse)
        {
            var dims = new List<long> { a.Shape[0] };
            if (dense1.Shape.Rank == 2)
            {
                dims.Add(dense1.Shape[1]);
            }

            return new SparseDotNode(a, dense1, new Shape([.. dims]), site);
        }

        var outDims = new List<long>();
        if (dense1.Shape.Rank == 2)
        {
            outDims.Add(dense1.Shape[0]);
        }

        outDims.Add(b.Shape[1]);
        return new SparseDotNode(dense1, b, new Shape([.. outDims]), site);
    }

    public override Node WithChildren(Node[] children) => new SparseDotNode(children, Shape, Scale, ConstBias, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        if (Children[0].IsSparse)
        {
            // Lazy: the kernel reads the operand's tiles in place and copies them once into a reused buffer.
            TileInput whole = inputs[1].Input(TileExtent.Whole(inputs[1].Shape)) with { Lazy = true };
            TileInput[] extra = inputs.Length > 2 ? [whole, inputs[2].Input(TileExtent.Whole(inputs[2].Shape))] : [whole];
            return SparseLowering.PerTile(lowering, inputs[0], Shape, DType, sparse: false, new SparseTimesDenseKernel(Scale, ConstBias), extra);
        }

        return DenseTimesSparse(lowering, inputs[0], inputs[1]);
    }

    private Lowered DenseTimesSparse(Lowering lowering, TileSet a, TileSet s)
    {
        // Output row blocks follow the dense operand's default row split; each reads all of its rows and every CSR block.
        TileGrid grid = Shape.Rank == 2 ? SparseTiling.Rows(Shape, lowering.Workers, lowering.Options) : TileGrid.Single(Shape);
        TileSet output = lowering.NewTileSet(grid, DType);
        var sparseTiles = new TileInput[s.Grid.Count];
        for (int t = 0; t < sparseTiles.Length; t++)
        {
            sparseTiles[t] = s.Input(s.Grid.Extent(t));
        }

        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            TileExtent rows = a.Shape.Rank == 1
                ? TileExtent.Whole(a.Shape)
                : new TileExtent([e.UlSpan[0], 0], [e.UlSpan[0] + e.Shape[0], a.Shape[1]], a.Shape);
            tasks[g] = new TileTask(new DenseTimesSparseKernel(), [a.Input(rows), .. sparseTiles], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
