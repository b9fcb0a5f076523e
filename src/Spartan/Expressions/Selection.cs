using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Builds boolean selection, integer gathers and functional assignment, with NumPy's checks.</summary>
internal static class Selection
{
    /// <summary>x[mask]. The result's length depends on the data, and shapes are known when an expression is built,
    /// so the mask's count per tile is evaluated here (a small array: one number per tile).</summary>
    public static Node Mask(Node x, Node mask, CallSite site)
    {
        if (mask.Shape != x.Shape)
        {
            throw new ShapeMismatchException($"boolean index of shape {mask.Shape} does not match the indexed array of shape {x.Shape}", "mask");
        }

        SpartanContext ctx = Node.ContextOf(x, mask) ?? SpartanContext.Current;
        TileGrid grid = x.Shape.Rank == 0
            ? TileGrid.Single(x.Shape)
            : TileGrid.SplitAxis(x.Shape, 0, (int)Math.Max(1, Math.Min((long)ctx.NumWorkers * ctx.Options.TilesPerWorker, Math.Max(1, x.Shape.Size / ctx.Options.MinTileElements))));
        long[] counts = new LazyExpr(new TileCountNode(mask, grid, site)).Glom().ToArray<long>();
        return new SelectNode(x, mask, grid, counts, site);
    }

    /// <summary>x[indices]: rows of x along axis 0.</summary>
    public static Node Take(Node x, Node indices, CallSite site)
    {
        if (x.Shape.Rank == 0)
        {
            throw new ArgumentException("cannot index a 0-d array with an index array", nameof(indices));
        }

        return new TakeNode(x, indices, site);
    }

    /// <summary>A new array: x with the view <paramref name="region"/> replaced by value (broadcast, cast to x's dtype).</summary>
    public static Node Assign(Node x, Node value, ViewMap region, CallSite site)
    {
        if (Broadcasting.TryShape(value.Shape, region.OutShape) != region.OutShape)
        {
            throw new ShapeMismatchException($"could not broadcast the value of shape {value.Shape} into the region of shape {region.OutShape}", nameof(value));
        }

        if (region.Axes.Length != x.Shape.Rank)
        {
            throw new ArgumentException("the region must index the array", nameof(region));
        }

        return new AssignNode(x, Ops.Cast(value, x.DType, site), region, site);
    }
}
