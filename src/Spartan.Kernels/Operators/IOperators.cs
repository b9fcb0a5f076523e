using System.Runtime.Intrinsics;

namespace Spartan.Kernels.Operators;

/// <summary>An elementwise operation of one operand. Implementations are readonly structs so that the
/// loops in <see cref="Loops.Elementwise"/> are specialised per operation by the JIT.</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IUnaryOperator<T> where T : unmanaged
{
    /// <summary>Whether the vector overloads are implemented for <typeparamref name="T"/>.</summary>
    static abstract bool Vectorizable { get; }

    /// <summary>Applies the operation to one element.</summary>
    static abstract T Invoke(T x);

    /// <summary>Applies the operation to 256 bits of elements.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> x);

    /// <summary>Applies the operation to 512 bits of elements.</summary>
    static abstract Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>An elementwise operation of two operands of the same type.</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IBinaryOperator<T> where T : unmanaged
{
    /// <summary>Whether the vector overloads are implemented for <typeparamref name="T"/>.</summary>
    static abstract bool Vectorizable { get; }

    /// <summary>Applies the operation to one pair of elements.</summary>
    static abstract T Invoke(T x, T y);

    /// <summary>Applies the operation to 256 bits of element pairs.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    /// <summary>Applies the operation to 512 bits of element pairs.</summary>
    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

/// <summary>A comparison of two operands producing a boolean stored as one byte (0 or 1).</summary>
/// <typeparam name="T">The element type of the operands.</typeparam>
public interface ICompareOperator<T> where T : unmanaged
{
    /// <summary>Compares one pair of elements.</summary>
    static abstract bool Invoke(T x, T y);

    /// <summary>Compares 256 bits of element pairs, giving an all-ones lane where the comparison holds.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
}
