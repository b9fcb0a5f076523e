using System.Numerics;
using System.Runtime.Intrinsics;

namespace Spartan.Kernels.Operators;

/// <summary>x &amp; y for integers and for booleans stored as 0/1 bytes.</summary>
public readonly struct AndOperator<T> : IBinaryOperator<T> where T : unmanaged, IBinaryInteger<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x, T y) => x & y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x & y;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x & y;
}

/// <summary>x | y for integers and for booleans stored as 0/1 bytes.</summary>
public readonly struct OrOperator<T> : IBinaryOperator<T> where T : unmanaged, IBinaryInteger<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x, T y) => x | y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x | y;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x | y;
}

/// <summary>x ^ y for integers and for booleans stored as 0/1 bytes.</summary>
public readonly struct XorOperator<T> : IBinaryOperator<T> where T : unmanaged, IBinaryInteger<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x, T y) => x ^ y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x ^ y;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x ^ y;
}

/// <summary>~x for integers.</summary>
public readonly struct OnesComplementOperator<T> : IUnaryOperator<T> where T : unmanaged, IBinaryInteger<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x) => ~x;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => ~x;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => ~x;
}

/// <summary>Logical not of a boolean stored as a 0/1 byte.</summary>
public readonly struct LogicalNotOperator : IUnaryOperator<byte>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static byte Invoke(byte x) => (byte)(x ^ 1);
    /// <inheritdoc/>
    public static Vector256<byte> Invoke(Vector256<byte> x) => x ^ Vector256<byte>.One;
    /// <inheritdoc/>
    public static Vector512<byte> Invoke(Vector512<byte> x) => x ^ Vector512<byte>.One;
}
