using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Templates;

namespace Spartan.Runtime;

/// <summary>
/// Compiles short arithmetic programs (float64/float32 loads, constants, + - * /, negate, abs, square) into expression
/// templates (<see cref="IExpressionNode{T, TSelf}"/>): one loop per program, every input read once and the
/// intermediates kept in registers, where the block interpreter (<see cref="ProgramRunner"/>) passes each intermediate
/// through a block buffer. A tile runs compiled when every input is contiguous over it; anything else (views,
/// broadcasts, casts, other operations) runs interpreted. Both use the same operator structs, whose vector and scalar
/// forms agree bit for bit, so the two give identical results.
/// Reductions (sum, prod, max, min) over such a program compile too (<see cref="FoldFor{T}"/>), with inputs walked
/// with step 1 or 2 (<c>x[::2]</c>, the transposed views whose inner walk has step 2): each block folds straight from
/// registers in the fixed order of the interpreter's fold (<see cref="ExpressionFold"/>).
/// </summary>
internal static class ProgramCompiler
{
    /// <summary>Programs with more operations than this run interpreted (the template would grow the JIT's work, and
    /// a shared operand is recomputed at each use in a tree).</summary>
    private const int MaxNodes = 24;

    private static long s_tilesRun;
    private static long s_tilesFolded;

    /// <summary>Off: every program runs interpreted (tests compare the two).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>How many tiles ran compiled in this process (tests check the path is taken).</summary>
    internal static long TilesRun => Interlocked.Read(ref s_tilesRun);

    /// <summary>How many tiles of reductions folded compiled in this process.</summary>
    internal static long TilesFolded => Interlocked.Read(ref s_tilesFolded);

    // Per program object (one lookup per task), then per program structure (one generic instantiation per shape of
    // expression, whatever its constants).
    private static readonly ConditionalWeakTable<FusedProgram, CompiledMap?> s_byProgram = [];
    private static readonly ConcurrentDictionary<string, Type?> s_byStructure = new();
    private static readonly ConditionalWeakTable<FusedProgram, ConcurrentDictionary<string, CompiledFold?>> s_foldsByProgram = [];

    [ThreadStatic]
    private static Array?[]? t_buffers;

    [ThreadStatic]
    private static long[]? t_offsets;

    /// <summary>Runs <paramref name="program"/> over all of <paramref name="domain"/> into
    /// <paramref name="destination"/> when it compiles and every input is contiguous over the domain; false (nothing
    /// written) otherwise.</summary>
    public static bool TryRun(FusedProgram program, NDArray[] inputs, (long Base, long[] Strides)[] layouts, Shape domain, Array destination, bool nonTemporal)
    {
        if (!Enabled || domain.Size > int.MaxValue || !Contiguous(layouts, domain))
        {
            return false;
        }

        CompiledMap? compiled = s_byProgram.GetValue(program, Compile);
        if (compiled is null)
        {
            return false;
        }

        int k = inputs.Length;
        Array?[] buffers = t_buffers is { } b && b.Length >= k ? b : t_buffers = new Array?[Math.Max(k, 8)];
        long[] offsets = t_offsets is { } o && o.Length >= k ? o : t_offsets = new long[Math.Max(k, 8)];
        for (int i = 0; i < k; i++)
        {
            buffers[i] = inputs[i].Buffer;
            offsets[i] = layouts[i].Base;
        }

        try
        {
            compiled.Run(buffers.AsSpan(0, k), offsets.AsSpan(0, k), destination, (int)domain.Size, nonTemporal);
        }
        finally
        {
            // Do not keep tiles alive from a pool thread's statics.
            Array.Clear(buffers, 0, k);
        }

        Interlocked.Increment(ref s_tilesRun);
        return true;
    }

    /// <summary>
    /// The compiled per-block fold of <paramref name="reduction"/> over <paramref name="runner"/>'s program (for a
    /// reduction along the walked axis; the caller asks once per tile), or null
    /// when it runs interpreted: a result type other than float64/float32, an arg-reduction, an input walked with a
    /// step other than 1 or 2 or repeated across blocks, an unsupported operation, or a plain contiguous load (the
    /// interpreter folds the input buffer in place already).
    /// </summary>
    public static CompiledFold<T>? FoldFor<T>(FusedProgram program, Reduction reduction, ProgramRunner runner)
        where T : unmanaged
    {
        if (!Enabled || (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            || reduction is not (Reduction.Sum or Reduction.Prod or Reduction.Max or Reduction.Min)
            || runner.WalkSteps() is not { } steps || steps.Any(s => s is not (1 or 2))
            || (program.Instructions.Length == 1 && steps[0] == 1))
        {
            return null;
        }

        string variant = $"{reduction} {string.Join(",", steps)}";
        var fold = (CompiledFold<T>?)s_foldsByProgram.GetValue(program, _ => new()).GetOrAdd(variant, _ => CompileFold(program, reduction, steps));
        if (fold is not null)
        {
            Interlocked.Increment(ref s_tilesFolded);
        }

        return fold;
    }

    private static CompiledFold? CompileFold(FusedProgram program, Reduction reduction, long[] steps)
    {
        if (Template(program, steps) is not (Type node, ExpressionLeaf[] leaves))
        {
            return null;
        }

        Type element = node.GenericTypeArguments[0];
        Type op = reduction switch
        {
            Reduction.Sum => typeof(AddOperator<>),
            Reduction.Prod => typeof(MultiplyOperator<>),
            Reduction.Max => typeof(MaximumOperator<>),
            _ => typeof(MinimumOperator<>),
        };
        Type fold = typeof(CompiledFold<,,>).MakeGenericType(element, op.MakeGenericType(element), node);
        return (CompiledFold)Activator.CreateInstance(fold, [leaves])!;
    }

    // Every input walks the domain row-major with unit steps (axes of length 1 aside): the tile is one run per input.
    private static bool Contiguous((long Base, long[] Strides)[] layouts, Shape domain)
    {
        ReadOnlySpan<long> dims = domain.Dims;
        foreach ((long _, long[] strides) in layouts)
        {
            long expected = 1;
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                if (dims[a] != 1 && strides[a] != expected)
                {
                    return false;
                }

                expected *= dims[a];
            }
        }

        return true;
    }

    private static CompiledMap? Compile(FusedProgram program)
    {
        if (Template(program, null) is not (Type node, ExpressionLeaf[] leaves))
        {
            return null;
        }

        Type map = typeof(CompiledMap<,>).MakeGenericType(node.GenericTypeArguments[0], node);
        return (CompiledMap)Activator.CreateInstance(map, [leaves])!;
    }

    // The program's expression-template type (one per program shape and step pattern) and its leaves in pre-order, or
    // null when it does not compile. With steps, a load of an input walked with step 2 reads the even elements.
    private static (Type Node, ExpressionLeaf[] Leaves)? Template(FusedProgram program, long[]? steps)
    {
        Instr[] code = program.Instructions;
        DType t = code[^1].ResultType;
        if (t is not (DType.Float64 or DType.Float32))
        {
            return null;
        }

        var leaves = new List<ExpressionLeaf>();
        var structure = new StringBuilder(t.Name());
        int nodes = 0;
        if (!Describe(code, code.Length - 1, t, leaves, structure, ref nodes))
        {
            return null;
        }

        if (steps is not null)
        {
            structure.Append(" steps ").Append(string.Join(",", steps));
        }

        Type element = t == DType.Float64 ? typeof(double) : typeof(float);
        Type? node = s_byStructure.GetOrAdd(structure.ToString(), _ => NodeType(code, code.Length - 1, element, steps));
        return node is null ? null : (node, leaves.ToArray());
    }

    // Pre-order walk: checks every instruction is supported in dtype t, collects the leaves and a key of the shape.
    private static bool Describe(Instr[] code, int r, DType t, List<ExpressionLeaf> leaves, StringBuilder key, ref int nodes)
    {
        if (++nodes > MaxNodes)
        {
            return false;
        }

        Instr ins = code[r];
        switch (ins.Op)
        {
            case OpCode.Load when ins.ResultType == t:
                leaves.Add(ExpressionLeaf.Load(ins.A));
                key.Append(" L");
                return true;
            case OpCode.Const when ins.ResultType == t:
                leaves.Add(ExpressionLeaf.Constant(ins.Value));
                key.Append(" C");
                return true;
            case OpCode.Add or OpCode.Subtract or OpCode.Multiply or OpCode.Divide when ins.Type == t && ins.ResultType == t:
                key.Append(' ').Append(ins.Op).Append('(');
                bool ok = Describe(code, ins.A, t, leaves, key, ref nodes) && Describe(code, ins.B, t, leaves, key, ref nodes);
                key.Append(')');
                return ok;
            case OpCode.Negate or OpCode.Abs or OpCode.Square when ins.Type == t && ins.ResultType == t:
                key.Append(' ').Append(ins.Op).Append('(');
                bool one = Describe(code, ins.A, t, leaves, key, ref nodes);
                key.Append(')');
                return one;
            default:
                return false;
        }
    }

    // The template type of the program rooted at r; a load walked with step 2 (steps given) reads the even elements.
    private static Type NodeType(Instr[] code, int r, Type t, long[]? steps)
    {
        Instr ins = code[r];
        return ins.Op switch
        {
            OpCode.Load => (steps?[ins.A] == 2 ? typeof(LoadEvens<>) : typeof(Load<>)).MakeGenericType(t),
            OpCode.Const => typeof(Constant<>).MakeGenericType(t),
            OpCode.Add => Binary(typeof(AddOperator<>)),
            OpCode.Subtract => Binary(typeof(SubtractOperator<>)),
            OpCode.Multiply => Binary(typeof(MultiplyOperator<>)),
            OpCode.Divide => Binary(typeof(DivideOperator<>)),
            OpCode.Negate => Unary(typeof(NegateOperator<>)),
            OpCode.Abs => Unary(typeof(AbsOperator<>)),
            OpCode.Square => Unary(typeof(SquareOperator<>)),
            _ => throw new InvalidOperationException($"operation {ins.Op} has no expression template"),
        };

        Type Binary(Type op) => typeof(Binary<,,,>).MakeGenericType(t, op.MakeGenericType(t), NodeType(code, ins.A, t, steps), NodeType(code, ins.B, t, steps));

        Type Unary(Type op) => typeof(Unary<,,>).MakeGenericType(t, op.MakeGenericType(t), NodeType(code, ins.A, t, steps));
    }
}

/// <summary>A compiled program: binds its template to a tile's inputs and runs the loop.</summary>
internal abstract class CompiledMap
{
    public abstract void Run(ReadOnlySpan<Array?> buffers, ReadOnlySpan<long> offsets, Array destination, int n, bool nonTemporal);
}

/// <summary>The compiled program whose expression template is <typeparamref name="TExpr"/>.</summary>
internal sealed class CompiledMap<T, TExpr>(ExpressionLeaf[] leaves) : CompiledMap
    where T : unmanaged
    where TExpr : struct, IExpressionNode<T, TExpr>
{
    public override void Run(ReadOnlySpan<Array?> buffers, ReadOnlySpan<long> offsets, Array destination, int n, bool nonTemporal)
    {
        var binder = new LeafBinder(leaves, buffers, offsets);
        TExpr e = TExpr.Bind(ref binder);
        ExpressionLoop.Run<T, TExpr>(e, (T[])destination, 0, n, nonTemporal);
    }
}

/// <summary>A compiled per-block fold (untyped handle for the caches).</summary>
internal abstract class CompiledFold
{
}

/// <summary>A compiled per-block fold with result type <typeparamref name="T"/>.</summary>
internal abstract class CompiledFold<T> : CompiledFold
    where T : unmanaged
{
    /// <summary>Folds the program over n elements whose inputs start at <paramref name="offsets"/> in
    /// <paramref name="buffers"/>, from <paramref name="identity"/>.</summary>
    public abstract T Run(ReadOnlySpan<Array?> buffers, ReadOnlySpan<long> offsets, int n, T identity);
}

/// <summary>The compiled fold of reduction operator <typeparamref name="TOp"/> over expression template <typeparamref name="TExpr"/>.</summary>
internal sealed class CompiledFold<T, TOp, TExpr>(ExpressionLeaf[] leaves) : CompiledFold<T>
    where T : unmanaged
    where TOp : IBinaryOperator<T>
    where TExpr : struct, IExpressionNode<T, TExpr>
{
    public override T Run(ReadOnlySpan<Array?> buffers, ReadOnlySpan<long> offsets, int n, T identity)
    {
        var binder = new LeafBinder(leaves, buffers, offsets);
        TExpr e = TExpr.Bind(ref binder);
        return ExpressionFold.Chunk<T, TOp, TExpr>(e, n, identity);
    }
}
