using Spartan.Optimizer;
using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// Evaluates one optimized plan: each node runs after its inputs, its stages one after another, each stage's tasks
/// batched per worker. Intermediate results are freed when the evaluation ends; a failure frees everything it built
/// and surfaces as a <see cref="SpartanException"/> naming the user line of the failing node.
/// A lost worker (<see cref="WorkerLostException"/>) is not a failure of the program: the evaluator forgets every
/// result that failed or lost a tile, and runs the same plan again on the surviving workers. Results that are still
/// complete are reused, and lost inputs are rebuilt from their lineage. The tiling does not change (it depends on the
/// number of workers the context started with), so the answer is bit-identical to an undisturbed run.
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
        Master master = context.Master;
        // Each retry follows at least one more lost worker, so W + 1 attempts cover losing all but one of them.
        int attempts = master.WorkerCount + 1;
        for (int attempt = 1; ; attempt++)
        {
            WorkerLostException? lost = null;
            Task nextLoss = master.NextLoss;
            try
            {
                TileSet result = await ev.Eval(plan).ConfigureAwait(false);
                if (result.IsLive)
                {
                    ev.ReleaseOwned(keep: result);
                    return result;
                }

                lost = new WorkerLostException($"a tile of the result was lost on a worker that died as the evaluation ended");
            }
            catch (Exception e) when (WorkerLostException.Find(e) is { } found && attempt < attempts && !ct.IsCancellationRequested)
            {
                lost = found;
            }
            catch
            {
                ev.ReleaseOwned(keep: null);
                throw;
            }

            if (lost.WorkerId >= 0)
            {
                master.MarkLost(lost.WorkerId);
            }
            else if (!nextLoss.IsCompleted)
            {
                // Lost, but which worker is not known yet: membership will say; retrying before it does would fail again.
                await Task.WhenAny(nextLoss, Task.Delay(TimeSpan.FromSeconds(Math.Max(1, 3 * context.Options.FailureTimeoutSeconds)), ct)).ConfigureAwait(false);
            }

            if (master.LiveWorkers.Count == 0)
            {
                ev.ReleaseOwned(keep: null);
                throw new SpartanException($"worker {lost.WorkerId} was lost and no worker of this context is left to recompute on: {lost.Message}", lost);
            }

            if (attempt >= attempts)
            {
                ev.ReleaseOwned(keep: null);
                throw new SpartanException($"the evaluation lost workers {attempt} times and gives up: {lost.Message}", lost);
            }

            ev.ForgetLost();
        }
    }

    /// <summary>Drops every result that did not complete or lost a tile, so that the next pass over the plan
    /// recomputes it (placing it on live workers) while complete results are reused.</summary>
    private void ForgetLost()
    {
        lock (_memo)
        {
            foreach ((Node n, Task<TileSet> t) in _memo.ToList())
            {
                if (!t.IsCompletedSuccessfully || !t.Result.IsLive)
                {
                    _memo.Remove(n);
                }
            }
        }

        lock (_owned)
        {
            for (int i = _owned.Count - 1; i >= 0; i--)
            {
                if (!_owned[i].IsLive)
                {
                    _owned[i].Release();
                    _owned.RemoveAt(i);
                }
            }
        }

        _lowering.Master.DrainReleases();
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
