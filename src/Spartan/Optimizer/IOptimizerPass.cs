using Spartan.Expressions;

namespace Spartan.Optimizer;

/// <summary>One named optimizer stage: a local rewrite applied bottom-up over the DAG. A pass must be idempotent:
/// applied to its own output it returns the very same node.</summary>
internal interface IOptimizerPass
{
    string Name { get; }

    bool Enabled(SpartanOptions options);

    /// <summary>Rewrites one node whose children are already rewritten; returns the node itself when nothing applies.</summary>
    Node Rewrite(Node node);
}
