namespace Spartan.Runtime;

/// <summary>Runs one task's kernel on its assembled inputs. Shared by every worker implementation.</summary>
internal static class KernelExecutor
{
    public static NDArray[] Run(TileTask task, NDArray[] inputs) => task.Kernel switch
    {
        FillKernel f => [SourceKernels.Fill(f, task.OutputExtents[0], task.OutputTypes[0])],
        ArangeKernel a => [SourceKernels.Arange(a, task.OutputExtents[0], task.OutputTypes[0])],
        EyeKernel e => [SourceKernels.Eye(e, task.OutputExtents[0], task.OutputTypes[0])],
        RandomKernel r => [SourceKernels.Random(r, task.OutputExtents[0], task.OutputTypes[0])],
        FusedMapKernel m => [Map(m.Program, inputs, task.OutputExtents[0])],
        ReducePartialKernel p => Reshape(ReduceKernels.Partial(p, inputs, task.Domain), task.OutputExtents),
        ReduceCombineKernel c => ReduceKernels.Combine(c, inputs, task.OutputExtents[0].Shape),
        CopyKernel => [inputs[0]],
        LiteralKernel l => [l.Data],
        UserKernelSpec u => [UserKernels.Run(u, inputs, task)],
        UserCombineKernel c => Reshape([UserKernels.Combine(c, inputs)], task.OutputExtents),
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
    private static NDArray Map(FusedProgram program, NDArray[] inputs, TileExtent extent)
    {
        NDArray output = NDArray.Uninitialized(extent.Shape, program.ResultType);
        if (extent.Size == 0)
        {
            return output;
        }

        using var runner = new ProgramRunner(program, inputs, extent.Shape);
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

        return output;
    }
}
