using Spartan.Kernels.Sparse;

namespace Spartan.Runtime;

/// <summary>A kernel that makes or reads sparse (CSR) tiles; all of them run in <see cref="SparseKernels"/>, on the worker
/// that holds (or makes) the CSR tile, so in a cluster only these specs and dense tiles cross the wire.</summary>
public abstract record SparseKernelSpec : KernelSpec;

/// <summary>A CSR tile whose elements are stored with probability <paramref name="Density"/> and uniform [0, 1) values;
/// row i depends only on (<paramref name="Key"/>, i).</summary>
/// <param name="Key">The generator key (from the seed).</param>
/// <param name="Density">The probability that an element is stored.</param>
public sealed record SparseRandomKernel(ulong Key, double Density) : SparseKernelSpec;

/// <summary>A CSR tile of ones on the diagonal (<paramref name="Diagonal"/>) or of no entries at all.</summary>
/// <param name="Diagonal">Ones where row == column; false: an empty tile.</param>
public sealed record SparseFillKernel(bool Diagonal) : SparseKernelSpec;

/// <summary>A CSR tile built from COO triples of its rows (row indices local to the tile; duplicates summed).</summary>
/// <param name="Rows">Tile-local row indices.</param>
/// <param name="Cols">Column indices.</param>
/// <param name="Values">Values.</param>
public sealed record SparseCooKernel(int[] Rows, int[] Cols, double[] Values) : SparseKernelSpec;

/// <summary>Input 0 (a CSR tile) with every value multiplied by <paramref name="Factor"/>; the structure is shared.</summary>
/// <param name="Factor">The factor (or divisor).</param>
/// <param name="Divide">Whether values are divided by the factor instead.</param>
public sealed record SparseScaleKernel(double Factor, bool Divide = false) : SparseKernelSpec;

/// <summary>Input 0 (a CSR tile) as a dense tile.</summary>
public sealed record SparseToDenseKernel : SparseKernelSpec;

/// <summary>Input 0 (a CSR row block) times input 1 (the whole dense right operand, 1-d or 2-d), then the epilogue
/// <paramref name="Scale"/> · product + bias, the bias being input 2 (one element) when there is one, else
/// <paramref name="Bias"/>.</summary>
/// <param name="Scale">The factor applied to the product (1: none).</param>
/// <param name="Bias">The constant added (0: none) when there is no input 2.</param>
public sealed record SparseTimesDenseKernel(double Scale = 1, double Bias = 0) : SparseKernelSpec;

/// <summary>Input 0 (a dense block of rows of the left operand, every column) times the CSR tiles of the right operand
/// (inputs 1.., in row order, each whole).</summary>
public sealed record DenseTimesSparseKernel : SparseKernelSpec;

/// <summary>Reduces input 0 (a CSR tile): <paramref name="Axis"/> 1 gives the tile's rows' values; 0 or null give a
/// partial (the tile's column values, or one value) for <see cref="SparseCombineKernel"/>.</summary>
/// <param name="Op">The reduction.</param>
/// <param name="Axis">The reduced axis, or null for all.</param>
public sealed record SparseReduceKernel(CsrReduction Op, int? Axis) : SparseKernelSpec;

/// <summary>Combines the partials of a <see cref="SparseReduceKernel"/> (inputs, in tile order) into the output.</summary>
/// <param name="Op">The reduction.</param>
public sealed record SparseCombineKernel(CsrReduction Op) : SparseKernelSpec;
