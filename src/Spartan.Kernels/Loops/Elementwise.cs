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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            // 32 results a step: the all-ones lanes of 32 / Count compares narrow to 32 mask bytes, stored as 0/1.
            for (; i <= n - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                (CompareBlock<T, TOp>(ref xs, ref ys, i) & Vector256<byte>.One).StoreUnsafe(ref ds, (nuint)i);
            }

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

    /// <summary>The comparison masks of 32 consecutive elements from <paramref name="i"/>, narrowed to one byte each
    /// (0x00 or 0xFF), in element order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> CompareBlock<T, TOp>(ref T xs, ref T ys, int i)
        where T : unmanaged
        where TOp : ICompareOperator<T>
    {
        ref T x0 = ref Unsafe.Add(ref xs, i), y0 = ref Unsafe.Add(ref ys, i);
        if (Unsafe.SizeOf<T>() == 1)
        {
            return CompareMask<T, TOp>(ref x0, ref y0, 0).AsByte();
        }

        if (Unsafe.SizeOf<T>() == 2)
        {
            return Vector256.Narrow(CompareMask<T, TOp>(ref x0, ref y0, 0).AsUInt16(), CompareMask<T, TOp>(ref x0, ref y0, 1).AsUInt16());
        }

        if (Unsafe.SizeOf<T>() == 4)
        {
            return Vector256.Narrow(
                Vector256.Narrow(CompareMask<T, TOp>(ref x0, ref y0, 0).AsUInt32(), CompareMask<T, TOp>(ref x0, ref y0, 1).AsUInt32()),
                Vector256.Narrow(CompareMask<T, TOp>(ref x0, ref y0, 2).AsUInt32(), CompareMask<T, TOp>(ref x0, ref y0, 3).AsUInt32()));
        }

        Vector256<uint> lo = Vector256.Narrow(
            Vector256.Narrow(CompareMask<T, TOp>(ref x0, ref y0, 0).AsUInt64(), CompareMask<T, TOp>(ref x0, ref y0, 1).AsUInt64()),
            Vector256.Narrow(CompareMask<T, TOp>(ref x0, ref y0, 2).AsUInt64(), CompareMask<T, TOp>(ref x0, ref y0, 3).AsUInt64())).AsUInt32();
        Vector256<uint> hi = Vector256.Narrow(
            Vector256.Narrow(CompareMask<T, TOp>(ref x0, ref y0, 4).AsUInt64(), CompareMask<T, TOp>(ref x0, ref y0, 5).AsUInt64()),
            Vector256.Narrow(CompareMask<T, TOp>(ref x0, ref y0, 6).AsUInt64(), CompareMask<T, TOp>(ref x0, ref y0, 7).AsUInt64())).AsUInt32();
        return Vector256.Narrow(lo.AsUInt16(), hi.AsUInt16());
    }

    /// <summary>The comparison mask of the k-th vector from x0, y0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> CompareMask<T, TOp>(ref T x0, ref T y0, int k)
        where T : unmanaged
        where TOp : ICompareOperator<T> =>
        TOp.Invoke(Vector256.LoadUnsafe(ref x0, (nuint)(k * Vector256<T>.Count)), Vector256.LoadUnsafe(ref y0, (nuint)(k * Vector256<T>.Count)));

    /// <summary>d[i] = c[i] != 0 ? x[i] : y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Where<T>(ReadOnlySpan<byte> c, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged
    {
        CheckLength(c.Length, d.Length);
        CheckLength(x.Length, d.Length);
        CheckLength(y.Length, d.Length);
        ref byte cs = ref MemoryMarshal.GetReference(c);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = d.Length, i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && Unsafe.SizeOf<T>() is 1 or 2 or 4 or 8)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256.ConditionalSelect(WhereMask<T>(ref cs, i), Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i))
                    .StoreUnsafe(ref ds, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = Unsafe.Add(ref cs, i) != 0 ? Unsafe.Add(ref xs, i) : Unsafe.Add(ref ys, i);
        }
    }

    /// <summary>All-ones lanes where the condition bytes c[i..i+Count] are nonzero: compare the bytes, then
    /// sign-extend each 0x00/0xFF byte to the element width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> WhereMask<T>(ref byte cs, int i) where T : unmanaged
    {
        ref byte at = ref Unsafe.Add(ref cs, i);
        if (Unsafe.SizeOf<T>() == 1)
        {
            return (~Vector256.Equals(Vector256.LoadUnsafe(ref at), Vector256<byte>.Zero)).As<byte, T>();
        }

        Vector128<sbyte> b = Unsafe.SizeOf<T>() == 2 ? Vector128.LoadUnsafe(ref at).AsSByte()
            : Unsafe.SizeOf<T>() == 4 ? Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref at)).AsSByte()
            : Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(ref at)).AsSByte();
        Vector256<sbyte> m = (~Vector128.Equals(b, Vector128<sbyte>.Zero)).ToVector256Unsafe();
        Vector256<short> m16 = Vector256.WidenLower(m);
        if (Unsafe.SizeOf<T>() == 2)
        {
            return m16.As<short, T>();
        }

        Vector256<int> m32 = Vector256.WidenLower(m16);
        return Unsafe.SizeOf<T>() == 4 ? m32.As<int, T>() : Vector256.WidenLower(m32).As<long, T>();
    }

    /// <summary>d[i] = (TTo)x[i], with NumPy's conversions: integers wrap, floats truncate toward zero,
    /// NaN and out-of-range floats to integers saturate (NumPy leaves them undefined), anything to bool is x != 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        ref TFrom xs = ref MemoryMarshal.GetReference(x);
        ref TTo ds = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // The common conversions in vector form. Since .NET 9 the vector float-to-integer conversions saturate
            // (NaN to 0) exactly like the scalar CreateSaturating below, so both paths agree on every input.
            if (typeof(TFrom) == typeof(double) && typeof(TTo) == typeof(float))
            {
                ref double xd = ref Unsafe.As<TFrom, double>(ref xs);
                for (; i <= n - 2 * Vector256<double>.Count; i += 2 * Vector256<double>.Count)
                {
                    Vector256.Narrow(Vector256.LoadUnsafe(ref xd, (nuint)i), Vector256.LoadUnsafe(ref xd, (nuint)(i + Vector256<double>.Count)))
                        .StoreUnsafe(ref Unsafe.As<TTo, float>(ref ds), (nuint)i);
                }
            }
            else if (typeof(TFrom) == typeof(float) && typeof(TTo) == typeof(double))
            {
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<TFrom, float>(ref xs), (nuint)i));
                    lo.StoreUnsafe(ref Unsafe.As<TTo, double>(ref ds), (nuint)i);
                    hi.StoreUnsafe(ref Unsafe.As<TTo, double>(ref ds), (nuint)(i + Vector256<double>.Count));
                }
            }
            else if (typeof(TFrom) == typeof(double) && typeof(TTo) == typeof(long))
            {
                for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
                {
                    Vector256.ConvertToInt64(Vector256.LoadUnsafe(ref Unsafe.As<TFrom, double>(ref xs), (nuint)i)).StoreUnsafe(ref Unsafe.As<TTo, long>(ref ds), (nuint)i);
                }
            }
            else if (typeof(TFrom) == typeof(long) && typeof(TTo) == typeof(double))
            {
                for (; i <= n - Vector256<long>.Count; i += Vector256<long>.Count)
                {
                    Vector256.ConvertToDouble(Vector256.LoadUnsafe(ref Unsafe.As<TFrom, long>(ref xs), (nuint)i)).StoreUnsafe(ref Unsafe.As<TTo, double>(ref ds), (nuint)i);
                }
            }
            else if (typeof(TFrom) == typeof(float) && typeof(TTo) == typeof(int))
            {
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256.ConvertToInt32(Vector256.LoadUnsafe(ref Unsafe.As<TFrom, float>(ref xs), (nuint)i)).StoreUnsafe(ref Unsafe.As<TTo, int>(ref ds), (nuint)i);
                }
            }
        }

        bool floatToInt = (typeof(TFrom) == typeof(double) || typeof(TFrom) == typeof(float)) && (typeof(TTo) == typeof(int) || typeof(TTo) == typeof(long));
        for (; i < n; i++)
        {
            TFrom v = Unsafe.Add(ref xs, i);
            Unsafe.Add(ref ds, i) = floatToInt ? TTo.CreateSaturating(v) : TTo.CreateTruncating(v);
        }
    }

    /// <summary>d[i] = x[i] != 0 as a 0/1 byte (conversion to bool).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToBool<T>(ReadOnlySpan<T> x, Span<byte> d)
        where T : unmanaged, INumberBase<T>
    {
        // x != 0 is a comparison (NaN is nonzero, -0.0 is zero), so it shares the narrowing compare loop.
        Compare<T, NonZeroOperator<T>>(x, x, d);
    }

    private readonly struct NonZeroOperator<T> : ICompareOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Invoke(T x, T y) => !T.IsZero(x);

        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => ~Vector256.Equals(x, Vector256<T>.Zero);
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
