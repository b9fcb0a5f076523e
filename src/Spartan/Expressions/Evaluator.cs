using Spartan.Optimizer;
using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// Evaluates one optimized plan: each node runs after its inputs, its stages one after another, each stage's tasks
/// batched per worker. Intermediate results are freed when the evaluation ends; a failure frees everything it built
/// and surfaces as a <see cref="SpartanException"/> naming the user line of the failing node.
/// </summary>
internal sealed class Evaluator
{
    private readonly Dictionary<Node, Task<TileSet>> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly List<TileSet> _owned = [];
    private readonly Lowering _lowering;
    private readonly CancellationToken _ct;

    private Evaluator(SpartanContext context, CancellationToken ct)
    {
        _lowering = new Lowering(context.Master, context.Options, dryRun: false);
        _ct = ct;
    }

    public static async Task<TileSet> EvaluateAsync(Node root, SpartanContext context, CancellationToken ct)
    {
        context.ThrowIfDisposed();
        Node plan = PlanOptimizer.Run(root, context.Options);
        var ev = new Evaluator(context, ct);
        TileSet result;
        try
        {
            result = await ev.Eval(plan).ConfigureAwait(false);
        }
        catch
        {
            ev.ReleaseOwned(keep: null);
            throw;
        }

        ev.ReleaseOwned(keep: result);
        return result;
    }

    private Task<TileSet> Eval(Node n)
    {
        lock (_memo)
        {
            if (!_memo.TryGetValue(n, out Task<TileSet>? t))
            {
                t = EvalCore(n);
                _memo[n] = t;
            }

            return t;
        }
    }

    private async Task<TileSet> EvalCore(Node n)
    {
        if (n is ResultNode r)
        {
            // A live result is used in place; a lost one is recomputed from its lineage.
            return r.TryGetLive(out TileSet? live) ? live : await Eval(PlanOptimizer.Run(r.Lineage, _lowering.Options)).ConfigureAwait(false);
        }

        var inputs = new TileSet[n.Children.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = await Eval(n.Children[i]).ConfigureAwait(false);
        }

        _ct.ThrowIfCancellationRequested();
        TileSet output;
        try
        {
            output = await n.ExecuteAsync(_lowering, inputs, _ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (SpartanException or OperationCanceledException))
        {
            throw new SpartanException($"evaluating {n.Label} failed: {e.Message}", n.Site.ToString(), e);
        }

        lock (_owned)
        {
            _owned.Add(output);
        }

        return output;
    }

    private void ReleaseOwned(TileSet? keep)
    {
        lock (_owned)
        {
            foreach (TileSet t in _owned)
            {
                if (!ReferenceEquals(t, keep))
                {
                    t.Release();
                }
            }

            _owned.Clear();
        }

        _lowering.Master.DrainReleases();
    }
}
