using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public static partial class Sp
{
    /// <summary>Joins arrays along an existing <paramref name="axis"/>. Ranks must match and so must every other extent;
    /// dtypes promote as in NumPy. Each result tile is a planned copy of one input region.</summary>
    public static Expr Concatenate(IReadOnlyList<Expr> xs, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Count == 0)
        {
            throw new ArgumentException("Concatenate needs at least one array", nameof(xs));
        }

        Node[] nodes = xs.Select((x, i) => Expr.Arg(x, $"{nameof(xs)}[{i}]").Node).ToArray();
        string shapes = string.Join(", ", nodes.Select(n => n.Shape.ToString()));
        int rank = nodes[0].Shape.Rank;
        if (rank == 0)
        {
            throw new ArgumentException("zero-dimensional arrays cannot be concatenated", nameof(xs));
        }

        if (nodes.Any(n => n.Shape.Rank != rank))
        {
            throw new ShapeMismatchException($"Concatenate needs arrays of the same rank, got shapes {shapes}", nameof(xs));
        }

        int a = Shape.NormalizeAxis(axis, rank, nameof(axis));
        long[] dims = nodes[0].Shape.ToArray();
        dims[a] = 0;
        foreach (Node n in nodes)
        {
            for (int k = 0; k < rank; k++)
            {
                if (k != a && n.Shape.Dims[k] != dims[k])
                {
                    throw new ShapeMismatchException($"Concatenate along axis {a} needs the other extents to match, got shapes {shapes} (axis {k} differs)", nameof(xs));
                }
            }

            dims[a] += n.Shape.Dims[a];
        }

        DType t = nodes.Select(n => n.DType).Aggregate(DTypes.Promote);
        return Expr.Wrap(new ConcatenateNode(a, t, new Shape(dims), nodes, CallSite.At(file, line)));
    }

    /// <summary>The same array on the grid of tiles of at most <paramref name="tileHint"/> elements per axis: a planned
    /// movement in which every new tile copies only its own region from the tiles that overlap it.</summary>
    public static Expr Retile(Expr x, Shape tileHint, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        Tiling.Check(x.Shape, tileHint, nameof(tileHint));
        return Expr.Wrap(new RetileNode(tileHint, x.Node, CallSite.At(file, line)));
    }

    /// <summary>The outer product of two 1-d arrays, result[i, j] = a[i] * b[j] (dtypes promote). With
    /// <paramref name="kernel"/>, output tile (I, J) is kernel(a[I], b[J]), which must return an array of shape
    /// (|I|, |J|) and dtype <paramref name="dtype"/> (default: the promoted dtype of a and b).</summary>
    public static Expr Outer(Expr a, Expr b, Func<NDArray, NDArray, NDArray>? kernel = null, DType? dtype = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(a, nameof(a));
        Expr.Arg(b, nameof(b));
        if (a.Ndim != 1 || b.Ndim != 1)
        {
            throw new ShapeMismatchException($"Outer needs two 1-d arrays, got shapes {a.Shape} and {b.Shape}", a.Ndim != 1 ? nameof(a) : nameof(b));
        }

        DType t = dtype ?? DTypes.Promote(a.DType, b.DType);
        Expr.CheckDType(t, nameof(dtype));
        UserKernelSpec? spec = kernel is null ? null : KernelCapture.Describe(kernel, UserKernelKind.Outer, t, nameof(kernel));
        return Expr.Wrap(new OuterNode(a.Node, b.Node, spec, t, CallSite.At(file, line)));
    }
}
