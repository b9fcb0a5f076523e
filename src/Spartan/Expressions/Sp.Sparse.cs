using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public static partial class Sp
{
    /// <summary>A random sparse (CSR) 2-d array: each element is stored with probability <paramref name="density"/>, with
    /// a uniform [0, 1) value. The same seed gives the same array on any tiling and worker count.</summary>
    /// <param name="shape">A 2-d shape.</param>
    /// <param name="density">The probability that an element is stored, in [0, 1].</param>
    /// <param name="dtype">The value type; sparse arrays hold float64.</param>
    /// <param name="seed">The seed; null draws one (once, so the expression replays the same values).</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr SparseRand(Shape shape, double density, DType? dtype = DType.Float64, int? seed = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        CheckSparseShape(shape, nameof(shape));
        CheckSparseDType(dtype ?? DType.Float64);
        if (!(density >= 0 && density <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(density), density, $"density must be in [0, 1], got {density}");
        }

        var kernel = new SparseRandomKernel(Key(seed, 0x53505253), density);
        return Expr.Wrap(new SparseSourceNode(shape, kernel, $"sparse_rand(density={density}, seed={seed})", SpartanContext.Current, CallSite.At(file, line)));
    }

    /// <summary>A sparse (CSR) 2-d array with ones on the main diagonal (an identity when square).</summary>
    /// <param name="shape">A 2-d shape.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr SparseDiagonal(Shape shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        CheckSparseShape(shape, nameof(shape));
        return Expr.Wrap(new SparseSourceNode(shape, new SparseFillKernel(Diagonal: true), "sparse_diagonal", SpartanContext.Current, CallSite.At(file, line)));
    }

    /// <summary>A sparse (CSR) 2-d array with no stored entries (all zeros).</summary>
    /// <param name="shape">A 2-d shape.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr SparseEmpty(Shape shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        CheckSparseShape(shape, nameof(shape));
        return Expr.Wrap(new SparseSourceNode(shape, new SparseFillKernel(Diagonal: false), "sparse_empty", SpartanContext.Current, CallSite.At(file, line)));
    }

    /// <summary>A sparse (CSR) 2-d array from COO triples (SciPy's coo_matrix((values, (rows, cols)), shape)): entries in
    /// any order, duplicates of one (row, col) summed. The arrays are copied at the call.</summary>
    /// <param name="rows">Row index of each entry, in [0, shape[0]).</param>
    /// <param name="cols">Column index of each entry, in [0, shape[1]).</param>
    /// <param name="values">Value of each entry.</param>
    /// <param name="shape">A 2-d shape.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr SparseFromCoo(long[] rows, long[] cols, double[] values, Shape shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(cols);
        ArgumentNullException.ThrowIfNull(values);
        CheckSparseShape(shape, nameof(shape));
        if (cols.Length != rows.Length)
        {
            throw new ArgumentException($"cols has {cols.Length} entries but rows has {rows.Length}; COO arrays must have equal lengths", nameof(cols));
        }

        if (values.Length != rows.Length)
        {
            throw new ArgumentException($"values has {values.Length} entries but rows has {rows.Length}; COO arrays must have equal lengths", nameof(values));
        }

        CheckIndices(rows, shape[0], nameof(rows), "row");
        CheckIndices(cols, shape[1], nameof(cols), "column");
        return Expr.Wrap(new SparseCooNode((long[])rows.Clone(), (long[])cols.Clone(), (double[])values.Clone(), shape, SpartanContext.Current, CallSite.At(file, line)));
    }

    private static void CheckIndices(long[] index, long n, string name, string what)
    {
        for (int i = 0; i < index.Length; i++)
        {
            if ((ulong)index[i] >= (ulong)n)
            {
                throw new ArgumentOutOfRangeException(name, index[i], $"{name}[{i}] = {index[i]} is out of range: {what} indices must be in [0, {n})");
            }
        }
    }

    private static void CheckSparseShape(Shape shape, string name)
    {
        if (shape.Rank != 2)
        {
            throw new ArgumentException($"sparse arrays are 2-d, but the shape {shape} has rank {shape.Rank}", name);
        }

        // CSR tiles index columns and entries with int32 (as SciPy does below 2^31).
        if (shape[1] > int.MaxValue || shape[0] > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, shape, $"sparse arrays have at most {int.MaxValue} rows and columns, got {shape}");
        }
    }

    private static void CheckSparseDType(DType dtype)
    {
        if (dtype != DType.Float64)
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"sparse arrays hold float64 values, not {dtype.Name()}; convert with ToDense().AsType(...) after building");
        }
    }
}
