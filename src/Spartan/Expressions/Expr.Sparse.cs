using System.Runtime.CompilerServices;
using Spartan.Expressions;

namespace Spartan;

public abstract partial class Expr
{
    /// <summary>Whether the array is sparse: CSR row blocks (Sp.SparseRand, SparseFromCoo, ...), not dense tiles.</summary>
    public bool IsSparse => Node.IsSparse;

    /// <summary>The dense array of a sparse one (the expression itself when already dense).</summary>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public Expr ToDense([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        IsSparse ? Wrap(new SparseToDenseNode(Node, CallSite.At(file, line))) : this;

    /// <summary>Evaluates the array and returns its stored entries as global COO triples in row-major order (a dense
    /// array gives its non-zero elements). Sparse arrays are 2-d.</summary>
    public (long[] Rows, long[] Cols, double[] Values) ToCoo() => SparseReader.ToCoo(this);
}
