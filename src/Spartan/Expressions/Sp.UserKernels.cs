using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public static partial class Sp
{
    /// <summary>Runs <paramref name="kernel"/> on every tile of <paramref name="x"/>, where the tile lives. It must
    /// return an array of the tile's shape and of <paramref name="dtype"/> (default: x's dtype).</summary>
    public static Expr Map(Expr x, Func<NDArray, NDArray> kernel, DType? dtype = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        UserKernelSpec spec = KernelCapture.Describe(kernel, UserKernelKind.Map, dtype ?? x.DType, nameof(kernel));
        return Expr.Wrap(new UserMapNode(spec, [x.Node], x.Shape, CallSite.At(file, line)));
    }

    /// <summary>Runs <paramref name="kernel"/> on aligned tiles of several inputs: the tiles of the first input, and the
    /// matching (broadcast) regions of the others. The result has the first input's shape.</summary>
    public static Expr Map(IReadOnlyList<Expr> xs, Func<NDArray[], NDArray> kernel, DType? dtype = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Count == 0)
        {
            throw new ArgumentException("Map needs at least one input", nameof(xs));
        }

        Node[] nodes = xs.Select((x, i) => Expr.Arg(x, $"{nameof(xs)}[{i}]").Node).ToArray();
        Shape shape = nodes[0].Shape;
        Shape? joint = null;
        try
        {
            joint = Broadcasting.Shape(nodes.Select(n => n.Shape).ToArray());
        }
        catch (ShapeMismatchException)
        {
            // Reported below, naming the argument.
        }

        if (joint != shape)
        {
            throw new ShapeMismatchException($"Map inputs of shapes {string.Join(", ", nodes.Select(n => n.Shape.ToString()))} do not broadcast to the first input's shape {shape}", nameof(xs));
        }

        UserKernelSpec spec = KernelCapture.Describe(kernel, UserKernelKind.MapMany, dtype ?? nodes[0].DType, nameof(kernel));
        return Expr.Wrap(new UserMapNode(spec, nodes, shape, CallSite.At(file, line)));
    }

    /// <summary>Runs <paramref name="kernel"/> on every tile of <paramref name="x"/> with the tile's extent in the array.</summary>
    public static Expr MapWithLocation(Expr x, Func<NDArray, TileExtent, NDArray> kernel, DType? dtype = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        UserKernelSpec spec = KernelCapture.Describe(kernel, UserKernelKind.MapWithLocation, dtype ?? x.DType, nameof(kernel));
        return Expr.Wrap(new UserMapNode(spec, [x.Node], x.Shape, CallSite.At(file, line)));
    }

    /// <summary>The original's tile_operation: <paramref name="kernel"/> maps each tile (and its extent) to a tile of the
    /// same shape; the same as <see cref="MapWithLocation"/>.</summary>
    public static Expr TileOperation(Expr x, Func<NDArray, TileExtent, NDArray> kernel, DType? dtype = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        MapWithLocation(x, kernel, dtype, file, line);

    /// <summary>A user reduction: <paramref name="localReduce"/> turns each tile into its partial result with
    /// <paramref name="axis"/> removed (0-d for null), and partials of the same output region are combined with
    /// <paramref name="accumulate"/> in source-tile order.</summary>
    public static Expr Reduce(Expr x, int? axis, Func<NDArray, TileExtent, NDArray> localReduce, ReduceOp accumulate, DType dtype, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        Expr.CheckDType(dtype, nameof(dtype));
        if (!Enum.IsDefined(accumulate))
        {
            throw new ArgumentOutOfRangeException(nameof(accumulate), accumulate, "unknown ReduceOp");
        }

        if (accumulate is ReduceOp.And or ReduceOp.Or && dtype.IsFloat())
        {
            throw new ArgumentException($"accumulate {accumulate} needs a bool or integer dtype, not {dtype.Name()}", nameof(accumulate));
        }

        int? a = axis is int ax ? Shape.NormalizeAxis(ax, x.Ndim, nameof(axis)) : null;
        UserKernelSpec spec = KernelCapture.Describe(localReduce, UserKernelKind.LocalReduce, dtype, nameof(localReduce));
        return Expr.Wrap(new UserReduceNode(spec, accumulate, a, x.Node, CallSite.At(file, line)));
    }
}
