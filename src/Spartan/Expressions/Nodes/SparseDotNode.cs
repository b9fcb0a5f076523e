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

    private SparseDotNode(Node a, Node b, Shape shape, CallSite site)
        : base(shape, DType.Float64, [a, b], ContextOf(a, b), site)
    {
    }

    public override string Label => Children[0].IsSparse ? "sparse_dot(csr, dense)" : "sparse_dot(dense, csr)";

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

    public override Node WithChildren(Node[] children) => new SparseDotNode(children[0], children[1], Shape, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        if (Children[0].IsSparse)
        {
            // Lazy: the kernel reads the operand's tiles in place and copies them once into a reused buffer.
            TileInput whole = inputs[1].Input(TileExtent.Whole(inputs[1].Shape)) with { Lazy = true };
            return SparseLowering.PerTile(lowering, inputs[0], Shape, DType, sparse: false, new SparseTimesDenseKernel(), whole);
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
