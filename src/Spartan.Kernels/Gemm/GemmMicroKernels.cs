using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Spartan.Kernels;

/// <summary>
/// A register-blocked GEMM micro-kernel. It multiplies a packed MR x kc panel of A (stored k-major: for each p,
/// the MR values of column p) by a packed kc x NR panel of B (for each p, the NR values of row p), and writes
/// C[0..MR, 0..NR] = alpha * A*B + beta * C. When beta is zero, C is not read (so NaNs in C do not propagate).
/// </summary>
internal unsafe interface IGemmMicroKernel<T>
    where T : unmanaged
{
    /// <summary>Rows of C per tile (the broadcast side).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of C per tile (the vector side).</summary>
    static abstract int NR { get; }

    /// <summary>Runs the kernel on one full MR x NR tile.</summary>
    static abstract void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta);
}

/// <summary>Vector helpers that the JIT resolves per element type.</summary>
internal static class GemmVec
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
    }
}

/// <summary>AVX-512 micro-kernel: 8 rows x 3 vectors (8 x 24 doubles, 8 x 48 floats), 24 zmm accumulators.</summary>
internal readonly unsafe struct GemmAvx512Kernel<T> : IGemmMicroKernel<T>
    where T : unmanaged, INumberBase<T>
{
    private static int W => Vector512<T>.Count;

    public static int MR => 8;

    public static int NR => 3 * Vector512<T>.Count;

    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated
        && (typeof(T) == typeof(double) || typeof(T) == typeof(float));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta)
    {
        int w = W;
        Vector512<T> c00 = default, c01 = default, c02 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default;
        Vector512<T> c30 = default, c31 = default, c32 = default;
        Vector512<T> c40 = default, c41 = default, c42 = default;
        Vector512<T> c50 = default, c51 = default, c52 = default;
        Vector512<T> c60 = default, c61 = default, c62 = default;
        Vector512<T> c70 = default, c71 = default, c72 = default;

        // Start fetching the C tile now; it is read (or written) only after the k loop.
        for (int i = 0; i < 8; i++)
        {
            T* ci = c + i * ldc;
            Sse.Prefetch0(ci);
            Sse.Prefetch0(ci + w);
            Sse.Prefetch0(ci + 2 * w);
            Sse.Prefetch0(ci + 3 * w - 1);
        }

        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + w);
            Vector512<T> b2 = Vector512.Load(b + 2 * w);
            Vector512<T> av = Vector512.Create(a[0]);
            c00 = GemmVec.Fma(av, b0, c00); c01 = GemmVec.Fma(av, b1, c01); c02 = GemmVec.Fma(av, b2, c02);
            av = Vector512.Create(a[1]);
            c10 = GemmVec.Fma(av, b0, c10); c11 = GemmVec.Fma(av, b1, c11); c12 = GemmVec.Fma(av, b2, c12);
            av = Vector512.Create(a[2]);
            c20 = GemmVec.Fma(av, b0, c20); c21 = GemmVec.Fma(av, b1, c21); c22 = GemmVec.Fma(av, b2, c22);
            av = Vector512.Create(a[3]);
            c30 = GemmVec.Fma(av, b0, c30); c31 = GemmVec.Fma(av, b1, c31); c32 = GemmVec.Fma(av, b2, c32);
            av = Vector512.Create(a[4]);
            c40 = GemmVec.Fma(av, b0, c40); c41 = GemmVec.Fma(av, b1, c41); c42 = GemmVec.Fma(av, b2, c42);
            av = Vector512.Create(a[5]);
            c50 = GemmVec.Fma(av, b0, c50); c51 = GemmVec.Fma(av, b1, c51); c52 = GemmVec.Fma(av, b2, c52);
            av = Vector512.Create(a[6]);
            c60 = GemmVec.Fma(av, b0, c60); c61 = GemmVec.Fma(av, b1, c61); c62 = GemmVec.Fma(av, b2, c62);
            av = Vector512.Create(a[7]);
            c70 = GemmVec.Fma(av, b0, c70); c71 = GemmVec.Fma(av, b1, c71); c72 = GemmVec.Fma(av, b2, c72);
            a += 8;
            b += 3 * w;
        }

        Vector512<T> va = Vector512.Create(alpha);
        if (beta == T.Zero)
        {
            Store(c, w, va, c00, c01, c02);
            Store(c + ldc, w, va, c10, c11, c12);
            Store(c + 2 * ldc, w, va, c20, c21, c22);
            Store(c + 3 * ldc, w, va, c30, c31, c32);
            Store(c + 4 * ldc, w, va, c40, c41, c42);
            Store(c + 5 * ldc, w, va, c50, c51, c52);
            Store(c + 6 * ldc, w, va, c60, c61, c62);
            Store(c + 7 * ldc, w, va, c70, c71, c72);
        }
        else
        {
            Vector512<T> vb = Vector512.Create(beta);
            Update(c, w, va, vb, c00, c01, c02);
            Update(c + ldc, w, va, vb, c10, c11, c12);
            Update(c + 2 * ldc, w, va, vb, c20, c21, c22);
            Update(c + 3 * ldc, w, va, vb, c30, c31, c32);
            Update(c + 4 * ldc, w, va, vb, c40, c41, c42);
            Update(c + 5 * ldc, w, va, vb, c50, c51, c52);
            Update(c + 6 * ldc, w, va, vb, c60, c61, c62);
            Update(c + 7 * ldc, w, va, vb, c70, c71, c72);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, int w, Vector512<T> va, Vector512<T> x0, Vector512<T> x1, Vector512<T> x2)
    {
        Vector512.Store(va * x0, c);
        Vector512.Store(va * x1, c + w);
        Vector512.Store(va * x2, c + 2 * w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(T* c, int w, Vector512<T> va, Vector512<T> vb, Vector512<T> x0, Vector512<T> x1, Vector512<T> x2)
    {
        Vector512.Store(GemmVec.Fma(va, x0, vb * Vector512.Load(c)), c);
        Vector512.Store(GemmVec.Fma(va, x1, vb * Vector512.Load(c + w)), c + w);
        Vector512.Store(GemmVec.Fma(va, x2, vb * Vector512.Load(c + 2 * w)), c + 2 * w);
    }
}

/// <summary>AVX2 + FMA micro-kernel: 6 rows x 2 vectors (6 x 8 doubles, 6 x 16 floats), 12 ymm accumulators.</summary>
internal readonly unsafe struct GemmAvx2Kernel<T> : IGemmMicroKernel<T>
    where T : unmanaged, INumberBase<T>
{
    private static int W => Vector256<T>.Count;

    public static int MR => 6;

    public static int NR => 2 * Vector256<T>.Count;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated
        && (typeof(T) == typeof(double) || typeof(T) == typeof(float));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta)
    {
        int w = W;
        Vector256<T> c00 = default, c01 = default;
        Vector256<T> c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default;
        Vector256<T> c40 = default, c41 = default;
        Vector256<T> c50 = default, c51 = default;

        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + w);
            Vector256<T> av = Vector256.Create(a[0]);
            c00 = GemmVec.Fma(av, b0, c00); c01 = GemmVec.Fma(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = GemmVec.Fma(av, b0, c10); c11 = GemmVec.Fma(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = GemmVec.Fma(av, b0, c20); c21 = GemmVec.Fma(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = GemmVec.Fma(av, b0, c30); c31 = GemmVec.Fma(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = GemmVec.Fma(av, b0, c40); c41 = GemmVec.Fma(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = GemmVec.Fma(av, b0, c50); c51 = GemmVec.Fma(av, b1, c51);
            a += 6;
            b += 2 * w;
        }

        Vector256<T> va = Vector256.Create(alpha);
        if (beta == T.Zero)
        {
            Store(c, w, va, c00, c01);
            Store(c + ldc, w, va, c10, c11);
            Store(c + 2 * ldc, w, va, c20, c21);
            Store(c + 3 * ldc, w, va, c30, c31);
            Store(c + 4 * ldc, w, va, c40, c41);
            Store(c + 5 * ldc, w, va, c50, c51);
        }
        else
        {
            Vector256<T> vb = Vector256.Create(beta);
            Update(c, w, va, vb, c00, c01);
            Update(c + ldc, w, va, vb, c10, c11);
            Update(c + 2 * ldc, w, va, vb, c20, c21);
            Update(c + 3 * ldc, w, va, vb, c30, c31);
            Update(c + 4 * ldc, w, va, vb, c40, c41);
            Update(c + 5 * ldc, w, va, vb, c50, c51);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, int w, Vector256<T> va, Vector256<T> x0, Vector256<T> x1)
    {
        Vector256.Store(va * x0, c);
        Vector256.Store(va * x1, c + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(T* c, int w, Vector256<T> va, Vector256<T> vb, Vector256<T> x0, Vector256<T> x1)
    {
        Vector256.Store(GemmVec.Fma(va, x0, vb * Vector256.Load(c)), c);
        Vector256.Store(GemmVec.Fma(va, x1, vb * Vector256.Load(c + w)), c + w);
    }
}

/// <summary>Portable scalar micro-kernel: 4 x 4 with 16 scalar accumulators.</summary>
internal readonly unsafe struct GemmScalarKernel<T> : IGemmMicroKernel<T>
    where T : unmanaged, INumberBase<T>
{
    public static int MR => 4;

    public static int NR => 4;

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta)
    {
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            T b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            T a0 = a[0];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            a0 = a[1];
            c10 += a0 * b0; c11 += a0 * b1; c12 += a0 * b2; c13 += a0 * b3;
            a0 = a[2];
            c20 += a0 * b0; c21 += a0 * b1; c22 += a0 * b2; c23 += a0 * b3;
            a0 = a[3];
            c30 += a0 * b0; c31 += a0 * b1; c32 += a0 * b2; c33 += a0 * b3;
            a += 4;
            b += 4;
        }

        Row(c, alpha, beta, c00, c01, c02, c03);
        Row(c + ldc, alpha, beta, c10, c11, c12, c13);
        Row(c + 2 * ldc, alpha, beta, c20, c21, c22, c23);
        Row(c + 3 * ldc, alpha, beta, c30, c31, c32, c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(T* c, T alpha, T beta, T x0, T x1, T x2, T x3)
    {
        if (beta == T.Zero)
        {
            c[0] = alpha * x0; c[1] = alpha * x1; c[2] = alpha * x2; c[3] = alpha * x3;
        }
        else
        {
            c[0] = alpha * x0 + beta * c[0]; c[1] = alpha * x1 + beta * c[1];
            c[2] = alpha * x2 + beta * c[2]; c[3] = alpha * x3 + beta * c[3];
        }
    }
}
