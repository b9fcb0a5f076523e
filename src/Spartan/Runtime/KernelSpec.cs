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
/// <param name="Maps">How each input is read from the output index (null entries, or null: NumPy broadcasting).</param>
public sealed record FusedMapKernel(FusedProgram Program, ViewMap?[]? Maps = null) : KernelSpec;

/// <summary>A reduction of one input tile (optionally of a fused program over several inputs) to a partial result.</summary>
/// <param name="Program">The fused map whose output is reduced; null reduces input 0 directly.</param>
/// <param name="Reduction">The reduction.</param>
/// <param name="Axis">The reduced axis, or null for all axes.</param>
/// <param name="Maps">How each input is read from the domain index (null: NumPy broadcasting).</param>
public sealed record ReducePartialKernel(FusedProgram? Program, Reduction Reduction, int? Axis, ViewMap?[]? Maps = null) : KernelSpec;

/// <summary>Combines the partial results of a reduction, given in source-tile order, pairwise.</summary>
/// <param name="Reduction">The reduction.</param>
public sealed record ReduceCombineKernel(Reduction Reduction) : KernelSpec;

/// <summary>Assembles input 0's region into a new tile (used to re-tile or move data).</summary>
public sealed record CopyKernel : KernelSpec;

/// <summary>Stores data the driver sent (FromArray): the kernel's output is <paramref name="Data"/> itself.</summary>
/// <param name="Data">The tile's data.</param>
public sealed record LiteralKernel(NDArray Data) : KernelSpec;

/// <summary>Copies a contiguous run of input 0's region (a reshape): the output tile's row-major elements, which start
/// at the output tile's flat index in the array, taken from the same flat index of the input.</summary>
public sealed record ReshapeKernel : KernelSpec;

/// <summary>Counts the non-zero elements of input 0 into a one-element Int64 tile.</summary>
public sealed record CountNonzeroKernel : KernelSpec;

/// <summary>Boolean selection: the elements of input 0 where input 1 (a Bool mask of the same region) is true, in
/// row-major order, as a 1-d tile.</summary>
public sealed record SelectKernel : KernelSpec;

/// <summary>Gathers rows along axis 0: input 0 holds the indices (this output tile's part), input 1 is the source
/// array read lazily, row by row, wherever the indices point.</summary>
public sealed record TakeKernel : KernelSpec;

/// <summary>Copies input 0 (a tile of the array) and writes input 1 (the value, broadcast) into the part
/// <paramref name="Box"/> of the assigned view that falls inside the tile.</summary>
/// <param name="Map">The assigned region as a view of the array.</param>
/// <param name="Box">The part of the view (in view coordinates) inside this tile.</param>
/// <param name="ValueMap">How the value is read from the view index (its broadcast).</param>
public sealed record AssignKernel(ViewMap Map, TileExtent Box, ViewMap ValueMap) : KernelSpec;
