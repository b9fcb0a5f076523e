using System.Numerics;
using System.Runtime.Intrinsics;

namespace Spartan.Kernels.Operators;

/// <summary>x &lt; y.</summary>
public readonly struct LessThanOperator<T> : ICompareOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Invoke(T x, T y) => x < y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThan(x, y);
}

/// <summary>x &lt;= y.</summary>
public readonly struct LessThanOrEqualOperator<T> : ICompareOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Invoke(T x, T y) => x <= y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThanOrEqual(x, y);
}

/// <summary>x &gt; y.</summary>
public readonly struct GreaterThanOperator<T> : ICompareOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Invoke(T x, T y) => x > y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThan(x, y);
}

/// <summary>x &gt;= y.</summary>
public readonly struct GreaterThanOrEqualOperator<T> : ICompareOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Invoke(T x, T y) => x >= y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThanOrEqual(x, y);
}

/// <summary>x == y (NaN is unequal to everything).</summary>
public readonly struct EqualOperator<T> : ICompareOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Invoke(T x, T y) => x == y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Equals(x, y);
}

/// <summary>x != y (NaN is unequal to everything).</summary>
public readonly struct NotEqualOperator<T> : ICompareOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Invoke(T x, T y) => x != y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => ~Vector256.Equals(x, y);
}

/// <summary>x is NaN (compares x with itself).</summary>
public readonly struct IsNaNOperator<T> : ICompareOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Invoke(T x, T y) => T.IsNaN(x);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => ~Vector256.Equals(x, x);
}
