namespace Spartan.Runtime;

/// <summary>Runs one task's kernel on its assembled inputs. Shared by every worker implementation.</summary>
internal static class KernelExecutor
{
    /// <summary>Runs the task's kernel. <paramref name="read"/> reads a sub-region of a lazy input k.
    /// <paramref name="extents"/>[k], when given, is the box inputs[k] holds: a fused program may be handed a whole stored
    /// tile that contains its region, and reads the region in place.</summary>
    public static NDArray[] Run(TileTask task, NDArray[] inputs, Func<int, TileExtent, NDArray> read, TileExtent[]? extents = null) => task.Kernel switch
    {
        FillKernel f => [SourceKernels.Fill(f, task.OutputExtents[0], task.OutputTypes[0])],
        ArangeKernel a => [SourceKernels.Arange(a, task.OutputExtents[0], task.OutputTypes[0])],
        EyeKernel e => [SourceKernels.Eye(e, task.OutputExtents[0], task.OutputTypes[0])],
        RandomKernel r => [SourceKernels.Random(r, task.OutputExtents[0], task.OutputTypes[0])],
        FusedMapKernel m => [Map(m, inputs, task, extents)],
        ReducePartialKernel p => Reshape(ReduceKernels.Partial(p, inputs, task.Domain, Layouts(task, p.Maps, extents)), task.OutputExtents),
        ReduceCombineKernel c => ReduceKernels.Combine(c, inputs, task.OutputExtents[0].Shape),
        CopyKernel => [Copy(inputs[0])],
        LiteralKernel l => [l.Data],
        ReshapeKernel => [Reshaped(inputs[0], task)],
        CountNonzeroKernel => [SelectionKernels.CountNonzero(inputs[0], task.OutputExtents[0])],
        SelectKernel => [SelectionKernels.Select(inputs[0], inputs[1], task.OutputExtents[0])],
        TakeKernel => [SelectionKernels.Take(inputs[0], task, read)],
        AssignKernel a => [SelectionKernels.Assign(a, inputs[0], inputs[1], task)],
        ScanTotalKernel s => [ScanKernels.Totals(s, inputs, task)],
        ScanKernel s => [ScanKernels.Scan(s, inputs, task)],
        RavelKernel => [ScanKernels.Ravel(inputs, task)],
        CastCopyKernel => [ScanKernels.CastCopy(inputs, task)],
        SortLinesKernel s => [SortKernels.Lines(s, inputs[0], task)],
        SortSampleKernel s => [SortKernels.Sample(s, inputs[0], task)],
        SortPartitionKernel s => SortKernels.Partition(s, inputs[0], task),
        SortBucketKernel s => [SortKernels.Bucket(s, inputs, task)],
        ShuffleCountKernel s => [ShuffleKernels.Count(s, inputs[0], task)],
        ShufflePackKernel s => ShuffleKernels.Pack(s, inputs[0], task),
        ShuffleCombineKernel s => [ShuffleKernels.Combine(s, inputs, task)],
        OuterKernel => [ShuffleKernels.Outer(inputs[0], inputs[1], task)],
        DotKernel d => [DotKernels.Block(d, task, read)],
        RowDotKernel r => [DotKernels.RowDot(r, inputs, task)],
        NearestSumsKernel => [DotKernels.NearestSums(inputs, task)],
        StencilKernel s => [StencilKernels.Stencil(s, inputs, task)],
        MaxPoolKernel p => [StencilKernels.MaxPool(p, inputs, task)],
        UserKernelSpec u => [UserKernels.Run(u, inputs, task)],
        UserCombineKernel c => Reshape([UserKernels.Combine(c, inputs)], task.OutputExtents),
        IO.FileKernel f => IO.FileKernels.Run(f, inputs, task),
        SparseKernelSpec s => SparseKernels.Run(s, inputs, task, read),
        _ => throw new NotSupportedException($"unknown kernel {task.Kernel.GetType().Name}"),
    };

    private static NDArray[] Reshape(NDArray[] outputs, TileExtent[] extents)
    {
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new NDArray(outputs[i].Buffer, extents[i].Shape, outputs[i].DType);
        }

        return outputs;
    }

    /// <summary>Runs a fused program over a tile, writing each block straight into the output.</summary>
    // The input may be another tile's own buffer; a stored tile always owns its buffer alone.
    private static NDArray Copy(NDArray input)
    {
        NDArray output = NDArray.Rent(input.Shape, input.DType);
        Array.Copy(input.Buffer, output.Buffer, input.Buffer.Length);
        return output;
    }

    private static NDArray Reshaped(NDArray region, TileTask task)
    {
        TileExtent outExtent = task.OutputExtents[0], inRegion = task.Inputs[0].Region;
        long start = outExtent.ArrayShape.FlatIndex(outExtent.UlSpan) - inRegion.ArrayShape.FlatIndex(inRegion.UlSpan);
        NDArray output = NDArray.Rent(outExtent.Shape, region.DType);
        Array.Copy(region.Buffer, start, output.Buffer, 0, output.Size);
        return output;
    }

    /// <summary>Outputs at least this large (past the caches) are written with non-temporal stores.</summary>
    private const long StreamingBytes = 4 << 20;

    /// <summary>Where each input's elements are, seen from the task's domain index.</summary>
    public static (long Base, long[] Strides)[] Layouts(TileTask task, ViewMap?[]? maps, TileExtent[]? extents = null)
    {
        var layouts = new (long, long[])[task.Inputs.Length];
        for (int k = 0; k < layouts.Length; k++)
        {
            TileExtent region = extents?[k] ?? task.Inputs[k].Region;
            ViewMap map = maps?[k] ?? ViewMap.Broadcast(region.ArrayShape, task.Domain.ArrayShape);
            layouts[k] = map.Layout(task.Domain, region);
        }

        return layouts;
    }

    private static NDArray Map(FusedMapKernel k, NDArray[] inputs, TileTask task, TileExtent[]? extents)
    {
        FusedProgram program = k.Program;
        TileExtent extent = task.OutputExtents[0];
        NDArray output = NDArray.Rent(extent.Shape, program.ResultType);
        if (extent.Size == 0)
        {
            return output;
        }

        (long Base, long[] Strides)[] layouts = Layouts(task, k.Maps, extents);
        bool stream = output.Bytes >= StreamingBytes;
        if (ProgramCompiler.TryRun(program, inputs, layouts, extent.Shape, output.Buffer, stream))
        {
            Kernels.Loops.Streaming.Fence();
            return output;
        }

        using var runner = new ProgramRunner(program, inputs, layouts, extent.Shape, streamOutput: stream);
        long[] dims = runner.Dims;
        int last = dims.Length - 1;
        Span<long> idx = stackalloc long[last];
        int block = runner.BlockCapacity;
        long offset = 0;
        do
        {
            for (long j0 = 0; j0 < dims[last]; j0 += block)
            {
                int len = (int)Math.Min(block, dims[last] - j0);
                runner.EvalSegment(idx, j0, len, output.Buffer, (int)offset);
                offset += len;
            }
        }
        while (Odometer.Next(idx, dims));

        // Non-temporal stores are weakly ordered: publish them before the tile is stored and read elsewhere.
        Kernels.Loops.Streaming.Fence();
        return output;
    }
}
