using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// A dot product op(a) · op(b) of 1-d or 2-d operands, where op is the identity or, for a 2-d operand read through
/// a pure transpose view, the transpose: the node then holds the untransposed array and the GEMM reads it with
/// transA/transB, so <c>x.T.Dot(y)</c> never materialises <c>x.T</c>. A 1-d a is a 1 x k row, a 1-d b a k x 1
/// column; those axes are dropped from the result as in NumPy.
/// </summary>
/// <remarks>
/// The plan blocks the output by the row blocks of op(a) and the column blocks of op(b) (a small operand, at most an
/// eighth of the other's bytes, is not split: a row-tiled x times a small w stays row-tiled and moves only w). The
/// inner dimension is either left whole (each task loops over the k-tiles it reads, accumulating in place) or split
/// into groups along the k-tiling of a or b; each group's partial product is computed where its inputs live and the
/// partials of each output tile are summed in group order (stage 2, as a reduction). The cheapest choice in bytes
/// moved wins, ties going to the plan with enough tasks for every kernel thread and then to fewer partials. Every
/// task reads only its sub-blocks of a and b, tile by tile, in place when a read is a whole stored tile.
/// </remarks>
internal sealed class DotNode : Node
{
    /// <summary>A replicated operand has at most 1/SmallRatio of the other's bytes.</summary>
    private const long SmallRatio = 8;

    public DotNode(Node a, bool transA, Node b, bool transB, DType dtype, CallSite site)
        : base(OutputShape(a.Shape, transA, b.Shape, transB), dtype, [a, b], ContextOf(a, b), site)
    {
        TransA = transA;
        TransB = transB;
    }

    /// <summary>Whether op(a) is the transpose of the stored (2-d) a.</summary>
    public bool TransA { get; }

    /// <summary>Whether op(b) is the transpose of the stored (2-d) b.</summary>
    public bool TransB { get; }

    public bool VectorA => Children[0].Shape.Rank == 1;

    public bool VectorB => Children[1].Shape.Rank == 1;

    /// <summary>Rows of op(a) (1 for a vector).</summary>
    public long M => VectorA ? 1 : Children[0].Shape.Dims[TransA ? 1 : 0];

    /// <summary>The inner dimension.</summary>
    public long K => VectorA ? Children[0].Shape.Dims[0] : Children[0].Shape.Dims[TransA ? 0 : 1];

    /// <summary>Columns of op(b) (1 for a vector).</summary>
    public long N => VectorB ? 1 : Children[1].Shape.Dims[TransB ? 0 : 1];

    /// <summary>The stored axis of a that is the inner dimension.</summary>
    public int KAxisA => VectorA || TransA ? 0 : 1;

    /// <summary>The stored axis of b that is the inner dimension.</summary>
    public int KAxisB => VectorB || !TransB ? 0 : 1;

    public override string Label => $"dot({(TransA ? "a.T" : "a")}, {(TransB ? "b.T" : "b")})";

    /// <summary>Checks the operands and builds the node: a 0-d operand multiplies, a pure transpose view of a 2-d
    /// array is absorbed as a transpose flag.</summary>
    public static Node Build(Node a, Node b, CallSite site)
    {
        if (a.Shape.Rank > 2 || b.Shape.Rank > 2)
        {
            throw new ArgumentException(
                $"Dot supports 0-d, 1-d and 2-d operands, got shapes {a.Shape} and {b.Shape}; reshape stacked operands to 2-d first",
                a.Shape.Rank > 2 ? "a" : "b");
        }

        if (a.Shape.Rank == 0 || b.Shape.Rank == 0)
        {
            // NumPy: dot with a scalar is multiplication.
            return Ops.Binary(OpCode.Multiply, a, b, site);
        }

        long ka = a.Shape.Dims[^1];
        long kb = b.Shape.Dims[0];
        if (ka != kb)
        {
            throw new ShapeMismatchException(
                $"Dot: shapes {a.Shape} and {b.Shape} are not aligned: {ka} (dim {a.Shape.Rank - 1} of a) != {kb} (dim 0 of b)", "b");
        }

        if (a.IsSparse || b.IsSparse)
        {
            return SparseDotNode.Build(a, b, site);
        }

        DType t = DTypes.Promote(a.DType, b.DType);
        (Node sa, bool ta) = Untransposed(a);
        (Node sb, bool tb) = Untransposed(b);
        return new DotNode(sa, ta, sb, tb, t, site);
    }

    /// <summary>The array under a pure 2-d transpose view, or the node itself.</summary>
    public static (Node Stored, bool Transposed) Untransposed(Node n) =>
        n is ViewNode v && v.Children[0].Shape.Rank == 2 && v.Map.Axes.Length == 2
            && v.Map.Axes[0] == new AxisMap(1, 0, 1) && v.Map.Axes[1] == new AxisMap(0, 0, 1)
            ? (v.Children[0], true)
            : (n, false);

    private static Shape OutputShape(Shape a, bool transA, Shape b, bool transB)
    {
        var dims = new List<long>(2);
        if (a.Rank == 2)
        {
            dims.Add(a.Dims[transA ? 1 : 0]);
        }

        if (b.Rank == 2)
        {
            dims.Add(b.Dims[transB ? 0 : 1]);
        }

        return new Shape([.. dims]);
    }

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new DotNode(children[0], TransA, children[1], TransB, DType, Site);

    /// <summary>The region of stored a for rows [i0, i1) of op(a) and inner indices [k0, k1).</summary>
    public TileExtent RegionA(long i0, long i1, long k0, long k1)
    {
        Shape s = Children[0].Shape;
        return VectorA ? new TileExtent([k0], [k1], s) : TransA ? new TileExtent([k0, i0], [k1, i1], s) : new TileExtent([i0, k0], [i1, k1], s);
    }

    /// <summary>The region of stored b for inner indices [k0, k1) and columns [j0, j1) of op(b).</summary>
    public TileExtent RegionB(long k0, long k1, long j0, long j1)
    {
        Shape s = Children[1].Shape;
        return VectorB ? new TileExtent([k0], [k1], s) : TransB ? new TileExtent([j0, k0], [j1, k1], s) : new TileExtent([k0, j0], [k1, j1], s);
    }

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet a = inputs[0], b = inputs[1];
        long[] rows = VectorA ? [0, 1] : a.Grid.Bounds(TransA ? 1 : 0).ToArray();
        long[] cols = VectorB ? [0, 1] : b.Grid.Bounds(TransB ? 0 : 1).ToArray();
        if (b.Bytes * SmallRatio <= a.Bytes)
        {
            cols = [0, N];
        }
        else if (a.Bytes * SmallRatio <= b.Bytes)
        {
            rows = [0, M];
        }

        long[] kA = a.Grid.Bounds(KAxisA).ToArray();
        long[] kB = b.Grid.Bounds(KAxisB).ToArray();
        long[] segments = kA.Concat(kB).Append(0).Append(K).Distinct().Order().ToArray();

        var outBounds = new List<long[]>(2);
        if (!VectorA)
        {
            outBounds.Add(rows);
        }

        if (!VectorB)
        {
            outBounds.Add(cols);
        }

        var outGrid = new TileGrid(Shape, [.. outBounds]);
        int nI = rows.Length - 1, nJ = cols.Length - 1;

        // Candidate inner splits: none, a's k-tiling, b's k-tiling.
        var candidates = new List<long[]> { new[] { 0L, K } };
        if (kA.Length > 2)
        {
            candidates.Add(kA);
        }

        if (kB.Length > 2 && !kB.AsSpan().SequenceEqual(kA))
        {
            candidates.Add(kB);
        }

        Plan? best = null;
        int threads = KernelPool.Shared.Threads;
        foreach (long[] groups in candidates)
        {
            Plan p = MakePlan(groups, rows, cols, outGrid, nI, nJ, inputs, lowering.Workers);
            if (best is null || Better(p, best, threads))
            {
                best = p;
            }
        }

        Plan plan = best!;
        int nG = plan.Groups.Length - 1;
        int taskCount = plan.Inputs.Length;
        int perTask = Math.Max(1, threads / Math.Max(1, taskCount));
        var stage1 = new TileTask[taskCount];
        if (nG == 1)
        {
            TileSet output = lowering.NewTileSet(outGrid, DType, plan.Owners);
            for (int o = 0; o < taskCount; o++)
            {
                TileExtent e = outGrid.Extent(o);
                stage1[o] = new TileTask(KernelFor(plan.Groups[0], plan.Groups[1], segments, perTask), plan.Inputs[o], e, [e], [DType], [output.Tiles[o]]);
            }

            return Lowered.Single(output, stage1);
        }

        var partialShape = new Shape([nG, .. Shape.ToArray()]);
        var partialGrid = new TileGrid(partialShape, [Enumerable.Range(0, nG + 1).Select(i => (long)i).ToArray(), .. outBounds]);
        TileSet partials = lowering.NewTileSet(partialGrid, DType, plan.Owners);
        for (int p = 0; p < taskCount; p++)
        {
            int g = p / outGrid.Count;
            TileExtent pe = partialGrid.Extent(p);
            stage1[p] = new TileTask(KernelFor(plan.Groups[g], plan.Groups[g + 1], segments, perTask), plan.Inputs[p], pe, [pe], [DType], [partials.Tiles[p]]);
        }

        TileSet result = lowering.NewTileSet(outGrid, DType);
        var combine = new ReduceCombineKernel(DType == DType.Bool ? Reduction.Any : Reduction.Sum);
        var stage2 = new TileTask[outGrid.Count];
        for (int o = 0; o < stage2.Length; o++)
        {
            var ins = new TileInput[nG];
            for (int g = 0; g < nG; g++)
            {
                ins[g] = partials.Input(partialGrid.Extent(g * outGrid.Count + o));
            }

            TileExtent oe = outGrid.Extent(o);
            stage2[o] = new TileTask(combine, ins, oe, [oe], [DType], [result.Tiles[o]]);
        }

        return new Lowered(result, [stage1, stage2], [partials]);
    }

    private DotKernel KernelFor(long k0, long k1, long[] segments, int threads) =>
        new(TransA, TransB, VectorA, VectorB, segments.Where(s => s > k0 && s < k1).Prepend(k0).Append(k1).ToArray(), threads);

    /// <summary>Lower cost wins; on a tie, a plan with a task for every kernel thread, then fewer partials.</summary>
    private static bool Better(Plan p, Plan q, int threads)
    {
        if (p.Cost != q.Cost)
        {
            return p.Cost < q.Cost;
        }

        bool pPar = p.Inputs.Length >= threads, qPar = q.Inputs.Length >= threads;
        if (pPar != qPar)
        {
            return pPar;
        }

        return p.Groups.Length < q.Groups.Length;
    }

    private Plan MakePlan(long[] groups, long[] rows, long[] cols, TileGrid outGrid, int nI, int nJ, TileSet[] inputs, int workers)
    {
        int nG = groups.Length - 1;
        int count = nG * outGrid.Count;
        var ins = new TileInput[count][];
        var owners = new int[count];
        long cost = 0;
        long elem = DType.SizeOf();
        for (int g = 0; g < nG; g++)
        {
            for (int i = 0; i < nI; i++)
            {
                for (int j = 0; j < nJ; j++)
                {
                    int o = (i * nJ) + j;
                    int p = (g * outGrid.Count) + o;
                    TileInput ia = inputs[0].Input(RegionA(rows[i], rows[i + 1], groups[g], groups[g + 1])) with { Lazy = true };
                    TileInput ib = inputs[1].Input(RegionB(groups[g], groups[g + 1], cols[j], cols[j + 1])) with { Lazy = true };
                    ins[p] = [ia, ib];
                    owners[p] = Placement.Owner(ins[p], o, workers);
                    cost += Remote(ia, owners[p]) + Remote(ib, owners[p]);
                    if (nG > 1 && owners[p] != o % workers)
                    {
                        // The partial travels to the output tile's worker for the combine.
                        cost += (rows[i + 1] - rows[i]) * (cols[j + 1] - cols[j]) * elem;
                    }
                }
            }
        }

        return new Plan(groups, ins, owners, cost);
    }

    private static long Remote(TileInput input, int worker)
    {
        long bytes = 0;
        foreach (TilePiece p in input.Pieces)
        {
            if (p.Tile.Worker != worker)
            {
                bytes += p.Part.Size * input.DType.SizeOf();
            }
        }

        return bytes;
    }

    private sealed record Plan(long[] Groups, TileInput[][] Inputs, int[] Owners, long Cost);
}
