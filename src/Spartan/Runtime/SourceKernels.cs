using Spartan.Kernels.Random;

namespace Spartan.Runtime;

/// <summary>Kernels that make a tile from nothing but its extent: fills, ranges, identity and random arrays.</summary>
internal static class SourceKernels
{
    public static NDArray Fill(FillKernel k, TileExtent extent, DType dtype)
    {
        NDArray a = NDArray.Rent(extent.Shape, dtype);
        switch (dtype)
        {
            case DType.Bool: a.AsSpan<bool>().Fill(k.Value != 0); break;
            case DType.Int32: a.AsSpan<int>().Fill((int)k.Value); break;
            case DType.Int64: a.AsSpan<long>().Fill((long)k.Value); break;
            case DType.Float32: a.AsSpan<float>().Fill((float)k.Value); break;
            default: a.AsSpan<double>().Fill(k.Value); break;
        }

        return a;
    }

    public static NDArray Arange(ArangeKernel k, TileExtent extent, DType dtype)
    {
        NDArray a = NDArray.Rent(extent.Shape, dtype);
        long first = extent.UlSpan[0];
        int n = (int)extent.Size;
        switch (dtype)
        {
            case DType.Int64:
            {
                Span<long> d = a.AsSpan<long>();
                long start = (long)k.Start, step = (long)k.Step;
                for (int i = 0; i < n; i++)
                {
                    d[i] = unchecked(start + (first + i) * step);
                }

                break;
            }

            case DType.Int32:
            {
                Span<int> d = a.AsSpan<int>();
                for (int i = 0; i < n; i++)
                {
                    d[i] = unchecked((int)((long)k.Start + (first + i) * (long)k.Step));
                }

                break;
            }

            case DType.Float32:
            {
                Span<float> d = a.AsSpan<float>();
                for (int i = 0; i < n; i++)
                {
                    d[i] = (float)(k.Start + (first + i) * k.Step);
                }

                break;
            }

            default:
            {
                Span<double> d = a.AsSpan<double>();
                for (int i = 0; i < n; i++)
                {
                    d[i] = k.Start + (first + i) * k.Step;
                }

                break;
            }
        }

        return a;
    }

    public static NDArray Eye(EyeKernel k, TileExtent extent, DType dtype)
    {
        NDArray a = NDArray.Empty(extent.Shape, dtype);
        long r0 = extent.UlSpan[0], c0 = extent.UlSpan[1];
        long rows = extent.Shape.Dims[0], cols = extent.Shape.Dims[1];
        for (long r = 0; r < rows; r++)
        {
            long c = r0 + r + k.K - c0;
            if (c >= 0 && c < cols)
            {
                int at = (int)(r * cols + c);
                switch (dtype)
                {
                    case DType.Bool: a.AsSpan<bool>()[at] = true; break;
                    case DType.Int32: a.AsSpan<int>()[at] = 1; break;
                    case DType.Int64: a.AsSpan<long>()[at] = 1; break;
                    case DType.Float32: a.AsSpan<float>()[at] = 1; break;
                    default: a.AsSpan<double>()[at] = 1; break;
                }
            }
        }

        return a;
    }

    public static NDArray Random(RandomKernel k, TileExtent extent, DType dtype)
    {
        NDArray a = NDArray.Rent(extent.Shape, dtype);
        Shape arr = extent.ArrayShape;
        int rank = arr.Rank;
        if (extent.Size == 0)
        {
            return a;
        }

        long[] gs = arr.Strides();
        long rowLen = rank == 0 ? 1 : extent.Shape.Dims[rank - 1];
        Span<long> idx = stackalloc long[Math.Max(0, rank - 1)];
        ReadOnlySpan<long> tileDims = extent.Shape.Dims;
        int row = 0;
        do
        {
            long first = rank == 0 ? 0 : extent.UlSpan[rank - 1];
            for (int ax = 0; ax < rank - 1; ax++)
            {
                first += (extent.UlSpan[ax] + idx[ax]) * gs[ax];
            }

            int off = (int)(row * rowLen), len = (int)rowLen;
            switch (k.Distribution)
            {
                case RandomDistribution.Uniform: Philox.Uniform(k.Key, first, a.AsSpan<double>().Slice(off, len)); break;
                case RandomDistribution.Normal: Philox.Normal(k.Key, first, a.AsSpan<double>().Slice(off, len)); break;
                default: Philox.Integers(k.Key, first, k.Low, k.High, a.AsSpan<long>().Slice(off, len)); break;
            }

            row++;
        }
        while (rank > 1 && Odometer.Next(idx, tileDims[..(rank - 1)]));

        return a;
    }
}
