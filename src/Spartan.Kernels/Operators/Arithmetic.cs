using System.Numerics;
using System.Runtime.Intrinsics;

namespace Spartan.Kernels.Operators;

/// <summary>x + y (wrapping for integers).</summary>
public readonly struct AddOperator<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x, T y) => unchecked(x + y);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}

/// <summary>x - y (wrapping for integers).</summary>
public readonly struct SubtractOperator<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x, T y) => unchecked(x - y);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x - y;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
}

/// <summary>x * y (wrapping for integers).</summary>
public readonly struct MultiplyOperator<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x, T y) => unchecked(x * y);
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
}

/// <summary>x / y for floating point (IEEE: x/0 is ±inf or NaN).</summary>
public readonly struct DivideOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;
    /// <inheritdoc/>
    public static T Invoke(T x, T y) => x / y;
    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x / y;
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x / y;
}

/// <summary>NumPy's floor modulo: the result has the sign of the divisor. Integer x % 0 is 0 and
/// floating x % 0 is NaN, as in NumPy.</summary>
public readonly struct FloorModOperator<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => false;

    /// <inheritdoc/>
    public static T Invoke(T x, T y)
    {
        if (T.IsZero(y))
        {
            return typeof(T) == typeof(double) || typeof(T) == typeof(float) ? T.CreateTruncating(double.NaN) : T.Zero;
        }

        if (typeof(T) == typeof(int) || typeof(T) == typeof(long))
        {
            // -1 avoids the overflow trap of MinValue % -1; the answer is 0 either way.
            if (y == -T.One)
            {
                return T.Zero;
            }

            T r = x % y;
            return !T.IsZero(r) && (T.IsNegative(r) != T.IsNegative(y)) ? r + y : r;
        }

        // Floating point: follow npy_divmod, where the remainder of fmod takes the divisor's sign.
        T mod = x % y;
        if (!T.IsZero(mod))
        {
            if (T.IsNegative(y) != T.IsNegative(mod))
            {
                mod += y;
            }
        }
        else
        {
            mod = T.CopySign(T.Zero, y);
        }

        return mod;
    }

    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => throw new InvalidOperationException("not vectorizable");
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => throw new InvalidOperationException("not vectorizable");
}

/// <summary>Elementwise maximum; for floating point the first NaN wins, as in numpy.maximum.</summary>
public readonly struct MaximumOperator<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;

    /// <inheritdoc/>
    public static T Invoke(T x, T y) => T.IsNaN(x) ? x : T.IsNaN(y) ? y : (x >= y ? x : y);

    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y)
    {
        Vector256<T> m = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, y), x, y);
        if (typeof(T) == typeof(double) || typeof(T) == typeof(float))
        {
            m = Vector256.ConditionalSelect(Vector256.Equals(y, y), m, y);
            m = Vector256.ConditionalSelect(Vector256.Equals(x, x), m, x);
        }

        return m;
    }

    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y)
    {
        Vector512<T> m = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, y), x, y);
        if (typeof(T) == typeof(double) || typeof(T) == typeof(float))
        {
            m = Vector512.ConditionalSelect(Vector512.Equals(y, y), m, y);
            m = Vector512.ConditionalSelect(Vector512.Equals(x, x), m, x);
        }

        return m;
    }
}

/// <summary>Elementwise minimum; for floating point the first NaN wins, as in numpy.minimum.</summary>
public readonly struct MinimumOperator<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => true;

    /// <inheritdoc/>
    public static T Invoke(T x, T y) => T.IsNaN(x) ? x : T.IsNaN(y) ? y : (x <= y ? x : y);

    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y)
    {
        Vector256<T> m = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, y), x, y);
        if (typeof(T) == typeof(double) || typeof(T) == typeof(float))
        {
            m = Vector256.ConditionalSelect(Vector256.Equals(y, y), m, y);
            m = Vector256.ConditionalSelect(Vector256.Equals(x, x), m, x);
        }

        return m;
    }

    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y)
    {
        Vector512<T> m = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, y), x, y);
        if (typeof(T) == typeof(double) || typeof(T) == typeof(float))
        {
            m = Vector512.ConditionalSelect(Vector512.Equals(y, y), m, y);
            m = Vector512.ConditionalSelect(Vector512.Equals(x, x), m, x);
        }

        return m;
    }
}

/// <summary>x raised to y. Integer powers use exponentiation by squaring and wrap; a negative integer
/// exponent gives 0 except for bases 1 and -1 (NumPy raises instead; see docs/numpy-differences.md).</summary>
public readonly struct PowerOperator<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    public static bool Vectorizable => false;

    /// <inheritdoc/>
    public static T Invoke(T x, T y)
    {
        if (typeof(T) == typeof(double))
        {
            return T.CreateTruncating(Math.Pow(double.CreateTruncating(x), double.CreateTruncating(y)));
        }

        if (typeof(T) == typeof(float))
        {
            return T.CreateTruncating(MathF.Pow(float.CreateTruncating(x), float.CreateTruncating(y)));
        }

        long b = long.CreateTruncating(x), e = long.CreateTruncating(y);
        if (e < 0)
        {
            return b == 1 ? T.One : b == -1 ? ((e & 1) == 0 ? T.One : -T.One) : T.Zero;
        }

        long r = 1;
        unchecked
        {
            while (e > 0)
            {
                if ((e & 1) != 0)
                {
                    r *= b;
                }

                b *= b;
                e >>= 1;
            }
        }

        return T.CreateTruncating(r);
    }

    /// <inheritdoc/>
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => throw new InvalidOperationException("not vectorizable");
    /// <inheritdoc/>
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => throw new InvalidOperationException("not vectorizable");
}
