using System.Numerics;
using System.Runtime.Intrinsics;

namespace Spartan.Kernels.Operators;

/// <summary>-x (wrapping for integers).</summary>
public readonly struct NegateOperator<T> : IUnaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x) => unchecked(-x);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => -x;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => -x;
}

/// <summary>|x|; the most negative integer stays itself, as in NumPy.</summary>
public readonly struct AbsOperator<T> : IUnaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x) => T.IsNegative(x) ? unchecked(-x) : x;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => Vector256.Abs(x);
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => Vector512.Abs(x);
}

/// <summary>x * x.</summary>
public readonly struct SquareOperator<T> : IUnaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x) => unchecked(x * x);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => x * x;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => x * x;
}

/// <summary>-1, 0 or 1 by the sign of x; NaN stays NaN.</summary>
public readonly struct SignOperator<T> : IUnaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x) => T.IsNaN(x) ? x : x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;

    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x)
    {
        // (x > 0 ? 1 : 0) | (x < 0 ? -1 : 0); zeros (both signs) give +0, and a NaN lane keeps x.
        Vector256<T> r = (Vector256.GreaterThan(x, Vector256<T>.Zero) & Vector256<T>.One) | (Vector256.LessThan(x, Vector256<T>.Zero) & Vector256.Create(-T.One));
        return typeof(T) == typeof(double) || typeof(T) == typeof(float) ? Vector256.ConditionalSelect(Vector256.Equals(x, x), r, x) : r;
    }

    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x)
    {
        Vector512<T> r = (Vector512.GreaterThan(x, Vector512<T>.Zero) & Vector512<T>.One) | (Vector512.LessThan(x, Vector512<T>.Zero) & Vector512.Create(-T.One));
        return typeof(T) == typeof(double) || typeof(T) == typeof(float) ? Vector512.ConditionalSelect(Vector512.Equals(x, x), r, x) : r;
    }
}

/// <summary>Largest integer not greater than x.</summary>
public readonly struct FloorOperator<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x) => T.Floor(x);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => typeof(T) == typeof(double) ? Vector256.Floor(x.AsDouble()).As<double, T>() : Vector256.Floor(x.AsSingle()).As<float, T>();
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => typeof(T) == typeof(double) ? Vector512.Floor(x.AsDouble()).As<double, T>() : Vector512.Floor(x.AsSingle()).As<float, T>();
}

/// <summary>Hyperbolic tangent, scalar on purpose: TensorPrimitives.Tanh (10.0) loses all accuracy for |x| below
/// about 1e-8 (tanh(1e-20) gives -0, float tanh(0) gives -6e-8), far outside the 1e-12 contract.</summary>
public readonly struct TanhOperator<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => false;
    /// <inheritdoc/>
    public static T Invoke(T x) => T.Tanh(x);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => throw new InvalidOperationException("not vectorizable");
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => throw new InvalidOperationException("not vectorizable");
}

/// <summary>Smallest integer not less than x.</summary>
public readonly struct CeilingOperator<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x) => T.Ceiling(x);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => typeof(T) == typeof(double) ? Vector256.Ceiling(x.AsDouble()).As<double, T>() : Vector256.Ceiling(x.AsSingle()).As<float, T>();
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => typeof(T) == typeof(double) ? Vector512.Ceiling(x.AsDouble()).As<double, T>() : Vector512.Ceiling(x.AsSingle()).As<float, T>();
}

/// <summary>The standard normal cumulative distribution function, 0.5 * erfc(-x / sqrt(2)).</summary>
public readonly struct NormCdfOperator<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => false;
    /// <inheritdoc/>
    public static T Invoke(T x) => T.CreateTruncating(0.5 * SpecialFunctions.Erfc(-double.CreateTruncating(x) / Math.Sqrt(2.0)));
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x) => throw new InvalidOperationException("not vectorizable");
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x) => throw new InvalidOperationException("not vectorizable");
}
