using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Stencil;

namespace Spartan.Runtime;

/// <summary>One output tile of a stencil: a 2-d correlation of every image plane with the filter (see
/// <see cref="Sp.Stencil(Expr, Expr, int, PadMode, string, int)"/>). The inputs are the image pieces the tile reads,
/// row-major over (row segment, column segment), each piece lying in one stored tile (so the middle piece is usually
/// a whole local tile, read in place, and the others are its halo from the neighbouring tiles), then the whole filter.
/// Positions outside the image are filled as <paramref name="Pad"/> says while the kernel builds its input lines.</summary>
/// <param name="Pad">The border mode.</param>
/// <param name="Stride">The step between output positions, in input positions, on both spatial axes.</param>
/// <param name="PadTop">Input rows before row 0 that output row 0 reads (KH / 2; 0 when Valid).</param>
/// <param name="PadLeft">Input columns before column 0 that output column 0 reads (KW / 2; 0 when Valid).</param>
/// <param name="RowSegments">Number of row segments of the image pieces.</param>
/// <param name="ColSegments">Number of column segments of the image pieces.</param>
public sealed record StencilKernel(PadMode Pad, int Stride, int PadTop, int PadLeft, int RowSegments, int ColSegments) : KernelSpec;

/// <summary>One output tile of a max pooling: the maximum of each PoolSize x PoolSize window, windows Stride apart;
/// the inputs are the image pieces, laid out as for <see cref="StencilKernel"/> (no filter).</summary>
/// <param name="PoolSize">The window's height and width.</param>
/// <param name="Stride">The step between windows.</param>
/// <param name="RowSegments">Number of row segments of the image pieces.</param>
/// <param name="ColSegments">Number of column segments of the image pieces.</param>
public sealed record MaxPoolKernel(int PoolSize, int Stride, int RowSegments, int ColSegments) : KernelSpec;

/// <summary>Runs <see cref="StencilKernel"/> and <see cref="MaxPoolKernel"/>. Images are (H, W) or NCHW
/// (N, C, H, W); a tile is processed one output row at a time from a ring of KH padded input lines per channel (each
/// input row is copied, converted and padded once, into cache-sized scratch), so the only tile-sized buffer is the
/// pooled output.</summary>
internal static class StencilKernels
{
    /// <summary>The image position that padded position <paramref name="p"/> of an axis of length <paramref name="n"/>
    /// reads under <paramref name="mode"/>, or -1 for a zero (outside, Zero mode).</summary>
    public static long Source(PadMode mode, long p, long n)
    {
        if (p >= 0 && p < n)
        {
            return p;
        }

        switch (mode)
        {
            case PadMode.Nearest:
                return p < 0 ? 0 : n - 1;
            case PadMode.Wrap:
            {
                long m = p % n;
                return m < 0 ? m + n : m;
            }

            case PadMode.Reflect:
            {
                long period = 2 * n;
                long m = p % period;
                if (m < 0)
                {
                    m += period;
                }

                return m < n ? m : period - 1 - m;
            }

            default:
                return -1;
        }
    }

    public static NDArray Stencil(StencilKernel k, NDArray[] inputs, TileTask task) => task.OutputTypes[0] == DType.Float32
        ? StencilOf<float>(k, inputs, task)
        : StencilOf<double>(k, inputs, task);

    public static NDArray MaxPool(MaxPoolKernel k, NDArray[] inputs, TileTask task) => task.OutputTypes[0] switch
    {
        DType.Float64 => MaxPoolOf<double>(k, inputs, task),
        DType.Float32 => MaxPoolOf<float>(k, inputs, task),
        DType.Int64 => MaxPoolOf<long>(k, inputs, task),
        DType.Int32 => MaxPoolOf<int>(k, inputs, task),
        _ => MaxPoolOf<byte>(k, inputs, task),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static NDArray StencilOf<T>(StencilKernel k, NDArray[] inputs, TileTask task) where T : unmanaged, INumber<T>
    {
        TileExtent oe = task.OutputExtents[0];
        NDArray output = NDArray.Rent(oe.Shape, task.OutputTypes[0]);
        Span<T> dst = Regions.As<T>(output);
        int rank = oe.Shape.Rank;
        int pieces = k.RowSegments * k.ColSegments;
        NDArray filterArray = inputs[pieces];
        long[] fd = filterArray.Shape.ToArray();
        int kh = (int)fd[^2], kw = (int)fd[^1];
        int channels = rank == 4 ? (int)fd[1] : 1;
        if (oe.Size == 0)
        {
            return output;
        }

        if (pieces == 0)
        {
            // No channels: every output is an empty sum.
            dst.Clear();
            return output;
        }

        T[] filter = new T[filterArray.Size];
        CopyRun(filterArray, 0, filter.Length, filter.AsSpan());
        var plan = new LinePlan(k.Pad, k.Stride, kh, kw, k.PadTop, k.PadLeft, k.RowSegments, k.ColSegments, task, oe);
        int images = rank == 4 ? (int)oe.Shape.Dims[0] : 1;
        int outChannels = rank == 4 ? (int)oe.Shape.Dims[1] : 1;
        int o0 = rank == 4 ? (int)oe.UlSpan[1] : 0;
        int rows = plan.OutRows, cols = plan.OutCols, lw = plan.LineWidth;
        bool inPlace = kh == 3 && kw == 3 && k.Stride == 1;
        for (int p = 0; p < pieces && inPlace; p++)
        {
            inPlace = inputs[p].Buffer is T[];
        }

        if (inPlace)
        {
            Stencil3x3InPlace(plan, inputs, filter, images, outChannels, channels, o0, dst);
            return output;
        }

        T[] scratch = ArrayPool<T>.Shared.Rent(channels * kh * lw);
        int[] tags = new int[channels * kh];
        int[] starts = new int[channels * kh];
        try
        {
            for (int n = 0; n < images; n++)
            {
                tags.AsSpan().Fill(-1);
                for (int i = 0; i < rows; i++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        for (int a = 0; a < kh; a++)
                        {
                            int q = (i * k.Stride) + a, slot = (c * kh) + (q % kh);
                            if (tags[slot] != q)
                            {
                                plan.BuildLine(inputs, n, c, q, scratch.AsSpan(slot * lw, lw));
                                tags[slot] = q;
                            }

                            starts[(c * kh) + a] = slot * lw;
                        }
                    }

                    for (int o = 0; o < outChannels; o++)
                    {
                        Span<T> row = dst.Slice((((n * outChannels) + o) * rows + i) * cols, cols);
                        for (int c = 0; c < channels; c++)
                        {
                            ReadOnlySpan<T> f = filter.AsSpan((((o0 + o) * channels) + c) * kh * kw, kh * kw);
                            Correlate.Row<T>(scratch, starts.AsSpan(c * kh, kh), f, kw, k.Stride, row, accumulate: c > 0);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }

        return output;
    }

    /// <summary>A 3x3, stride-1 stencil whose pieces already have the compute dtype: each output row reads its three
    /// input rows in place (the tile's own rows, or a halo row from a neighbour's strip); only the few output columns
    /// whose windows touch padding or cross a piece boundary go through small padded lines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Stencil3x3InPlace<T>(LinePlan plan, NDArray[] inputs, T[] filter, int images, int outChannels, int channels, int o0, Span<T> dst)
        where T : unmanaged, INumber<T>
    {
        int rows = plan.OutRows, cols = plan.OutCols;
        ((int J0, int J1, int Seg, int Shift)[] direct, (int J0, int J1)[] gaps) = plan.Split(1, 3);
        int gapWidth = 0;
        foreach ((int g0, int g1) in gaps)
        {
            gapWidth = Math.Max(gapWidth, g1 - g0 + 2);
        }

        T[] zeros = new T[plan.LineWidth];
        T[] scratch = new T[3 * gapWidth];
        int[] starts = [0, gapWidth, 2 * gapWidth];
        for (int n = 0; n < images; n++)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int o = 0; o < outChannels; o++)
                {
                    Span<T> row = dst.Slice((((n * outChannels) + o) * rows + i) * cols, cols);
                    for (int c = 0; c < channels; c++)
                    {
                        ReadOnlySpan<T> f = filter.AsSpan(((o0 + o) * channels + c) * 9, 9);
                        foreach ((int j0, int j1, int seg, int shift) in direct)
                        {
                            int len = j1 - j0 + 2;
                            Correlate.Row3(Line(0), Line(1), Line(2), f, row[j0..j1], c > 0);

                            ReadOnlySpan<T> Line(int a)
                            {
                                int q = i + a, rs = plan.RowSegment(q);
                                if (rs < 0)
                                {
                                    return zeros.AsSpan(0, len);
                                }

                                NDArray piece = inputs[plan.Piece(rs, seg)];
                                return ((T[])piece.Buffer).AsSpan(plan.Offset(piece, n, c, q, j0 + shift), len);
                            }
                        }

                        foreach ((int g0, int g1) in gaps)
                        {
                            int width = g1 - g0 + 2;
                            for (int a = 0; a < 3; a++)
                            {
                                plan.BuildLine(inputs, n, c, i + a, scratch.AsSpan(a * gapWidth, width), g0);
                            }

                            Correlate.Row<T>(scratch, starts, f, 3, 1, row[g0..g1], c > 0);
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static NDArray MaxPoolOf<T>(MaxPoolKernel k, NDArray[] inputs, TileTask task) where T : unmanaged, INumber<T>
    {
        TileExtent oe = task.OutputExtents[0];
        NDArray output = NDArray.Rent(oe.Shape, task.OutputTypes[0]);
        Span<T> dst = Regions.As<T>(output);
        int rank = oe.Shape.Rank;
        if (oe.Size == 0)
        {
            return output;
        }

        int p = k.PoolSize;
        var plan = new LinePlan(PadMode.Valid, k.Stride, p, p, 0, 0, k.RowSegments, k.ColSegments, task, oe);
        int images = rank == 4 ? (int)oe.Shape.Dims[0] : 1;
        int channels = rank == 4 ? (int)oe.Shape.Dims[1] : 1;
        int rows = plan.OutRows, cols = plan.OutCols, lw = plan.LineWidth;
        T[] scratch = ArrayPool<T>.Shared.Rent((p + 1) * lw);
        int[] tags = new int[p];
        int[] starts = new int[p];
        try
        {
            for (int n = 0; n < images; n++)
            {
                for (int c = 0; c < channels; c++)
                {
                    tags.AsSpan().Fill(-1);
                    for (int i = 0; i < rows; i++)
                    {
                        for (int a = 0; a < p; a++)
                        {
                            int q = (i * k.Stride) + a, slot = q % p;
                            if (tags[slot] != q)
                            {
                                plan.BuildLine(inputs, n, c, q, scratch.AsSpan(slot * lw, lw));
                                tags[slot] = q;
                            }

                            starts[a] = slot * lw;
                        }

                        Span<T> row = dst.Slice((((n * channels) + c) * rows + i) * cols, cols);
                        Pool.MaxRow<T>(scratch, starts, p, k.Stride, scratch.AsSpan(p * lw, lw), row);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }

        return output;
    }

    /// <summary>Copies <paramref name="length"/> elements of <paramref name="src"/> from <paramref name="offset"/> into
    /// <paramref name="dst"/>, converted to T (bool as byte 0/1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRun<T>(NDArray src, int offset, int length, Span<T> dst) where T : unmanaged, INumber<T>
    {
        Span<T> d = dst[..length];
        if (src.Buffer is T[] same)
        {
            same.AsSpan(offset, length).CopyTo(d);
            return;
        }

        switch (src.DType)
        {
            case DType.Float64: Elementwise.Convert<double, T>(Regions.As<double>(src).Slice(offset, length), d); break;
            case DType.Float32: Elementwise.Convert<float, T>(Regions.As<float>(src).Slice(offset, length), d); break;
            case DType.Int64: Elementwise.Convert<long, T>(Regions.As<long>(src).Slice(offset, length), d); break;
            case DType.Int32: Elementwise.Convert<int, T>(Regions.As<int>(src).Slice(offset, length), d); break;
            default: Elementwise.Convert<byte, T>(Regions.As<byte>(src).Slice(offset, length), d); break;
        }
    }

    /// <summary>Where each padded input line of a task comes from: per padded row, its row segment and local row (or
    /// a zero line); per line, runs of consecutive columns from one column segment, or of zeros.</summary>
    private sealed class LinePlan
    {
        private readonly int _colSegments;
        private readonly int[] _rowSeg;
        private readonly int[] _rowLocal;
        private readonly (int X, int Length, int Seg, int Local)[] _runs;
        private readonly int _rank;

        public LinePlan(PadMode mode, int stride, int kh, int kw, int padTop, int padLeft, int rowSegments, int colSegments, TileTask task, TileExtent oe)
        {
            _rank = oe.Shape.Rank;
            _colSegments = colSegments;
            int hA = _rank - 2, wA = _rank - 1;
            OutRows = (int)oe.Shape.Dims[hA];
            OutCols = (int)oe.Shape.Dims[wA];
            Shape image = task.Inputs[0].Region.ArrayShape;
            long height = image.Dims[hA], width = image.Dims[wA];

            var rowStart = new long[rowSegments];
            var rowEnd = new long[rowSegments];
            for (int r = 0; r < rowSegments; r++)
            {
                TileExtent reg = task.Inputs[r * colSegments].Region;
                rowStart[r] = reg.UlSpan[hA];
                rowEnd[r] = reg.LrSpan[hA];
            }

            var colStart = new long[colSegments];
            var colEnd = new long[colSegments];
            for (int c = 0; c < colSegments; c++)
            {
                TileExtent reg = task.Inputs[c].Region;
                colStart[c] = reg.UlSpan[wA];
                colEnd[c] = reg.LrSpan[wA];
            }

            int lines = ((OutRows - 1) * stride) + kh;
            _rowSeg = new int[lines];
            _rowLocal = new int[lines];
            long p0 = (oe.UlSpan[hA] * stride) - padTop;
            for (int q = 0; q < lines; q++)
            {
                (_rowSeg[q], _rowLocal[q]) = Locate(Source(mode, p0 + q, height), rowStart, rowEnd);
            }

            LineWidth = ((OutCols - 1) * stride) + kw;
            var runs = new List<(int X, int Length, int Seg, int Local)>();
            long x0 = (oe.UlSpan[wA] * stride) - padLeft;
            for (int x = 0; x < LineWidth; x++)
            {
                (int seg, int local) = Locate(Source(mode, x0 + x, width), colStart, colEnd);
                if (runs.Count > 0)
                {
                    (int X, int Length, int Seg, int Local) last = runs[^1];
                    if (last.Seg == seg && (seg < 0 || last.Local + last.Length == local))
                    {
                        runs[^1] = last with { Length = last.Length + 1 };
                        continue;
                    }
                }

                runs.Add((x, 1, seg, local));
            }

            _runs = [.. runs];
        }

        public int OutRows { get; }

        public int OutCols { get; }

        public int LineWidth { get; }

        /// <summary>Fills <paramref name="line"/> with padded row <paramref name="q"/> of plane (n, c), where n and c
        /// are local to the pieces (which start at the task's first image and channel).</summary>
        public void BuildLine<T>(NDArray[] inputs, int n, int c, int q, Span<T> line) where T : unmanaged, INumber<T> =>
            BuildLine(inputs, n, c, q, line, 0);

        /// <summary>Fills <paramref name="line"/> with positions [x0, x0 + line.Length) of padded row q of plane (n, c).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void BuildLine<T>(NDArray[] inputs, int n, int c, int q, Span<T> line, int x0) where T : unmanaged, INumber<T>
        {
            int rs = _rowSeg[q];
            if (rs < 0)
            {
                line.Clear();
                return;
            }

            int x1 = x0 + line.Length;
            foreach ((int x, int length, int seg, int local) in _runs)
            {
                int from = Math.Max(x, x0), to = Math.Min(x + length, x1);
                if (from >= to)
                {
                    continue;
                }

                Span<T> part = line[(from - x0)..(to - x0)];
                if (seg < 0)
                {
                    part.Clear();
                    continue;
                }

                NDArray src = inputs[(rs * _colSegments) + seg];
                CopyRun(src, Offset(src, n, c, q, local + (from - x)), part.Length, part);
            }
        }

        /// <summary>Where element (n, c, row of padded row q, col) of a piece is in its buffer.</summary>
        public int Offset(NDArray piece, int n, int c, int q, int col)
        {
            ReadOnlySpan<long> d = piece.Shape.Dims;
            int lr = _rowLocal[q];
            return (int)(_rank == 4 ? ((((((n * d[1]) + c) * d[2]) + lr) * d[3]) + col) : (lr * d[1]) + col);
        }

        /// <summary>The row segment of padded row q (-1: a zero row).</summary>
        public int RowSegment(int q) => _rowSeg[q];

        /// <summary>The input index of the piece at row segment rs and column segment cs.</summary>
        public int Piece(int rs, int cs) => (rs * _colSegments) + cs;

        /// <summary>Output column ranges whose windows lie inside one run of real columns (readable in place), as
        /// (first, end, run's segment, run's local column minus its line position); and the ranges between them.</summary>
        public ((int J0, int J1, int Seg, int Shift)[] Direct, (int J0, int J1)[] Gaps) Split(int stride, int kw)
        {
            var direct = new List<(int, int, int, int)>();
            var gaps = new List<(int, int)>();
            int cursor = 0;
            foreach ((int x, int length, int seg, int local) in _runs)
            {
                if (seg < 0)
                {
                    continue;
                }

                int lo = (x + stride - 1) / stride, hi = Math.Min(OutCols, ((x + length - kw) / stride) + 1);
                if (x + length - kw < 0 || hi <= lo)
                {
                    continue;
                }

                if (lo > cursor)
                {
                    gaps.Add((cursor, lo));
                }

                direct.Add((lo, hi, seg, local - x));
                cursor = hi;
            }

            if (cursor < OutCols)
            {
                gaps.Add((cursor, OutCols));
            }

            return ([.. direct], [.. gaps]);
        }

        private static (int Seg, int Local) Locate(long source, long[] start, long[] end)
        {
            if (source < 0)
            {
                return (-1, 0);
            }

            for (int s = 0; s < start.Length; s++)
            {
                if (source >= start[s] && source < end[s])
                {
                    return (s, (int)(source - start[s]));
                }
            }

            throw new InvalidOperationException($"stencil input position {source} is in none of the task's pieces");
        }
    }
}
