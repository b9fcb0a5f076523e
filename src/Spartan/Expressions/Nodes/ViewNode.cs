using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// A view: slicing (with steps), integer indexing, new axes, transposes, broadcasts and diagonals, as one affine
/// <see cref="ViewMap"/> over the child. A view of a view composes into one map, so the child is never a view.
/// Nothing is copied: MapFusion reads the child through the map inside the consumer's kernel, and a view that is
/// evaluated on its own copies only the regions its tiles read.
/// </summary>
internal sealed class ViewNode : Node
{
    private ViewNode(Node child, ViewMap map, CallSite site)
        : base(map.OutShape, child.DType, [child], child.Context, site)
    {
        Map = map;
    }

    public ViewMap Map { get; }

    public override string Label => $"view[{Map}]";

    /// <summary>The view of <paramref name="child"/> through <paramref name="map"/>, composed with the child's own map.</summary>
    public static Node Create(Node child, ViewMap map, CallSite site)
    {
        if (child is ViewNode v)
        {
            return Create(v.Children[0], v.Map.After(map), site);
        }

        return map.IsIdentity(child.Shape) ? child : new ViewNode(child, map, site);
    }

    public override Node WithChildren(Node[] children) =>
        children[0] == Children[0] ? this : Create(children[0], Map, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        var program = new FusedProgram([new Instr(OpCode.Load, DType, DType, 0)]);
        return MapLowering.Lower(lowering, program, Children, [Map], Shape, inputs);
    }
}
