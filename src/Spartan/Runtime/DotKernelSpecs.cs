namespace Spartan.Runtime;

/// <summary>One block of a dot product: op(input 0) · op(input 1) over the inner indices <paramref name="Segments"/>,
/// read segment by segment (each segment lies in one stored tile of each operand) and accumulated in that order.
/// Both inputs are lazy: the kernel reads each segment's sub-block itself, in place when it is a whole tile.</summary>
/// <param name="TransA">Whether op(a) is the transpose of the stored 2-d a.</param>
/// <param name="TransB">Whether op(b) is the transpose of the stored 2-d b.</param>
/// <param name="VectorA">Whether a is 1-d (a 1 x k row).</param>
/// <param name="VectorB">Whether b is 1-d (a k x 1 column).</param>
/// <param name="Segments">Inner-dimension bounds, ascending: segment s is [Segments[s], Segments[s + 1]).</param>
/// <param name="Threads">The most threads the GEMM may use (more than 1 only when the task is the only work).</param>
public sealed record DotKernel(bool TransA, bool TransB, bool VectorA, bool VectorB, long[] Segments, int Threads) : KernelSpec;

/// <summary>
/// The fused row-block pass <c>op(x)ᵀ · f(x · w, ...)</c> over one row tile of x (n x d): for each block of rows, z =
/// x_b · w (w is d or d x k, read whole), r = the elementwise <paramref name="Program"/> over z and the other inputs
/// (row-aligned or broadcast), then the partial x_bᵀ · r is accumulated, so x is read once. Inputs: 0 is the row tile
/// of x, 1 is w, the rest are the program's other leaves (program input <paramref name="ZInput"/> is z). The output is
/// the tile's partial (1, d) or (1, d, k).
/// </summary>
/// <param name="Program">The elementwise program giving r from z and the other leaves.</param>
/// <param name="ZInput">The program input that is z.</param>
/// <param name="Maps">How each program input is read from the (rows, k) domain (null entries: broadcasting).</param>
public sealed record RowDotKernel(FusedProgram Program, int ZInput, ViewMap?[] Maps) : KernelSpec;

/// <summary>
/// One pass of a k-means (Lloyd) step over a row tile of x (n x d) with centres c (k x d, read whole): each row goes
/// to its nearest centre (squared Euclidean distance, lowest index on ties), and the output (1, k, d + 1) holds, per
/// centre, the sum of its rows and their count.
/// </summary>
public sealed record NearestSumsKernel : KernelSpec;
