namespace Spartan.Runtime;

/// <summary>What a task runs. Kernel specs are plain data so that they can cross a process boundary.</summary>
public abstract record KernelSpec;

/// <summary>Fills the output with one value (zeros, ones, full).</summary>
/// <param name="Value">The value, converted to the output dtype.</param>
public sealed record FillKernel(double Value) : KernelSpec;

/// <summary>Fills element i of a 1-d output with start + i * step.</summary>
/// <param name="Start">The first value.</param>
/// <param name="Step">The step.</param>
/// <param name="Integer">Whether to compute in integers (exact for Int64 outputs).</param>
public sealed record ArangeKernel(double Start, double Step, bool Integer) : KernelSpec;

/// <summary>Ones where column - row == <paramref name="K"/> in a 2-d output, zeros elsewhere.</summary>
/// <param name="K">The diagonal offset.</param>
public sealed record EyeKernel(long K) : KernelSpec;

/// <summary>Counter-based random values: a pure function of (key, global flat index).</summary>
/// <param name="Distribution">Uniform [0, 1), standard normal, or integers in [Low, High).</param>
/// <param name="Key">The generator key (from the seed).</param>
/// <param name="Low">Lowest integer (inclusive).</param>
/// <param name="High">Highest integer (exclusive).</param>
public sealed record RandomKernel(RandomDistribution Distribution, ulong Key, long Low, long High) : KernelSpec;

/// <summary>The distribution of a <see cref="RandomKernel"/>.</summary>
public enum RandomDistribution
{
    /// <summary>Uniform on [0, 1).</summary>
    Uniform,
    /// <summary>Standard normal.</summary>
    Normal,
    /// <summary>Uniform integers.</summary>
    Integer,
}

/// <summary>A fused elementwise program, run block by block over the output tile.</summary>
/// <param name="Program">The program; its loads refer to the task's inputs in order.</param>
public sealed record FusedMapKernel(FusedProgram Program) : KernelSpec;

/// <summary>A reduction of one input tile (optionally of a fused program over several inputs) to a partial result.</summary>
/// <param name="Program">The fused map whose output is reduced; null reduces input 0 directly.</param>
/// <param name="Reduction">The reduction.</param>
/// <param name="Axis">The reduced axis, or null for all axes.</param>
public sealed record ReducePartialKernel(FusedProgram? Program, Reduction Reduction, int? Axis) : KernelSpec;

/// <summary>Combines the partial results of a reduction, given in source-tile order, pairwise.</summary>
/// <param name="Reduction">The reduction.</param>
public sealed record ReduceCombineKernel(Reduction Reduction) : KernelSpec;

/// <summary>Assembles input 0's region into a new tile (used to re-tile or move data).</summary>
public sealed record CopyKernel : KernelSpec;

/// <summary>Stores data the driver sent (FromArray): the kernel's output is <paramref name="Data"/> itself.</summary>
/// <param name="Data">The tile's data.</param>
public sealed record LiteralKernel(NDArray Data) : KernelSpec;
