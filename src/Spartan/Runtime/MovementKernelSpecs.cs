namespace Spartan.Runtime;

/// <summary>Per-tile totals of a scan along <paramref name="Axis"/>: input 0 (converted to the output dtype) folded
/// with <paramref name="Op"/> along the axis, kept as an axis of length 1.</summary>
/// <param name="Op">The scan's operation.</param>
/// <param name="Axis">The scanned axis.</param>
public sealed record ScanTotalKernel(ScanOp Op, int Axis) : KernelSpec;

/// <summary>The fix-up scan of one tile along <paramref name="Axis"/>: input 0 is the tile; input 1, when present,
/// holds the totals of the preceding tiles along the axis (in tile order), whose combine is the carry.</summary>
/// <param name="Op">The scan's operation.</param>
/// <param name="Axis">The scanned axis.</param>
public sealed record ScanKernel(ScanOp Op, int Axis) : KernelSpec;

/// <summary>Concatenates the row-major elements of every input box into one 1-d tile (a flatten).</summary>
public sealed record RavelKernel : KernelSpec;

/// <summary>Copies input 0's region, converted to the output dtype (NumPy's astype).</summary>
public sealed record CastCopyKernel : KernelSpec;

/// <summary>Sorts every line of input 0 along <paramref name="Axis"/> (which the tile holds whole), or with
/// <paramref name="Arg"/> gives the stable argsort indices of each line.</summary>
/// <param name="Axis">The sorted axis.</param>
/// <param name="Arg">Whether to return indices (Int64) instead of values.</param>
public sealed record SortLinesKernel(int Axis, bool Arg) : KernelSpec;

/// <summary>Draws <paramref name="Count"/> regularly spaced, jittered samples of a 1-d tile for a sample sort: an
/// Int64 tile holding the samples' order keys, then their global indices.</summary>
/// <param name="Count">Number of samples (at most the tile's length).</param>
public sealed record SortSampleKernel(int Count) : KernelSpec;

/// <summary>Stable partition of a 1-d tile into buckets split by (order key, global index) splitters. Outputs: the
/// values grouped by bucket; with <paramref name="WithIds"/>, their global indices; then the bucket sizes (Int64).</summary>
/// <param name="SplitterKeys">The splitters' order keys, ascending.</param>
/// <param name="SplitterIds">The splitters' global indices (ties of keys broken by index).</param>
/// <param name="WithIds">Whether to emit global indices (argsort).</param>
public sealed record SortPartitionKernel(ulong[] SplitterKeys, long[] SplitterIds, bool WithIds) : KernelSpec;

/// <summary>Sorts one bucket of a sample sort: the inputs are the bucket's segments from every source tile in tile
/// order (<paramref name="Segments"/> value segments, then as many index segments with <paramref name="Arg"/>);
/// the output is the stably sorted values, or with <paramref name="Arg"/> their global indices.</summary>
/// <param name="Segments">Number of value segments.</param>
/// <param name="Arg">Whether to return global indices (argsort).</param>
public sealed record SortBucketKernel(int Segments, bool Arg) : KernelSpec;

/// <summary>Counts what a user shuffle kernel emits for one tile: an Int64 tile [non-empty pieces, elements].</summary>
/// <param name="Kernel">The user kernel.</param>
/// <param name="OutputShape">The shape of the shuffle's result (every piece must lie inside it).</param>
/// <param name="OutputType">The dtype every piece must have.</param>
public sealed record ShuffleCountKernel(UserKernelSpec Kernel, Shape OutputShape, DType OutputType) : KernelSpec;

/// <summary>Runs a user shuffle kernel on one tile again (kernels are deterministic) and packs its non-empty pieces:
/// output 0 (Int64) holds, per piece, its size, then its corners (ul then lr), output 1 the pieces' data, row-major, one after another.</summary>
/// <param name="Kernel">The user kernel.</param>
/// <param name="OutputShape">The shape of the shuffle's result.</param>
/// <param name="OutputType">The dtype every piece must have.</param>
public sealed record ShufflePackKernel(UserKernelSpec Kernel, Shape OutputShape, DType OutputType) : KernelSpec;

/// <summary>Builds one output tile of a shuffle: the target's region (input 0, when <paramref name="HasTarget"/>) or
/// zeros, then every piece that meets the tile, in source order, combined with <paramref name="Op"/>. Each piece input
/// is a contiguous window of the piece's row-major data that starts at element <paramref name="WindowStarts"/>[i].</summary>
/// <param name="Op">How a piece combines with what is there (Replace overwrites).</param>
/// <param name="HasTarget">Whether input 0 is the target's region.</param>
/// <param name="Pieces">Each piece's extent in the result.</param>
/// <param name="WindowStarts">Where each piece's window starts in the piece's row-major data.</param>
public sealed record ShuffleCombineKernel(ReduceOp Op, bool HasTarget, TileExtent[] Pieces, long[] WindowStarts) : KernelSpec;

/// <summary>The outer product of input 0 (a range of a) and input 1 (a range of b), in the output dtype.</summary>
public sealed record OuterKernel : KernelSpec;
