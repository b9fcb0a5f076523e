using System.Numerics;

namespace Spartan.Kernels.Tests;

/// <summary>
/// GEMM against a naive triple loop (accumulated in double): every edge of the micro-tile (MR, NR) and of the cache
/// blocks (KC), all four transpose combinations, alpha/beta, padded leading dimensions, both precisions, one and
/// two threads. Run under DOTNET_EnableAVX512=0 (the .NET 10 name) / DOTNET_EnableAVX2=0 to cover the
/// AVX2 and scalar kernels.
/// </summary>
public class GemmTests
{
    private static readonly bool[] Bools = [false, true];

    public static TheoryData<bool, bool> Transposes()
    {
        var data = new TheoryData<bool, bool>();
        foreach (bool ta in Bools)
        {
            foreach (bool tb in Bools)
            {
                data.Add(ta, tb);
            }
        }

        return data;
    }

    /// <summary>{0, 1, MR-1, MR, MR+1, NR-1, NR, NR+1, 2MR+3}, deduplicated, for the running kernel.</summary>
    private static int[] SmallSizes<T>()
        where T : unmanaged, INumberBase<T>
    {
        (int mr, int nr) = Gemm.TileShape<T>();
        return new[] { 0, 1, mr - 1, mr, mr + 1, nr - 1, nr, nr + 1, 2 * mr + 3 }.Where(x => x >= 0).Distinct().Order().ToArray();
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void SmallSizesCube_Double(bool transA, bool transB) => SmallSizesCube<double>(transA, transB);

    [Theory]
    [MemberData(nameof(Transposes))]
    public void SmallSizesCube_Single(bool transA, bool transB) => SmallSizesCube<float>(transA, transB);

    private static void SmallSizesCube<T>(bool transA, bool transB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] sizes = SmallSizes<T>();
        int seed = 0;
        foreach (int m in sizes)
        {
            foreach (int n in sizes)
            {
                foreach (int k in sizes)
                {
                    // Alternate beta = 0 (C must be ignored: filled with NaN) and a general alpha/beta.
                    bool general = (seed & 1) == 0;
                    Check<T>(m, n, k, transA, transB, general ? 1.5 : 1, general ? -0.5 : 0, pad: seed % 3, seed: seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void LargeSizes_Double(bool transA, bool transB) => LargeSizes<double>(transA, transB);

    [Theory]
    [MemberData(nameof(Transposes))]
    public void LargeSizes_Single(bool transA, bool transB) => LargeSizes<float>(transA, transB);

    /// <summary>Sizes around the default KC block and odd sizes, which leave partial tiles in both directions.</summary>
    private static void LargeSizes<T>(bool transA, bool transB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int mr, _) = Gemm.TileShape<T>();
        int kc1 = GemmBlocking.Default.Kc + 1;
        int[] sizes = [1, mr + 1, 97, 130, kc1];
        int seed = 1000;
        foreach (int m in sizes)
        {
            foreach (int n in sizes)
            {
                foreach (int k in sizes)
                {
                    if ((long)m * n * k > 5_000_000)
                    {
                        continue; // keep the naive reference cheap
                    }

                    Check<T>(m, n, k, transA, transB, 0.75, seed % 2 == 0 ? 0 : 2, pad: 5, seed: seed++);
                }
            }
        }
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(-2.5, 0.5)]
    [InlineData(0.0, 0.5)]
    [InlineData(0.0, 0.0)]
    [InlineData(3.0, -1.0)]
    public void AlphaBeta(double alpha, double beta)
    {
        foreach ((int m, int n, int k) in new[] { (13, 29, 17), (97, 130, 5), (8, 24, 300), (1, 1, 1) })
        {
            Check<double>(m, n, k, false, false, alpha, beta, pad: 2, seed: m * 7 + n);
            Check<float>(m, n, k, true, false, alpha, beta, pad: 1, seed: m * 7 + n);
            Check<double>(m, n, k, true, true, alpha, beta, pad: 0, seed: m + n);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(2.0)]
    public void KZero_ScalesC(double beta)
    {
        Check<double>(7, 9, 0, false, false, 1.0, beta, pad: 3, seed: 1);
        Check<float>(30, 50, 0, true, true, 1.0, beta, pad: 0, seed: 2);
    }

    /// <summary>Tiny cache blocks, so that every loop of the nest (jc, pc, ic) runs several times with partial blocks.</summary>
    [Theory]
    [MemberData(nameof(Transposes))]
    public void TinyBlocking_EveryLoopEdge(bool transA, bool transB)
    {
        foreach (var blocking in new GemmBlocking[] { new(1, 1, 1), new(16, 7, 50), new(20, 33, 100) })
        {
            foreach ((int m, int n, int k) in new[] { (45, 103, 71), (3, 200, 40), (61, 9, 65) })
            {
                Check<double>(m, n, k, transA, transB, 1.25, 0.5, pad: 3, seed: m + k, blocking: blocking);
                Check<float>(m, n, k, transA, transB, 1, 0, pad: 1, seed: n + k, blocking: blocking);
                Check<double>(m, n, k, transA, transB, -1, 1, pad: 0, seed: m + n, blocking: blocking, threads: 2);
            }
        }
    }

    /// <summary>The two-thread path (row split when m &gt;= n, column split otherwise) matches the reference and
    /// is bit-identical to one thread.</summary>
    [Theory]
    [InlineData(300, 200, 150)]
    [InlineData(37, 500, 61)]
    [InlineData(517, 31, 259)]
    [InlineData(130, 130, 97)]
    public void MultiThreaded_MatchesReferenceAndSingleThread(int m, int n, int k)
    {
        foreach ((bool ta, bool tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            double[] one = Check<double>(m, n, k, ta, tb, 1.5, 0.25, pad: 3, seed: 42, threads: 1);
            double[] two = Check<double>(m, n, k, ta, tb, 1.5, 0.25, pad: 3, seed: 42, threads: 2);
            double[] all = Check<double>(m, n, k, ta, tb, 1.5, 0.25, pad: 3, seed: 42, threads: 0, verify: false);
            Assert.Equal(one, two);
            Assert.Equal(one, all);
            float[] oneF = Check<float>(m, n, k, ta, tb, 1, 0, pad: 1, seed: 43, threads: 1, verify: false);
            float[] twoF = Check<float>(m, n, k, ta, tb, 1, 0, pad: 1, seed: 43, threads: 2);
            Assert.Equal(oneF, twoF);
        }
    }

    [Fact]
    public void BetaZero_IgnoresNaNInC_AndLeavesPaddingAlone()
    {
        const int M = 11, N = 30, K = 9, Ldc = 33;
        double[] a = Enumerable.Range(0, M * K).Select(i => (double)(i % 7)).ToArray();
        double[] b = Enumerable.Range(0, K * N).Select(i => (double)(i % 5)).ToArray();
        double[] c = Enumerable.Repeat(double.NaN, (M - 1) * Ldc + N + 2).ToArray();
        Gemm.Multiply(a, K, false, b, N, false, c, Ldc, M, N, K);
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < Ldc && i * Ldc + j < c.Length; j++)
            {
                if (j < N)
                {
                    Assert.False(double.IsNaN(c[i * Ldc + j]));
                }
                else
                {
                    Assert.True(double.IsNaN(c[i * Ldc + j]), "padding between rows must not be written");
                }
            }
        }
    }

    [Fact]
    public void BadArguments_Throw()
    {
        double[] a = new double[12], b = new double[12], c = new double[9];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 4, false, b, 3, false, c, 3, -1, 3, 4));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 3, false, b, 3, false, c, 3, 3, 3, 4)); // lda < k
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 4, false, b, 3, false, c, 2, 3, 3, 4)); // ldc < n
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 4, false, b, 3, false, c.AsSpan(0, 8), 3, 3, 3, 4)); // c short
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 5, false, b, 3, false, c, 3, 3, 3, 4)); // a short for lda 5
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, 3, true, b, 4, true, c, 3, 3, 3, 5)); // a: 5 x 3 needs 15
        Gemm.Multiply(a, 4, false, b, 3, false, c, 3, 3, 3, 4); // exact sizes are fine
        Gemm.Multiply(ReadOnlySpan<double>.Empty, 1, false, ReadOnlySpan<double>.Empty, 1, false, Span<double>.Empty, 1, 0, 0, 0);
    }

    [Fact]
    public void KernelName_IsReported()
    {
        Assert.False(string.IsNullOrEmpty(Gemm.KernelName<double>()));
        Assert.False(string.IsNullOrEmpty(Gemm.KernelName<float>()));
    }

    /// <summary>
    /// Runs one product with random inputs stored in padded (ld = cols + pad) buffers, checks it against the naive
    /// reference (unless <paramref name="verify"/> is false) with an error bound of eps-scale * k * (|alpha| sum |a||b| +
    /// |beta| |c|), and returns C.
    /// </summary>
    private static T[] Check<T>(int m, int n, int k, bool transA, bool transB, double alpha, double beta, int pad, int seed,
        int threads = 1, GemmBlocking? blocking = null, bool verify = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new System.Random(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        T[] a = Fill<T>(rng, Len(aRows, aCols, lda));
        T[] b = Fill<T>(rng, Len(bRows, bCols, ldb));
        T[] c = Fill<T>(rng, Len(m, n, ldc));
        if (beta == 0 && n > 0)
        {
            for (int i = 0; i < m; i++)
            {
                c.AsSpan(i * ldc, n).Fill(T.NaN);
            }
        }

        T[] c0 = (T[])c.Clone();
        Gemm.MultiplyCore<T>(a, Math.Max(1, lda), transA, b, Math.Max(1, ldb), transB, c, Math.Max(1, ldc), m, n, k,
            T.CreateChecked(alpha), T.CreateChecked(beta), threads, blocking ?? GemmBlocking.Default);

        if (!verify)
        {
            return c;
        }

        // Reference: op(A) and op(B)^T as dense double rows, so each C element is one contiguous dot product.
        double[] opA = new double[m * k], opBt = new double[n * k];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                opA[i * k + p] = double.CreateTruncating(transA ? a[p * lda + i] : a[i * lda + p]);
            }
        }

        for (int j = 0; j < n; j++)
        {
            for (int p = 0; p < k; p++)
            {
                opBt[j * k + p] = double.CreateTruncating(transB ? b[j * ldb + p] : b[p * ldb + j]);
            }
        }

        double eps = typeof(T) == typeof(double) ? 1e-15 : 1e-6;
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<double> ai = opA.AsSpan(i * k, k);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<double> bj = opBt.AsSpan(j * k, k);
                double sum = 0, mag = 0;
                for (int p = 0; p < ai.Length; p++)
                {
                    double xy = ai[p] * bj[p];
                    sum += xy;
                    mag += Math.Abs(xy);
                }

                double old = beta == 0 ? 0 : double.CreateTruncating(c0[i * ldc + j]);
                double expected = alpha * sum + beta * old;
                double got = double.CreateTruncating(c[i * ldc + j]);
                double tol = eps * 4 * (k + 2) * (Math.Abs(alpha) * mag + Math.Abs(beta * old)) + 1e-300;
                if (!(Math.Abs(got - expected) <= tol))
                {
                    Assert.Fail($"{typeof(T).Name} m={m} n={n} k={k} transA={transA} transB={transB} alpha={alpha} beta={beta} " +
                        $"pad={pad} threads={threads} blocking={blocking}: C[{i},{j}] = {got}, expected {expected} (tol {tol})");
                }
            }

            // Padding between rows of C is never touched.
            for (int j = n; j < ldc && i * ldc + j < c.Length; j++)
            {
                Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
            }
        }

        return c;
    }

    private static int Len(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;

    private static T[] Fill<T>(System.Random rng, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        }

        return x;
    }
}
