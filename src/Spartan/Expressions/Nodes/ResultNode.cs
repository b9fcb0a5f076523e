using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// Stands for an evaluated array inside later expressions. It holds the tiles only weakly: they belong to the
/// user's <see cref="DistArray"/> handle, so dropping that handle frees them even while later nodes still refer to
/// this one. If they are gone when needed, the lineage (the node that produced them) is evaluated again.
/// </summary>
internal sealed class ResultNode : Node, ISparseAware
{
    private readonly WeakReference<TileSet> _tiles;

    public ResultNode(TileSet tiles, Node lineage, SpartanContext context)
        : base(lineage.Shape, lineage.DType, [], context, lineage.Site)
    {
        _tiles = new WeakReference<TileSet>(tiles);
        Lineage = lineage;
    }

    /// <summary>The node whose evaluation produced the tiles (holds no data).</summary>
    public Node Lineage { get; }

    public override bool IsSparse => Lineage.IsSparse;

    public override string Label => TryGetLive(out TileSet? t) ? $"cached(a{t.ArrayId}, {t.Grid})" : "cached(lost: recompute)";

    /// <summary>The tiles, when they are all still stored: not released, none on a lost worker.</summary>
    public bool TryGetLive([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TileSet? tiles) =>
        _tiles.TryGetTarget(out tiles) && tiles.IsLive;

    /// <summary>Points at tiles rebuilt from the lineage after the previous ones were lost.</summary>
    public void Rebind(TileSet tiles) => _tiles.SetTarget(tiles);

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs) =>
        throw new InvalidOperationException("a result node is resolved by the evaluator, never lowered");
}
