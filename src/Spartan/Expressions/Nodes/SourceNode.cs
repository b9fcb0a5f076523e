using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>A node that makes an array from its kernel alone (fills, ranges, identity, random): one task per tile
/// of its own tiling, with no inputs.</summary>
internal sealed class SourceNode : Node
{
    public SourceNode(Shape shape, DType dtype, KernelSpec kernel, Shape? tileHint, string label, SpartanContext context, CallSite site)
        : base(shape, dtype, [], context, site)
    {
        Kernel = kernel;
        TileHint = tileHint;
        Label = label;
        if (tileHint is Shape h)
        {
            Tiling.Check(shape, h, "tileHint");
        }
    }

    public KernelSpec Kernel { get; }

    public Shape? TileHint { get; }

    public override string Label { get; }

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = Tiling.For(Shape, TileHint, lowering.Workers, lowering.Options);
        TileSet output = lowering.NewTileSet(grid, DType);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(Kernel, [], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}

/// <summary>A 0-d constant. Literals from C# are NEP 50 weak scalars; they join fused programs as constants.</summary>
internal sealed class ScalarNode : Node
{
    public ScalarNode(double value, long intValue, DType dtype, bool weak)
        : base(Shape.Scalar, dtype, [], null, CallSite.Unknown)
    {
        Value = value;
        IntValue = intValue;
        Weak = weak;
    }

    public double Value { get; }

    public long IntValue { get; }

    public bool Weak { get; }

    public override bool IsWeak => Weak;

    public override string Label => DType.IsInteger() ? $"{IntValue}" : DType == DType.Bool ? (Value != 0 ? "True" : "False") : $"{Value}";

    public static ScalarNode Of(double v, bool weak = true) => new(v, (long)v, DType.Float64, weak);

    public static ScalarNode Of(long v, bool weak = true) => new(v, v, DType.Int64, weak);

    public static ScalarNode Of(bool v, bool weak = true) => new(v ? 1 : 0, v ? 1 : 0, DType.Bool, weak);

    /// <summary>The same value as a constant of another dtype.</summary>
    public Instr AsConst(DType t)
    {
        double d = DType.IsInteger() ? IntValue : Value;
        long l = DType.IsFloat() ? (long)Value : IntValue;
        return new Instr(OpCode.Const, t, t, -1, Value: t == DType.Bool ? (d != 0 ? 1 : 0) : d, IntValue: l);
    }

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = TileGrid.Single(Shape);
        TileSet output = lowering.NewTileSet(grid, DType);
        var program = new FusedProgram([AsConst(DType)]);
        TileExtent e = grid.Extent(0);
        return Lowered.Single(output, [new TileTask(new FusedMapKernel(program), [], e, [e], [DType], [output.Tiles[0]])]);
    }
}

/// <summary>An array given by the driver (FromArray): the data is copied at the call, so the node can be replayed.</summary>
internal sealed class ArrayNode : Node
{
    public ArrayNode(NDArray data, Shape? tileHint, SpartanContext context, CallSite site)
        : base(data.Shape, data.DType, [], context, site)
    {
        Data = data;
        TileHint = tileHint;
        if (tileHint is Shape h)
        {
            Tiling.Check(data.Shape, h, "tileHint");
        }
    }

    public NDArray Data { get; }

    public Shape? TileHint { get; }

    public override string Label => "from_array";

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = Tiling.For(Shape, TileHint, lowering.Workers, lowering.Options);
        TileSet output = lowering.NewTileSet(grid, DType);
        var tasks = new TileTask[grid.Count];
        TileExtent whole = TileExtent.Whole(Shape);
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            NDArray part = lowering.DryRun ? Data : Regions.Extract(Data, whole, e);
            tasks[g] = new TileTask(new LiteralKernel(part), [], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
