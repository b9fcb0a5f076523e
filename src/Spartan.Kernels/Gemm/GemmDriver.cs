using System.Numerics;
using System.Runtime.CompilerServices;

namespace Spartan.Kernels;

/// <summary>
/// Cache blocking of the GEMM loops, in elements (the driver makes the blocks equal-sized, in whole micro-tiles).
/// The loop nest is jc (Nc) → pc (Kc) → pack B → ic (Mc) → pack A → jr (NR) → ir (MR) → micro-kernel: the kc x NR
/// micro-panel of B is reused by every MR-row micro-panel of the mc x kc block of A (kept in L2), and the kc x nc
/// block of B is reused by every block of A (kept in L3). <see cref="Default"/> is tuned for this machine.
/// </summary>
/// <param name="Mc">Rows of a packed block of A (mc x kc), which must fit in L2.</param>
/// <param name="Kc">Depth of the packed panels.</param>
/// <param name="Nc">Columns of a packed block of B (kc x nc), which must fit in (its thread's share of) L3.</param>
internal readonly record struct GemmBlocking(int Mc, int Kc, int Nc)
{
    /// <summary>The blocking that <see cref="Gemm.Multiply(ReadOnlySpan{double}, int, bool, ReadOnlySpan{double}, int, bool, Span{double}, int, int, int, int, double, double, int)"/> uses.
    /// Settable (internal) so that benchmarks can sweep it.</summary>
    internal static GemmBlocking Default { get; set; } = new(192, 384, 4080);

    /// <summary>Below this many multiply-adds (m*n*k) one thread is used whatever the caller allows.</summary>
    internal const long ParallelThreshold = 64L * 64 * 64;
}

/// <summary>Per-thread packing buffers: pinned, 64-byte aligned, grown on demand and reused.</summary>
internal static unsafe class GemmBuffers
{
    [ThreadStatic]
    private static byte[]? s_a;

    [ThreadStatic]
    private static byte[]? s_b;

    [ThreadStatic]
    private static byte[]? s_tile;

    public static byte* A(nint bytes) => Get(ref s_a, bytes);

    public static byte* B(nint bytes) => Get(ref s_b, bytes);

    public static byte* Tile(nint bytes) => Get(ref s_tile, bytes);

    private static byte* Get(ref byte[]? buffer, nint bytes)
    {
        if (buffer is null || buffer.Length < bytes + 64)
        {
            buffer = null;
            buffer = GC.AllocateUninitializedArray<byte>((int)bytes + 64, pinned: true);
        }

        // The array lives on the pinned object heap, so its address is stable for its lifetime.
        nint p = (nint)Unsafe.AsPointer(ref buffer[0]);
        return (byte*)((p + 63) & ~(nint)63);
    }
}

/// <summary>The blocked GotoBLAS/BLIS loop nest for one micro-kernel, on one thread.</summary>
internal static unsafe class GemmDriver<T, TK>
    where T : unmanaged, INumberBase<T>
    where TK : IGemmMicroKernel<T>
{
    /// <summary>
    /// C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C, row-major, on the calling thread.
    /// Requires m, n, k &gt; 0 (the caller handles the degenerate cases).
    /// </summary>
    public static void Run(T* a, nint lda, bool transA, T* b, nint ldb, bool transB, T* c, nint ldc,
        int m, int n, int k, T alpha, T beta, GemmBlocking blocking)
    {
        int mr = TK.MR, nr = TK.NR;

        // Equal-sized blocks (in whole micro-tiles) rather than full blocks and a thin remainder.
        int mcMax = Balance(m, blocking.Mc, mr);
        int kcMax = Balance(k, blocking.Kc, 1);
        int ncMax = Balance(n, blocking.Nc, nr);

        T* ap = (T*)GemmBuffers.A((nint)RoundUp(mcMax, mr) * kcMax * sizeof(T));
        T* bp = (T*)GemmBuffers.B((nint)RoundUp(ncMax, nr) * kcMax * sizeof(T));
        T* tile = (T*)GemmBuffers.Tile((nint)mr * nr * sizeof(T));

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                T betaPc = pc == 0 ? beta : T.One;
                PackB(b, ldb, transB, pc, jc, kc, nc, bp);
                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    PackA(a, lda, transA, ic, pc, mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrr = Math.Min(nr, nc - jr);
                        T* bpanel = bp + (nint)jr * kc;
                        T* ccol = c + (nint)ic * ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mrr = Math.Min(mr, mc - ir);
                            T* cij = ccol + (nint)ir * ldc;
                            if (mrr == mr && nrr == nr)
                            {
                                TK.Run(kc, ap + (nint)ir * kc, bpanel, cij, ldc, alpha, betaPc);
                            }
                            else
                            {
                                TK.Run(kc, ap + (nint)ir * kc, bpanel, tile, nr, T.One, T.Zero);
                                MergeTile(tile, nr, cij, ldc, mrr, nrr, alpha, betaPc);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The size of ceil(total / max) equal blocks that cover total, rounded up to a multiple of unit.</summary>
    private static int Balance(int total, int max, int unit)
    {
        max = Math.Max(unit, max / unit * unit);
        int blocks = (total + max - 1) / max;
        return Math.Min(max, RoundUp((total + blocks - 1) / blocks, unit));
    }

    private static int RoundUp(int x, int r) => (x + r - 1) / r * r;

    private static void MergeTile(T* tile, int nr, T* c, nint ldc, int mrr, int nrr, T alpha, T beta)
    {
        for (int i = 0; i < mrr; i++)
        {
            T* t = tile + i * nr;
            T* ci = c + i * ldc;
            if (beta == T.Zero)
            {
                for (int j = 0; j < nrr; j++)
                {
                    ci[j] = alpha * t[j];
                }
            }
            else
            {
                for (int j = 0; j < nrr; j++)
                {
                    ci[j] = alpha * t[j] + beta * ci[j];
                }
            }
        }
    }

    /// <summary>
    /// Packs op(A)[ic..ic+mc, pc..pc+kc] into MR-row micro-panels, each stored k-major (MR values per k),
    /// the last one padded with zeros.
    /// </summary>
    private static void PackA(T* a, nint lda, bool transA, int ic, int pc, int mc, int kc, T* dst)
    {
        if (transA)
        {
            // op(A)[i, p] = a[p * lda + i]: for each p the rows are contiguous.
            PackAlongRows(a + (nint)pc * lda + ic, lda, mc, kc, TK.MR, dst);
        }
        else
        {
            // op(A)[i, p] = a[i * lda + p]: each row of op(A) is contiguous in p.
            PackAcrossRows(a + (nint)ic * lda + pc, lda, mc, kc, TK.MR, dst);
        }
    }

    /// <summary>
    /// Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-column micro-panels, each stored k-major (NR values per k),
    /// the last one padded with zeros.
    /// </summary>
    private static void PackB(T* b, nint ldb, bool transB, int pc, int jc, int kc, int nc, T* dst)
    {
        if (transB)
        {
            // op(B)[p, j] = b[j * ldb + p]: each column of op(B) is contiguous in p.
            PackAcrossRows(b + (nint)jc * ldb + pc, ldb, nc, kc, TK.NR, dst);
        }
        else
        {
            // op(B)[p, j] = b[p * ldb + j]: for each p the columns are contiguous.
            PackAlongRows(b + (nint)pc * ldb + jc, ldb, nc, kc, TK.NR, dst);
        }
    }

    /// <summary>
    /// Packs a source in which element (i, p) is at <c>src[p * ld + i]</c> (i &lt; len, p &lt; kc) into panels of
    /// width w: element (i, p) goes to <c>dst[(i / w) * w * kc + p * w + i % w]</c>, zero-padding the last panel.
    /// Reads each source row once, contiguously.
    /// </summary>
    private static void PackAlongRows(T* src, nint ld, int len, int kc, int w, T* dst)
    {
        int full = len / w * w;
        int rest = len - full;
        nint panelStride = (nint)w * kc;
        uint panelBytes = (uint)(w * sizeof(T));
        for (int p = 0; p < kc; p++)
        {
            T* s = src + (nint)p * ld;
            T* d = dst + (nint)p * w;
            for (int i = 0; i < full; i += w)
            {
                Unsafe.CopyBlockUnaligned(d, s + i, panelBytes);
                d += panelStride;
            }

            if (rest > 0)
            {
                Unsafe.CopyBlockUnaligned(d, s + full, (uint)(rest * sizeof(T)));
                new Span<T>(d + rest, w - rest).Clear();
            }
        }
    }

    /// <summary>
    /// Packs a source in which element (i, p) is at <c>src[i * ld + p]</c> (i &lt; len, p &lt; kc) into panels of
    /// width w, in the layout of <see cref="PackAlongRows"/>. Works in blocks of 8 values of p so that the written
    /// block stays in L1 while the w source rows are streamed.
    /// </summary>
    private static void PackAcrossRows(T* src, nint ld, int len, int kc, int w, T* dst)
    {
        const int Pb = 8;
        for (int i0 = 0; i0 < len; i0 += w)
        {
            int rows = Math.Min(w, len - i0);
            T* d = dst + (nint)i0 * kc;
            T* s0 = src + (nint)i0 * ld;
            int p0 = 0;
            for (; p0 + Pb <= kc; p0 += Pb)
            {
                T* dp = d + (nint)p0 * w;
                for (int i = 0; i < rows; i++)
                {
                    T* s = s0 + (nint)i * ld + p0;
                    dp[i] = s[0];
                    dp[w + i] = s[1];
                    dp[2 * w + i] = s[2];
                    dp[3 * w + i] = s[3];
                    dp[4 * w + i] = s[4];
                    dp[5 * w + i] = s[5];
                    dp[6 * w + i] = s[6];
                    dp[7 * w + i] = s[7];
                }
            }

            for (; p0 < kc; p0++)
            {
                T* dp = d + (nint)p0 * w;
                for (int i = 0; i < rows; i++)
                {
                    dp[i] = s0[(nint)i * ld + p0];
                }
            }

            if (rows < w)
            {
                for (int p = 0; p < kc; p++)
                {
                    new Span<T>(d + (nint)p * w + rows, w - rows).Clear();
                }
            }
        }
    }
}
