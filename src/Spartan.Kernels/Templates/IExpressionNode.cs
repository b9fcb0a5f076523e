using System.Runtime.Intrinsics;

namespace Spartan.Kernels.Templates;

/// <summary>
/// A node of an elementwise expression template: a readonly struct whose type spells out the whole expression
/// (<c>Binary&lt;T, Subtract, Binary&lt;T, Add, ...&gt;, Constant&lt;T&gt;&gt;</c>), so the JIT compiles one loop per
/// expression with every intermediate in a register. <see cref="ExpressionLoop"/> runs it.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TSelf">The node type itself.</typeparam>
public interface IExpressionNode<T, TSelf>
    where T : unmanaged
    where TSelf : struct, IExpressionNode<T, TSelf>
{
    /// <summary>The value at element <paramref name="i"/>.</summary>
    T At(nint i);

    /// <summary>The values at elements i .. i + Vector256&lt;T&gt;.Count.</summary>
    Vector256<T> At256(nint i);

    /// <summary>The values at elements i .. i + Vector512&lt;T&gt;.Count.</summary>
    Vector512<T> At512(nint i);

    /// <summary>Makes the node, taking its leaves from <paramref name="binder"/> in pre-order (left operand first).</summary>
    static abstract TSelf Bind(ref LeafBinder binder);
}
