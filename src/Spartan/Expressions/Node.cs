using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// One immutable node of the expression DAG: an operation, its children, and what it produces (shape and dtype,
/// known when the node is built). Nodes hold no data; results belong to the user's handles (<see cref="Expr"/>).
/// </summary>
internal abstract class Node
{
    protected Node(Shape shape, DType dtype, Node[] children, SpartanContext? context, CallSite site)
    {
        Shape = shape;
        DType = dtype;
        Children = children;
        Context = context;
        Site = site;
        if (this is not ISparseAware)
        {
            SparseGuard.Check(GetType().Name, children);
        }
    }

    /// <summary>Whether the node produces a sparse (CSR row-tiled) array.</summary>
    public virtual bool IsSparse => false;

    public Shape Shape { get; }

    public DType DType { get; }

    public Node[] Children { get; }

    /// <summary>The context the node is bound to; null only for context-free scalars.</summary>
    public SpartanContext? Context { get; }

    /// <summary>Where user code built the node.</summary>
    public CallSite Site { get; }

    /// <summary>Whether the node is a NEP 50 weak scalar (a C# literal).</summary>
    public virtual bool IsWeak => false;

    /// <summary>A short label for Explain and ToDot ("add", "rand(seed=1)").</summary>
    public abstract string Label { get; }

    /// <summary>The same operation over new children (the optimizer's rewrite hook).</summary>
    public abstract Node WithChildren(Node[] children);

    /// <summary>Plans the node's tasks, given its inputs' tiles (real, or virtual for Explain).</summary>
    public abstract Lowered Lower(Lowering lowering, TileSet[] inputs);

    /// <summary>Runs the node. The default runs the stages of <see cref="Lower"/> one after another; a node whose later
    /// stages depend on data (sample sort, shuffle) overrides this, running a stage, reading small results back with
    /// <see cref="Master.ReadAsync"/>, then planning the next. On failure it must release what it created.</summary>
    public virtual async Task<TileSet> ExecuteAsync(Lowering lowering, TileSet[] inputs, CancellationToken ct)
    {
        Lowered plan = Lower(lowering, inputs);
        try
        {
            foreach (IReadOnlyList<TileTask> stage in plan.Stages)
            {
                await lowering.Master.RunAsync(stage, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            plan.Output.Release();
            throw;
        }
        finally
        {
            foreach (TileSet t in plan.Temporaries)
            {
                t.Release();
            }
        }

        return plan.Output;
    }

    /// <summary>The context shared by <paramref name="nodes"/> (null if none has one); throws if they disagree.</summary>
    public static SpartanContext? ContextOf(params Node[] nodes)
    {
        SpartanContext? ctx = null;
        foreach (Node n in nodes)
        {
            if (n.Context is null)
            {
                continue;
            }

            if (ctx is null)
            {
                ctx = n.Context;
            }
            else if (!ReferenceEquals(ctx, n.Context))
            {
                throw new ArgumentException("the operands belong to different Spartan contexts; build each expression in one context", nameof(nodes));
            }
        }

        return ctx;
    }

    public override string ToString() => $"{Label} {DType.Name()}{Shape}";
}

/// <summary>A node's plan: its output tiles and the stages of tasks that fill them; temporaries are freed after the last stage.</summary>
internal sealed record Lowered(TileSet Output, IReadOnlyList<IReadOnlyList<TileTask>> Stages, TileSet[] Temporaries)
{
    public static Lowered Single(TileSet output, IReadOnlyList<TileTask> tasks) => new(output, [tasks], []);
}
