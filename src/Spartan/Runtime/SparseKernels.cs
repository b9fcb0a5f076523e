using Spartan.Kernels.Sparse;

namespace Spartan.Runtime;

/// <summary>Runs the sparse kernels (<see cref="SparseKernelSpec"/>) over CSR tiles: sources, scaling, densifying,
/// products and reductions. The loops themselves are in <c>Spartan.Kernels.Sparse</c>.</summary>
internal static class SparseKernels
{
    public static NDArray[] Run(SparseKernelSpec spec, NDArray[] inputs, TileTask task, Func<int, TileExtent, NDArray> read)
    {
        TileExtent extent = task.OutputExtents[0];
        return spec switch
        {
            SparseRandomKernel r => [Random(r, extent)],
            SparseFillKernel f => [Fill(f, extent)],
            SparseCooKernel c => [FromCoo(c, extent)],
            SparseScaleKernel s => [Scale(Csr(inputs[0]), s, extent)],
            SparseToDenseKernel => [ToDense(Csr(inputs[0]), extent)],
            SparseTimesDenseKernel m => [SparseTimesDense(Csr(inputs[0]), task.Inputs[1], read, extent, Epilogue(m, inputs))],
            DenseTimesSparseKernel => [DenseTimesSparse(inputs, task)],
            SparseReduceKernel r => [Reduce(r, Csr(inputs[0]), task.Inputs[0].Region, extent)],
            SparseCombineKernel c => [Combine(c.Op, inputs, extent)],
            _ => throw new NotSupportedException($"unknown sparse kernel {spec.GetType().Name}"),
        };
    }

    /// <summary>The CSR payload of an input, which must be a whole sparse tile.</summary>
    private static CsrParts Csr(NDArray a) =>
        a.Csr ?? throw new InvalidOperationException($"a sparse kernel got a dense input of shape {a.Shape}");

    private static NDArray Tile(CsrParts csr, TileExtent extent) => new(csr, extent.Shape);

    private static (int Rows, int Cols) Dims(TileExtent extent)
    {
        long rows = extent.Shape[0], cols = extent.Shape[1];
        return ((int)rows, (int)cols);
    }

    private static NDArray Random(SparseRandomKernel k, TileExtent extent)
    {
        (int rows, int width) = Dims(extent);
        long row0 = extent.UlSpan[0];
        var rowPtr = new int[rows + 1];
        int cap = (int)Math.Min(int.MaxValue - 64, Math.Max(16, (long)(rows * (double)width * k.Density * 1.05) + 64));
        var cols = new int[cap];
        var values = new double[cap];
        int count = 0;
        for (int i = 0; i < rows; i++)
        {
            count = CsrRandom.AppendRow(k.Key, row0 + i, width, k.Density, ref cols, ref values, count);
            rowPtr[i + 1] = count;
        }

        return Tile(new CsrParts(rowPtr, cols, values), extent);
    }

    private static NDArray Fill(SparseFillKernel k, TileExtent extent)
    {
        (int rows, int width) = Dims(extent);
        long row0 = extent.UlSpan[0];
        var rowPtr = new int[rows + 1];
        if (!k.Diagonal)
        {
            return Tile(new CsrParts(rowPtr, [], []), extent);
        }

        int n = (int)Math.Clamp(width - row0, 0, rows);
        var cols = new int[n];
        var values = new double[n];
        for (int i = 0; i < rows; i++)
        {
            bool has = i < n;
            if (has)
            {
                cols[i] = (int)(row0 + i);
                values[i] = 1;
            }

            rowPtr[i + 1] = rowPtr[i] + (has ? 1 : 0);
        }

        return Tile(new CsrParts(rowPtr, cols, values), extent);
    }

    private static NDArray FromCoo(SparseCooKernel k, TileExtent extent)
    {
        (int rows, _) = Dims(extent);
        var rowPtr = new int[rows + 1];
        var cols = new int[k.Rows.Length];
        var values = new double[k.Rows.Length];
        Kernels.Sparse.Csr.FromCoo(k.Rows, k.Cols, k.Values, rows, rowPtr, cols, values);
        return Tile(new CsrParts(rowPtr, cols, values), extent);
    }

    private static NDArray Scale(CsrParts a, SparseScaleKernel k, TileExtent extent)
    {
        var values = new double[a.Nnz];
        if (k.Divide)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(a.ValueSpan, k.Factor, values);
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(a.ValueSpan, k.Factor, values);
        }

        // Tiles are immutable, so the scaled tile shares the row pointers and column indices.
        return Tile(new CsrParts(a.RowPtr, a.Cols, values), extent);
    }

    private static NDArray ToDense(CsrParts a, TileExtent extent)
    {
        (_, int width) = Dims(extent);
        NDArray output = NDArray.Uninitialized(extent.Shape, DType.Float64);
        Kernels.Sparse.Csr.ToDense(a.RowPtr, a.ColSpan, a.ValueSpan, width, output.AsSpan<double>());
        return output;
    }

    /// <summary>A row block times the whole dense operand (input 1, lazy). A piece that is a whole tile is read as the
    /// stored tile itself; several pieces are assembled once per stage and shared (<see cref="SharedOperand"/>): a fresh
    /// 8 MB vector per task costs more in page faults and cache misses than the SpMV itself.</summary>
    private static NDArray SparseTimesDense(CsrParts a, TileInput dense, Func<int, TileExtent, NDArray> read, TileExtent extent, (double Scale, double Bias)? epilogue)
    {
        if (dense.Pieces.Length == 1)
        {
            return Multiply(a, read(1, dense.Region), extent, epilogue);
        }

        var parts = new NDArray[dense.Pieces.Length];
        var partExtents = new TileExtent[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            partExtents[i] = dense.Pieces[i].Part;
            parts[i] = read(1, partExtents[i]);
        }

        if (dense.Region.Shape.Rank == 1 && (long)a.Nnz * FewEntriesFactor <= dense.Region.Shape[0])
        {
            return MultiplyGathered(a, parts, partExtents, dense.Region, extent, epilogue);
        }

        using SharedOperand.Lease b = SharedOperand.Acquire(parts, partExtents, dense.Region);
        return Multiply(a, b.Data, extent, epilogue);
    }

    /// <summary>A sparse operand with at most 1/16 as many entries as the vector has elements reads its x elements
    /// from the pieces instead of assembling the vector.</summary>
    private const int FewEntriesFactor = 16;

    /// <summary>A product whose sparse operand has few entries (PageRank's dangling row: tens of entries against a
    /// vector of millions) reads the x element of each entry from the piece holding it. Assembling the whole vector
    /// instead costs an 8 MB copy by one thread while every other worker waits for the stage to end.</summary>
    private static NDArray MultiplyGathered(CsrParts a, NDArray[] parts, TileExtent[] partExtents, TileExtent region, TileExtent extent, (double Scale, double Bias)? epilogue)
    {
        long origin = region.UlSpan[0];
        ReadOnlySpan<int> cols = a.ColSpan;
        var gathered = new double[cols.Length];
        for (int k = 0; k < cols.Length; k++)
        {
            long at = origin + cols[k];
            int i = 0; // a handful of pieces: a scan beats a search
            while (at < partExtents[i].UlSpan[0] || at >= partExtents[i].LrSpan[0])
            {
                i++;
            }

            gathered[k] = Float64(parts[i])[(int)(at - partExtents[i].UlSpan[0])];
        }

        NDArray output = NDArray.Rent(extent.Shape, DType.Float64);
        if (epilogue is (double scale, double bias))
        {
            Kernels.Sparse.Csr.MultiplyGathered(a.RowPtr, a.ValueSpan, gathered, output.AsSpan<double>(), scale, bias);
        }
        else
        {
            Kernels.Sparse.Csr.MultiplyGathered(a.RowPtr, a.ValueSpan, gathered, output.AsSpan<double>());
        }

        return output;
    }

    /// <summary>The product's epilogue: its scale and the bias (input 2, one element), or null for a plain product.</summary>
    private static (double Scale, double Bias)? Epilogue(SparseTimesDenseKernel k, NDArray[] inputs) =>
        inputs.Length > 2 ? (k.Scale, Float64(inputs[2])[0]) : k.Scale == 1 && k.Bias == 0 ? null : (k.Scale, k.Bias);

    private static NDArray Multiply(CsrParts a, NDArray b, TileExtent extent, (double Scale, double Bias)? epilogue)
    {
        ReadOnlySpan<double> x = Float64(b);
        NDArray output = NDArray.Rent(extent.Shape, DType.Float64);
        if (b.Shape.Rank == 1)
        {
            Span<double> y = output.AsSpan<double>();
            if (CodedTiles.ForProduct(a) is (byte[] codes, double[] table))
            {
                if (epilogue is (double scale, double bias))
                {
                    Kernels.Sparse.Csr.MultiplyVector(a.RowPtr, a.ColSpan, codes, table, x, y, scale, bias);
                }
                else
                {
                    Kernels.Sparse.Csr.MultiplyVector(a.RowPtr, a.ColSpan, codes, table, x, y);
                }
            }
            else if (epilogue is (double scale, double bias))
            {
                Kernels.Sparse.Csr.MultiplyVector(a.RowPtr, a.ColSpan, a.ValueSpan, x, y, scale, bias);
            }
            else
            {
                Kernels.Sparse.Csr.MultiplyVector(a.RowPtr, a.ColSpan, a.ValueSpan, x, y);
            }
        }
        else
        {
            Kernels.Sparse.Csr.MultiplyMatrix(a.RowPtr, a.ColSpan, a.ValueSpan, x, (int)b.Shape[1], output.AsSpan<double>());
            if (epilogue is (double s, double c))
            {
                // Multiply then add, as the separate operations round.
                Span<double> o = output.AsSpan<double>();
                System.Numerics.Tensors.TensorPrimitives.Multiply(o, s, o);
                System.Numerics.Tensors.TensorPrimitives.Add(o, c, o);
            }
        }

        return output;
    }

    private static NDArray DenseTimesSparse(NDArray[] inputs, TileTask task)
    {
        TileExtent extent = task.OutputExtents[0];
        NDArray a = inputs[0];
        int k = (int)a.Shape[a.Shape.Rank - 1];
        int rows = a.Shape.Rank == 1 ? 1 : (int)a.Shape[0];
        int p = (int)extent.ArrayShape[extent.ArrayShape.Rank - 1];
        NDArray output = NDArray.Empty(extent.Shape, DType.Float64);
        ReadOnlySpan<double> av = Float64(a);
        for (int t = 1; t < inputs.Length; t++)
        {
            CsrParts s = Csr(inputs[t]);
            int rowOffset = (int)task.Inputs[t].Region.UlSpan[0];
            Kernels.Sparse.Csr.DenseTimesCsr(av, rows, k, rowOffset, s.RowPtr, s.ColSpan, s.ValueSpan, output.AsSpan<double>(), p);
        }

        return output;
    }

    private static NDArray Reduce(SparseReduceKernel k, CsrParts a, TileExtent input, TileExtent extent)
    {
        (int rows, int width) = Dims(input);
        switch (k.Axis)
        {
            case 1:
                var r = new double[rows];
                CsrReduce.Rows(k.Op, a.RowPtr, a.ValueSpan, width, r);
                return Typed(k.Op, r, extent.Shape);
            case 0:
                var c = new double[width];
                c.AsSpan().Fill(CsrReduce.Identity(k.Op));
                if (rows > 0)
                {
                    CsrReduce.Columns(k.Op, a.RowPtr, a.ColSpan, a.ValueSpan, c);
                }

                return new NDArray(c, extent.Shape, DType.Float64);
            default:
                double v = rows == 0 ? CsrReduce.Identity(k.Op) : CsrReduce.All(k.Op, a.RowPtr, a.ValueSpan, width);
                return new NDArray(new[] { v }, extent.Shape, DType.Float64);
        }
    }

    /// <summary>Folds the partials in tile order (so the result depends only on the tiling, as dense reductions).</summary>
    private static NDArray Combine(CsrReduction op, NDArray[] partials, TileExtent extent)
    {
        var acc = new double[extent.Size];
        acc.AsSpan().Fill(CsrReduce.Identity(op));
        foreach (NDArray p in partials)
        {
            ReadOnlySpan<double> v = p.AsSpan<double>();
            for (int i = 0; i < acc.Length; i++)
            {
                acc[i] = CsrReduce.Combine(op, acc[i], v[i]);
            }
        }

        return Typed(op, acc, extent.Shape);
    }

    /// <summary>Counts are int64 (NumPy's count_nonzero); the other reductions stay float64.</summary>
    private static NDArray Typed(CsrReduction op, double[] values, Shape shape)
    {
        if (op != CsrReduction.CountNonzero)
        {
            return new NDArray(values, shape, DType.Float64);
        }

        var counts = new long[values.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = (long)values[i];
        }

        return new NDArray(counts, shape, DType.Int64);
    }

    private static ReadOnlySpan<double> Float64(NDArray a) => a.DType == DType.Float64
        ? a.AsSpan<double>()
        : throw new InvalidOperationException($"a sparse product needs a float64 dense operand, got {a.DType.Name()}");
}
