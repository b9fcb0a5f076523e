using Spartan.Expressions;
using Spartan.Optimizer;
using Spartan.Runtime;

namespace Spartan;

/// <summary>
/// A lazy, immutable node of the expression DAG, seen through a handle. Building an expression runs nothing; its
/// shape and dtype are known at once, so bad shapes throw at the line that builds them. <see cref="Evaluate"/> runs
/// the optimized plan on the workers and caches the result on this handle.
/// </summary>
public abstract partial class Expr
{
    private protected Expr()
    {
    }

    /// <summary>The extents.</summary>
    public Shape Shape => Node.Shape;

    /// <summary>The element type.</summary>
    public DType DType => Node.DType;

    /// <summary>Number of axes.</summary>
    public int Ndim => Node.Shape.Rank;

    /// <summary>Number of elements.</summary>
    public long Size => Node.Shape.Size;

    internal abstract Node Node { get; }

    internal SpartanContext Context => Node.Context ?? SpartanContext.Current;

    /// <summary>Runs the optimized plan and caches the result: evaluating again returns the same array.</summary>
    public DistArray Evaluate() => EvaluateAsync().ConfigureAwait(false).GetAwaiter().GetResult();

    /// <summary>Runs the optimized plan and caches the result; concurrent calls compute once.</summary>
    public abstract Task<DistArray> EvaluateAsync(CancellationToken ct = default);

    /// <summary>Evaluates, then gathers every tile into one local array (a sparse array is densified first).</summary>
    public NDArray Glom() => IsSparse ? ToDense().Evaluate().Gather() : Evaluate().Gather();

    /// <summary>The expression after all optimizer stages (what <see cref="Evaluate"/> runs).</summary>
    public Expr Optimized() => new LazyExpr(PlanOptimizer.Run(Node, Context.Options));

    /// <summary>The plan after each optimizer stage, the chosen tiling of every node, and the predicted bytes moved.</summary>
    public string Explain() => PlanExplainer.Explain(Node, Context);

    /// <summary>A graphviz DOT rendering of the DAG.</summary>
    public string ToDot() => DotWriter.Write(Node);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({Node.Label}, {DType.Name()}, {Shape})";

    /// <summary>A weak (NEP 50) float scalar.</summary>
    public static implicit operator Expr(double value) => new LazyExpr(ScalarNode.Of(value));

    /// <summary>A weak (NEP 50) integer scalar.</summary>
    public static implicit operator Expr(long value) => new LazyExpr(ScalarNode.Of(value));

    /// <summary>A weak (NEP 50) integer scalar.</summary>
    public static implicit operator Expr(int value) => new LazyExpr(ScalarNode.Of((long)value));

    /// <summary>A weak (NEP 50) bool scalar.</summary>
    public static implicit operator Expr(bool value) => new LazyExpr(ScalarNode.Of(value));
}

/// <summary>The handle of an unevaluated expression.</summary>
internal sealed class LazyExpr : Expr
{
    private readonly object _gate = new();
    private DistArray? _result;
    private Task<DistArray>? _pending;

    public LazyExpr(Node node) => Node = node;

    internal override Node Node { get; }

    public override Task<DistArray> EvaluateAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_result is { IsDisposed: false, IsLive: true } done)
            {
                return Task.FromResult(done);
            }

            // A disposed result is gone, and one that lost tiles with a worker is incomplete: recompute rather than
            // hand back an array whose tiles were freed.
            if (_pending is null || _pending.IsFaulted || _pending.IsCanceled || _result is not null)
            {
                _result = null;
                _pending = Run(ct);
            }

            return _pending;
        }
    }

    private async Task<DistArray> Run(CancellationToken ct)
    {
        SpartanContext ctx = Context;
        TileSet tiles = await Evaluator.EvaluateAsync(Node, ctx, ct).ConfigureAwait(false);
        var result = new DistArray(tiles, Node, ctx);
        ResultRegistry.Register(Node, result.Result);
        lock (_gate)
        {
            _result = result;
        }

        return result;
    }
}
