namespace Spartan.Kernels.Templates;

/// <summary>One leaf of an expression template, in pre-order: an input buffer or a constant.</summary>
/// <param name="Input">The input index, or -1 for a constant.</param>
/// <param name="Value">The constant (when <paramref name="Input"/> is -1).</param>
public readonly record struct ExpressionLeaf(int Input, double Value)
{
    /// <summary>A leaf that reads input <paramref name="input"/>.</summary>
    public static ExpressionLeaf Load(int input) => new(input, 0);

    /// <summary>A constant leaf.</summary>
    public static ExpressionLeaf Constant(double value) => new(-1, value);
}

/// <summary>Hands the leaves of an expression template to its nodes as they are made (see
/// <see cref="IExpressionNode{T, TSelf}.Bind"/>): no allocation, so binding per tile is cheap.</summary>
public ref struct LeafBinder
{
    private readonly ReadOnlySpan<ExpressionLeaf> _leaves;
    private readonly ReadOnlySpan<Array?> _buffers;
    private readonly ReadOnlySpan<long> _offsets;
    private int _next;

    /// <summary>Leaves in pre-order; input k is <paramref name="buffers"/>[k] from element <paramref name="offsets"/>[k].</summary>
    public LeafBinder(ReadOnlySpan<ExpressionLeaf> leaves, ReadOnlySpan<Array?> buffers, ReadOnlySpan<long> offsets)
    {
        _leaves = leaves;
        _buffers = buffers;
        _offsets = offsets;
    }

    /// <summary>Whether every leaf was taken (a node type that does not match its leaves fails this).</summary>
    public readonly bool Done => _next == _leaves.Length;

    /// <summary>The next leaf, an input: its buffer and the offset of element 0.</summary>
    public (T[] Buffer, nint Offset) NextInput<T>()
    {
        ExpressionLeaf leaf = _leaves[_next++];
        if (leaf.Input < 0 || _buffers[leaf.Input] is not T[] buffer)
        {
            throw new InvalidOperationException($"expression leaf {_next - 1} is not an input of element type {typeof(T).Name}");
        }

        return (buffer, (nint)_offsets[leaf.Input]);
    }

    /// <summary>The next leaf, a constant.</summary>
    public double NextConstant()
    {
        ExpressionLeaf leaf = _leaves[_next++];
        if (leaf.Input >= 0)
        {
            throw new InvalidOperationException($"expression leaf {_next - 1} is an input, not a constant");
        }

        return leaf.Value;
    }
}
