using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Spartan.Kernels.Operators;

namespace Spartan.Kernels.Loops;

/// <summary>The shared SIMD loops. Each takes an operator struct, so the JIT emits one specialised loop per
/// operation and element type; the widest vector the machine accelerates is used, then a scalar tail.</summary>
public static class Elementwise
{
    /// <summary>d[i] = op(x[i]). <paramref name="d"/> may alias <paramref name="x"/>.</summary>
    public static void Unary<T, TOp>(ReadOnlySpan<T> x, Span<T> d)
        where T : unmanaged
        where TOp : IUnaryOperator<T>
    {
        CheckLength(x.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                {
                    TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
                }
            }
            else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
                }
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i));
        }
    }

    /// <summary>d[i] = op(x[i], y[i]). <paramref name="d"/> may alias either input.</summary>
    public static void Binary<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        CheckLength(x.Length, d.Length);
        CheckLength(y.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                {
                    TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
                }
            }
            else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
                }
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
        }
    }

    /// <summary>d[i] = op(x[i], y) with a scalar right operand, so constants need no filled buffer.</summary>
    public static void BinaryScalar<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        CheckLength(x.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                Vector512<T> yv = Vector512.Create(y);
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                {
                    TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), yv).StoreUnsafe(ref ds, (nuint)i);
                }
            }
            else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                Vector256<T> yv = Vector256.Create(y);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), yv).StoreUnsafe(ref ds, (nuint)i);
                }
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i), y);
        }
    }

    /// <summary>d[i] = op(x, y[i]) with a scalar left operand.</summary>
    public static void ScalarBinary<T, TOp>(T x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        CheckLength(y.Length, d.Length);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = y.Length, i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                Vector512<T> xv = Vector512.Create(x);
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                {
                    TOp.Invoke(xv, Vector512.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
                }
            }
            else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                Vector256<T> xv = Vector256.Create(x);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    TOp.Invoke(xv, Vector256.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
                }
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = TOp.Invoke(x, Unsafe.Add(ref ys, i));
        }
    }

    /// <summary>d[i] = op(x[i], y[i]) as a 0/1 byte.</summary>
    public static void Compare<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> d)
        where T : unmanaged
        where TOp : ICompareOperator<T>
    {
        CheckLength(x.Length, d.Length);
        CheckLength(y.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref byte ds = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                uint bits = TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i)).ExtractMostSignificantBits();
                for (int k = 0; k < Vector256<T>.Count; k++)
                {
                    Unsafe.Add(ref ds, i + k) = (byte)((bits >> k) & 1);
                }
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i)) ? (byte)1 : (byte)0;
        }
    }

    /// <summary>d[i] = c[i] != 0 ? x[i] : y[i].</summary>
    public static void Where<T>(ReadOnlySpan<byte> c, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged
    {
        CheckLength(c.Length, d.Length);
        CheckLength(x.Length, d.Length);
        CheckLength(y.Length, d.Length);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = c[i] != 0 ? x[i] : y[i];
        }
    }

    /// <summary>d[i] = (TTo)x[i], with NumPy's conversions: integers wrap, floats truncate toward zero,
    /// NaN and out-of-range floats to integers saturate (NumPy leaves them undefined), anything to bool is x != 0.</summary>
    public static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> x, Span<TTo> d)
        where TFrom : unmanaged, INumberBase<TFrom>
        where TTo : unmanaged, INumberBase<TTo>
    {
        CheckLength(x.Length, d.Length);
        if (typeof(TFrom) == typeof(TTo))
        {
            MemoryMarshal.Cast<TFrom, TTo>(x).CopyTo(d);
            return;
        }

        if (typeof(TFrom) == typeof(int) && typeof(TTo) == typeof(double))
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertChecked(MemoryMarshal.Cast<TFrom, int>(x), MemoryMarshal.Cast<TTo, double>(d));
            return;
        }

        bool floatToInt = (typeof(TFrom) == typeof(double) || typeof(TFrom) == typeof(float)) && (typeof(TTo) == typeof(int) || typeof(TTo) == typeof(long));
        for (int i = 0; i < x.Length; i++)
        {
            d[i] = floatToInt ? TTo.CreateSaturating(x[i]) : TTo.CreateTruncating(x[i]);
        }
    }

    /// <summary>d[i] = x[i] != 0 as a 0/1 byte (conversion to bool).</summary>
    public static void ToBool<T>(ReadOnlySpan<T> x, Span<byte> d)
        where T : unmanaged, INumberBase<T>
    {
        CheckLength(x.Length, d.Length);
        for (int i = 0; i < x.Length; i++)
        {
            d[i] = T.IsZero(x[i]) ? (byte)0 : (byte)1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLength(int got, int want)
    {
        if (got != want)
        {
            ThrowLength(got, want);
        }
    }

    private static void ThrowLength(int got, int want) =>
        throw new ArgumentException($"span length {got} does not match the destination length {want}");
}
