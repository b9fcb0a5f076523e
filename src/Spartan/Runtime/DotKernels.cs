using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Spartan.Runtime;

/// <summary>
/// The dot-product kernels: a block of op(a) · op(b) accumulated over inner segments (GEMM for float32/float64,
/// vectorised dot/axpy loops when one side is a vector, plain loops for integers and bools), the fused row-block pass
/// <c>xᵀ · f(x · w)</c>, and the k-means nearest-centre sums. Every summation order depends only on the shapes and
/// the segment bounds, never on threads, so a re-run task gives the same bits.
/// </summary>
internal static class DotKernels
{
    /// <summary>Rows of x per block of the fused passes: a block of x stays in L2 between its two uses.</summary>
    private const int RowBlockBytes = 128 * 1024;

    public static NDArray Block(DotKernel k, TileTask task, Func<int, TileExtent, NDArray> read)
    {
        TileExtent ra = task.Inputs[0].Region, rb = task.Inputs[1].Region;
        int m = k.VectorA ? 1 : checked((int)ra.Shape.Dims[k.TransA ? 1 : 0]);
        int n = k.VectorB ? 1 : checked((int)rb.Shape.Dims[k.TransB ? 0 : 1]);
        DType t = task.OutputTypes[0];
        NDArray c = NDArray.Rent(task.OutputExtents[0].Shape, t);
        bool accumulate = false;
        int kAxisA = k.VectorA || k.TransA ? 0 : 1;
        int kAxisB = k.VectorB || !k.TransB ? 0 : 1;
        if (m > 0 && n > 0)
        {
            for (int s = 0; s + 1 < k.Segments.Length; s++)
            {
                long k0 = k.Segments[s], k1 = k.Segments[s + 1];
                if (k1 <= k0)
                {
                    continue;
                }

                NDArray a = ScanKernels.Cast(read(0, WithAxis(ra, kAxisA, k0, k1)), t);
                NDArray b = ScanKernels.Cast(read(1, WithAxis(rb, kAxisB, k0, k1)), t);
                var shape = new Operands(m, n, checked((int)(k1 - k0)), k.TransA && !k.VectorA, k.TransB && !k.VectorB, k.VectorA, k.VectorB);
                switch (t)
                {
                    case DType.Float64: Float<double>(a, b, c, shape, accumulate, k.Threads); break;
                    case DType.Float32: Float<float>(a, b, c, shape, accumulate, k.Threads); break;
                    case DType.Int64: Integer<long>(a, b, c, shape, accumulate); break;
                    case DType.Int32: Integer<int>(a, b, c, shape, accumulate); break;
                    default: Bool(a, b, c, shape, accumulate); break;
                }

                accumulate = true;
            }
        }

        if (!accumulate)
        {
            c.AsBytes().Clear();
        }

        return c;
    }

    private static TileExtent WithAxis(TileExtent region, int axis, long lo, long hi)
    {
        long[] ul = region.Ul, lr = region.Lr;
        ul[axis] = lo;
        lr[axis] = hi;
        return new TileExtent(ul, lr, region.ArrayShape);
    }

    /// <summary>op(A) is M x K, op(B) is K x N; leading dimensions follow from the storage.</summary>
    private readonly record struct Operands(int M, int N, int K, bool TransA, bool TransB, bool VectorA, bool VectorB)
    {
        public int Lda => TransA ? M : K;

        public int Ldb => VectorB ? 1 : TransB ? K : N;

        public int AIndex(int i, int l) => VectorA ? l : TransA ? (l * M) + i : (i * K) + l;

        public int BIndex(int l, int j) => VectorB ? l : TransB ? (j * K) + l : (l * N) + j;
    }

    private static void Float<T>(NDArray a, NDArray b, NDArray c, Operands o, bool accumulate, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> sa = a.AsSpan<T>(), sb = b.AsSpan<T>();
        Span<T> sc = c.AsSpan<T>();
        if (!accumulate)
        {
            sc.Clear();
        }

        if (o.N == 1 && !o.TransA)
        {
            // Matrix-vector: one dot per row of A (the column of op(B) is contiguous whatever its storage).
            ReadOnlySpan<T> col = sb[..o.K];
            for (int i = 0; i < o.M; i++)
            {
                sc[i] += TensorPrimitives.Dot(sa.Slice(i * o.Lda, o.K), col);
            }
        }
        else if (o.N == 1)
        {
            // Aᵀ · vector: rows of the stored A scaled and added, in row order.
            for (int l = 0; l < o.K; l++)
            {
                TensorPrimitives.MultiplyAdd(sa.Slice(l * o.M, o.M), sb[l], sc[..o.M], sc[..o.M]);
            }
        }
        else if (o.M == 1 && !o.TransB)
        {
            // Vector · B: rows of B scaled and added.
            for (int l = 0; l < o.K; l++)
            {
                TensorPrimitives.MultiplyAdd(sb.Slice(l * o.N, o.N), sa[l], sc[..o.N], sc[..o.N]);
            }
        }
        else if (o.M == 1)
        {
            ReadOnlySpan<T> row = sa[..o.K];
            for (int j = 0; j < o.N; j++)
            {
                sc[j] += TensorPrimitives.Dot(sb.Slice(j * o.K, o.K), row);
            }
        }
        else
        {
            Gemm<T>(sa, o.Lda, o.TransA, sb, o.Ldb, o.TransB, sc, o.N, o.M, o.N, o.K, T.One, T.One, threads);
        }
    }

    private static void Gemm<T>(ReadOnlySpan<T> a, int lda, bool transA, ReadOnlySpan<T> b, int ldb, bool transB, Span<T> c, int ldc,
        int m, int n, int k, T alpha, T beta, int threads)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            Kernels.Gemm.Multiply(MemoryMarshal.Cast<T, double>(a), lda, transA, MemoryMarshal.Cast<T, double>(b), ldb, transB,
                MemoryMarshal.Cast<T, double>(c), ldc, m, n, k, (double)(object)alpha, (double)(object)beta, threads);
        }
        else
        {
            Kernels.Gemm.Multiply(MemoryMarshal.Cast<T, float>(a), lda, transA, MemoryMarshal.Cast<T, float>(b), ldb, transB,
                MemoryMarshal.Cast<T, float>(c), ldc, m, n, k, (float)(object)alpha, (float)(object)beta, threads);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Integer<T>(NDArray a, NDArray b, NDArray c, Operands o, bool accumulate)
        where T : unmanaged, IBinaryInteger<T>
    {
        ReadOnlySpan<T> sa = a.AsSpan<T>(), sb = b.AsSpan<T>();
        Span<T> sc = c.AsSpan<T>();
        if (!accumulate)
        {
            sc.Clear();
        }

        // Integer arithmetic wraps, as NumPy's does.
        for (int i = 0; i < o.M; i++)
        {
            Span<T> row = sc.Slice(i * o.N, o.N);
            for (int l = 0; l < o.K; l++)
            {
                T av = sa[o.AIndex(i, l)];
                if (av == T.Zero)
                {
                    continue;
                }

                for (int j = 0; j < o.N; j++)
                {
                    row[j] += av * sb[o.BIndex(l, j)];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Bool(NDArray a, NDArray b, NDArray c, Operands o, bool accumulate)
    {
        ReadOnlySpan<byte> sa = Regions.As<byte>(a), sb = Regions.As<byte>(b);
        Span<byte> sc = Regions.As<byte>(c);
        if (!accumulate)
        {
            sc.Clear();
        }

        // bool · bool is the or of the ands (NumPy).
        for (int i = 0; i < o.M; i++)
        {
            Span<byte> row = sc.Slice(i * o.N, o.N);
            for (int l = 0; l < o.K; l++)
            {
                if (sa[o.AIndex(i, l)] == 0)
                {
                    continue;
                }

                for (int j = 0; j < o.N; j++)
                {
                    if (sb[o.BIndex(l, j)] != 0)
                    {
                        row[j] = 1;
                    }
                }
            }
        }
    }

    /// <summary>The fused pass of <see cref="RowDotKernel"/> over one row tile.</summary>
    public static NDArray RowDot(RowDotKernel k, NDArray[] inputs, TileTask task) => task.OutputTypes[0] switch
    {
        DType.Float64 => RowDot<double>(k, inputs, task),
        DType.Float32 => RowDot<float>(k, inputs, task),
        _ => throw new NotSupportedException($"the fused row-block dot runs in float32 or float64, not {task.OutputTypes[0].Name()}"),
    };

    private static NDArray RowDot<T>(RowDotKernel k, NDArray[] inputs, TileTask task)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NDArray x = ScanKernels.Cast(inputs[0], DTypes.Of<T>()), w = ScanKernels.Cast(inputs[1], DTypes.Of<T>());
        int rows = checked((int)x.Shape.Dims[0]), d = checked((int)x.Shape.Dims[1]);
        int kw = w.Shape.Rank == 1 ? 1 : checked((int)w.Shape.Dims[1]);
        TileExtent domain = task.Domain;
        Shape rShape = domain.Shape;
        var acc = new T[d * kw];
        if (rows > 0 && d > 0 && kw > 0)
        {
            NDArray z = NDArray.Rent(rShape, DTypes.Of<T>());
            NDArray r = NDArray.Rent(rShape, DTypes.Of<T>());
            try
            {
                RowPass(k, inputs, task, x, w, z, r, rows, d, kw, acc);
            }
            finally
            {
                BufferPool.Return(z);
                BufferPool.Return(r);
            }
        }

        Shape outShape = task.OutputExtents[0].Shape;
        return new NDArray(acc, outShape, DTypes.Of<T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowPass<T>(RowDotKernel k, NDArray[] inputs, TileTask task, NDArray x, NDArray w, NDArray z, NDArray r,
        int rows, int d, int kw, T[] acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TileExtent domain = task.Domain;
        int leaves = k.Maps.Length;
        var programInputs = new NDArray[leaves];
        var layouts = new (long Base, long[] Strides)[leaves];
        int next = 2;
        for (int l = 0; l < leaves; l++)
        {
            if (l == k.ZInput)
            {
                programInputs[l] = z;
                layouts[l] = (0, domain.Shape.Strides());
                continue;
            }

            TileInput input = task.Inputs[next];
            programInputs[l] = inputs[next++];
            ViewMap map = k.Maps[l] ?? ViewMap.Broadcast(input.Region.ArrayShape, domain.ArrayShape);
            layouts[l] = map.Layout(domain, input.Region);
        }

        ReadOnlySpan<T> xs = x.AsSpan<T>(), ws = w.AsSpan<T>();
        Span<T> zs = z.AsSpan<T>(), rs = r.AsSpan<T>();
        using var runner = new ProgramRunner(k.Program, programInputs, layouts, domain.Shape);
        long[] dims = runner.Dims;
        int last = dims.Length - 1;
        Span<long> idx = stackalloc long[last];
        int block = runner.BlockCapacity;
        int chunkRows = Math.Max(1, Math.Min(RowBlockBytes / Math.Max(1, d * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()), Math.Max(1, block / kw)));
        long offset = 0;
        int zRows = 0, accRows = 0;
        do
        {
            for (long j0 = 0; j0 < dims[last]; j0 += block)
            {
                int len = (int)Math.Min(block, dims[last] - j0);

                // z for every row this segment touches, a chunk of rows at a time.
                int need = (int)((offset + len + kw - 1) / kw);
                while (zRows < need)
                {
                    int to = Math.Min(rows, Math.Max(need, zRows + chunkRows));
                    XTimesW(xs, ws, zs, zRows, to, d, kw);
                    zRows = to;
                }

                runner.EvalSegment(idx, j0, len, r.Buffer, (int)offset);
                offset += len;

                // xᵀ · r for the rows the segments have completed.
                int done = (int)(offset / kw);
                if (done - accRows >= chunkRows || done == rows)
                {
                    XtTimesR(xs, rs, acc, accRows, done, d, kw);
                    accRows = done;
                }
            }
        }
        while (Odometer.Next(idx, dims));

        if (accRows < rows)
        {
            XtTimesR(xs, rs, acc, accRows, rows, d, kw);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void XTimesW<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> z, int r0, int r1, int d, int kw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (kw == 1)
        {
            ReadOnlySpan<T> wv = w[..d];
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && d % Vector512<T>.Count == 0)
            {
                RowDots512(x, wv, z, r0, r1, d);
                return;
            }

            for (int i = r0; i < r1; i++)
            {
                z[i] = RowDotProduct(x.Slice(i * d, d), wv);
            }

            return;
        }

        Gemm<T>(x[(r0 * d)..], d, false, w, kw, false, z.Slice(r0 * kw, (r1 - r0) * kw), kw, r1 - r0, kw, d, T.One, T.Zero, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void XtTimesR<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> r, Span<T> acc, int r0, int r1, int d, int kw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (r1 <= r0)
        {
            return;
        }

        if (kw == 1)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && d % Vector512<T>.Count == 0)
            {
                WeightedRowSums512(x, r, acc, r0, r1, d);
                return;
            }

            for (int i = r0; i < r1; i++)
            {
                Axpy(r[i], x.Slice(i * d, d), acc);
            }

            return;
        }

        Gemm<T>(x[(r0 * d)..], d, true, r[(r0 * kw)..], kw, false, acc, kw, d, kw, r1 - r0, T.One, T.One, 1);
    }

    /// <summary>A short dot product, inlined (rows of x are short; a library call per row would dominate).</summary>
    private static T RowDotProduct<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Length, i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            var v0 = Vector<T>.Zero;
            var v1 = Vector<T>.Zero;
            int c = Vector<T>.Count;
            for (; i + (2 * c) <= n; i += 2 * c)
            {
                v0 += new Vector<T>(a[i..]) * new Vector<T>(b[i..]);
                v1 += new Vector<T>(a[(i + c)..]) * new Vector<T>(b[(i + c)..]);
            }

            for (; i + c <= n; i += c)
            {
                v0 += new Vector<T>(a[i..]) * new Vector<T>(b[i..]);
            }

            sum = Vector.Sum(v0 + v1);
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>z[i] = x[i, :] · w for rows r0..r1, d a multiple of the vector width: the row is read once, in vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowDots512<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> z, int r0, int r1, int d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = Vector512<T>.Count;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T wr = ref MemoryMarshal.GetReference(w);
        for (int i = r0; i < r1; i++)
        {
            ref T row = ref Unsafe.Add(ref xr, i * d);
            Vector512<T> s0 = Vector512<T>.Zero, s1 = s0;
            int l = 0;
            for (; l + (2 * c) <= d; l += 2 * c)
            {
                s0 = Fma(Vector512.LoadUnsafe(ref row, (nuint)l), Vector512.LoadUnsafe(ref wr, (nuint)l), s0);
                s1 = Fma(Vector512.LoadUnsafe(ref row, (nuint)(l + c)), Vector512.LoadUnsafe(ref wr, (nuint)(l + c)), s1);
            }

            if (l < d)
            {
                s0 = Fma(Vector512.LoadUnsafe(ref row, (nuint)l), Vector512.LoadUnsafe(ref wr, (nuint)l), s0);
            }

            z[i] = Vector512.Sum(s0 + s1);
        }
    }

    /// <summary>acc += Σ r[i] x[i, :] over rows r0..r1, d a multiple of the vector width: each group of four vectors of
    /// the sum stays in registers for the whole row range instead of going through memory once per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedRowSums512<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> r, Span<T> acc, int r0, int r1, int d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = Vector512<T>.Count;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T ar = ref MemoryMarshal.GetReference(acc);
        for (int g = 0; g < d; g += 4 * c)
        {
            int vectors = Math.Min(4, (d - g) / c);
            Vector512<T> a0 = Vector512.LoadUnsafe(ref ar, (nuint)g);
            Vector512<T> a1 = vectors > 1 ? Vector512.LoadUnsafe(ref ar, (nuint)(g + c)) : default;
            Vector512<T> a2 = vectors > 2 ? Vector512.LoadUnsafe(ref ar, (nuint)(g + (2 * c))) : default;
            Vector512<T> a3 = vectors > 3 ? Vector512.LoadUnsafe(ref ar, (nuint)(g + (3 * c))) : default;
            for (int i = r0; i < r1; i++)
            {
                ref T row = ref Unsafe.Add(ref xr, (i * d) + g);
                var ri = Vector512.Create(r[i]);
                a0 = Fma(Vector512.LoadUnsafe(ref row), ri, a0);
                if (vectors > 1)
                {
                    a1 = Fma(Vector512.LoadUnsafe(ref row, (nuint)c), ri, a1);
                }

                if (vectors > 2)
                {
                    a2 = Fma(Vector512.LoadUnsafe(ref row, (nuint)(2 * c)), ri, a2);
                }

                if (vectors > 3)
                {
                    a3 = Fma(Vector512.LoadUnsafe(ref row, (nuint)(3 * c)), ri, a3);
                }
            }

            a0.StoreUnsafe(ref ar, (nuint)g);
            if (vectors > 1)
            {
                a1.StoreUnsafe(ref ar, (nuint)(g + c));
            }

            if (vectors > 2)
            {
                a2.StoreUnsafe(ref ar, (nuint)(g + (2 * c)));
            }

            if (vectors > 3)
            {
                a3.StoreUnsafe(ref ar, (nuint)(g + (3 * c)));
            }
        }
    }

    /// <summary>acc += s * x over a short row.</summary>
    private static void Axpy<T>(T s, ReadOnlySpan<T> x, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            var vs = new Vector<T>(s);
            int c = Vector<T>.Count;
            for (; i + c <= n; i += c)
            {
                (new Vector<T>(acc[i..]) + (vs * new Vector<T>(x[i..]))).CopyTo(acc[i..]);
            }
        }

        for (; i < n; i++)
        {
            acc[i] += s * x[i];
        }
    }

    /// <summary>The k-means pass of <see cref="NearestSumsKernel"/> over one row tile.</summary>
    public static NDArray NearestSums(NDArray[] inputs, TileTask task) => task.OutputTypes[0] switch
    {
        DType.Float64 => NearestSums<double>(inputs, task),
        DType.Float32 => NearestSums<float>(inputs, task),
        _ => throw new NotSupportedException($"the k-means pass runs in float32 or float64, not {task.OutputTypes[0].Name()}"),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static NDArray NearestSums<T>(NDArray[] inputs, TileTask task)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NDArray xa = ScanKernels.Cast(inputs[0], DTypes.Of<T>()), ca = ScanKernels.Cast(inputs[1], DTypes.Of<T>());
        ReadOnlySpan<T> x = xa.AsSpan<T>(), c = ca.AsSpan<T>();
        int rows = checked((int)xa.Shape.Dims[0]), d = checked((int)xa.Shape.Dims[1]), k = checked((int)ca.Shape.Dims[0]);
        int width = Vector.IsHardwareAccelerated ? Vector<T>.Count : 1;
        int kp = (k + width - 1) / width * width;

        // ‖x − c_j‖² = ‖x‖² − 2 x·c_j + ‖c_j‖²; ‖x‖² is the same for every j, so the nearest centre minimises
        // ‖c_j‖² − 2 x·c_j. x·C is accumulated over the d features with the k centres across the vector lanes.
        var ct = new T[d * kp];
        var cn = new T[kp];
        for (int j = 0; j < kp; j++)
        {
            cn[j] = j < k ? T.Zero : T.PositiveInfinity;
        }

        for (int j = 0; j < k; j++)
        {
            for (int l = 0; l < d; l++)
            {
                T v = c[(j * d) + l];
                ct[(l * kp) + j] = v;
                cn[j] += v * v;
            }
        }

        var acc = new T[k * (d + 1)];
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && k <= Vector512<T>.Count)
        {
            NearestRows512(x, rows, d, k, c, acc);
            return new NDArray(acc, task.OutputExtents[0].Shape, DTypes.Of<T>());
        }

        var z = new T[kp];
        T two = T.One + T.One;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<T> xi = x.Slice(i * d, d);
            z.AsSpan().Clear();
            for (int l = 0; l < d; l++)
            {
                if (width > 1)
                {
                    var xv = new Vector<T>(xi[l]);
                    ReadOnlySpan<T> row = ct.AsSpan(l * kp, kp);
                    for (int j = 0; j < kp; j += width)
                    {
                        (new Vector<T>(z.AsSpan(j)) + (xv * new Vector<T>(row[j..]))).CopyTo(z.AsSpan(j));
                    }
                }
                else
                {
                    for (int j = 0; j < k; j++)
                    {
                        z[j] += xi[l] * ct[(l * kp) + j];
                    }
                }
            }

            int best = 0;
            T bestD = cn[0] - (two * z[0]);
            for (int j = 1; j < k; j++)
            {
                T dj = cn[j] - (two * z[j]);
                if (dj < bestD)
                {
                    best = j;
                    bestD = dj;
                }
            }

            Span<T> sums = acc.AsSpan(best * (d + 1), d + 1);
            Axpy(T.One, xi, sums[..d]);
            sums[d] += T.One;
        }

        return new NDArray(acc, task.OutputExtents[0].Shape, DTypes.Of<T>());
    }

    /// <summary>The k-means pass with all k centres in one 512-bit register: x·C for four rows at a time (four
    /// independent FMA chains over the d features), then each row's argmin over the lanes and its sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NearestRows512<T>(ReadOnlySpan<T> x, int rows, int d, int k, ReadOnlySpan<T> c, T[] acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        var cols = new Vector512<T>[d];
        Span<T> lane = stackalloc T[width];
        for (int l = 0; l < d; l++)
        {
            lane.Clear();
            for (int j = 0; j < k; j++)
            {
                lane[j] = c[(j * d) + l];
            }

            cols[l] = Vector512.Create<T>(lane);
        }

        for (int j = 0; j < width; j++)
        {
            T norm = T.Zero;
            for (int l = 0; j < k && l < d; l++)
            {
                norm += c[(j * d) + l] * c[(j * d) + l];
            }

            // Padding lanes are never the nearest.
            lane[j] = j < k ? norm : T.PositiveInfinity;
        }

        Vector512<T> cn = Vector512.Create<T>(lane);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref Vector512<T> cr = ref MemoryMarshal.GetArrayDataReference(cols);
        int i = 0;
        for (; i + 4 <= rows; i += 4)
        {
            Vector512<T> z0 = Vector512<T>.Zero, z1 = z0, z2 = z0, z3 = z0;
            ref T r0 = ref Unsafe.Add(ref xr, i * d);
            for (int l = 0; l < d; l++)
            {
                Vector512<T> cl = Unsafe.Add(ref cr, l);
                z0 = Fma(Vector512.Create(Unsafe.Add(ref r0, l)), cl, z0);
                z1 = Fma(Vector512.Create(Unsafe.Add(ref r0, d + l)), cl, z1);
                z2 = Fma(Vector512.Create(Unsafe.Add(ref r0, (2 * d) + l)), cl, z2);
                z3 = Fma(Vector512.Create(Unsafe.Add(ref r0, (3 * d) + l)), cl, z3);
            }

            AssignRow(x.Slice(i * d, d), cn - (z0 + z0), lane, k, acc);
            AssignRow(x.Slice((i + 1) * d, d), cn - (z1 + z1), lane, k, acc);
            AssignRow(x.Slice((i + 2) * d, d), cn - (z2 + z2), lane, k, acc);
            AssignRow(x.Slice((i + 3) * d, d), cn - (z3 + z3), lane, k, acc);
        }

        for (; i < rows; i++)
        {
            Vector512<T> z = Vector512<T>.Zero;
            for (int l = 0; l < d; l++)
            {
                z = Fma(Vector512.Create(x[(i * d) + l]), Unsafe.Add(ref cr, l), z);
            }

            AssignRow(x.Slice(i * d, d), cn - (z + z), lane, k, acc);
        }
    }

    /// <summary>a * b + c, fused (the generic vector API has no FMA for T).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AssignRow<T>(ReadOnlySpan<T> row, Vector512<T> dist, Span<T> lane, int k, T[] acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The nearest centre without branches: the lane minimum, then the first lane that holds it (padding lanes are
        // +inf). A NaN distance falls back to the scalar scan, which never picks it.
        Vector256<T> h = Vector256.Min(dist.GetLower(), dist.GetUpper());
        Vector128<T> q = Vector128.Min(h.GetLower(), h.GetUpper());
        T min = q.GetElement(0);
        for (int e = 1; e < Vector128<T>.Count; e++)
        {
            min = T.Min(min, q.GetElement(e));
        }

        uint mask = (uint)Vector512.Equals(dist, Vector512.Create(min)).ExtractMostSignificantBits();
        int best = BitOperations.TrailingZeroCount(mask);
        if (mask == 0 || best >= k)
        {
            dist.CopyTo(lane);
            best = 0;
            for (int j = 1; j < k; j++)
            {
                if (lane[j] < lane[best])
                {
                    best = j;
                }
            }
        }

        int d = row.Length;
        ref T sums = ref acc[best * (d + 1)];
        ref T src = ref MemoryMarshal.GetReference(row);
        int l = 0;
        for (; l + Vector512<T>.Count <= d; l += Vector512<T>.Count)
        {
            (Vector512.LoadUnsafe(ref sums, (nuint)l) + Vector512.LoadUnsafe(ref src, (nuint)l)).StoreUnsafe(ref sums, (nuint)l);
        }

        for (; l < d; l++)
        {
            Unsafe.Add(ref sums, l) += Unsafe.Add(ref src, l);
        }

        Unsafe.Add(ref sums, d) += T.One;
    }
}
