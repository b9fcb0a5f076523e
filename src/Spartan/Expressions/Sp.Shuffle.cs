using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public static partial class Sp
{
    /// <summary>The general data-movement operator. <paramref name="kernel"/> runs on every tile of
    /// <paramref name="x"/> (with the tile's extent) where it lives and emits pieces: regions of the result with their
    /// data. Each result tile starts from <paramref name="target"/>'s values (or zeros without a target) and combines
    /// every piece that meets it, in source order (source tile, then emission order), with
    /// <paramref name="accumulate"/> (Replace: the last piece wins). The result has the target's shape and dtype, or
    /// x's without one. Pieces must lie inside the result and hold data of their region's shape and the result's
    /// dtype, else evaluation throws a <see cref="SpartanException"/>. The kernel may run twice per tile (it is
    /// counted, then packed), so it must be deterministic.</summary>
    public static Expr Shuffle(Expr x, Func<NDArray, TileExtent, IEnumerable<(TileExtent Region, NDArray Data)>> kernel, Expr? target = null,
        ReduceOp accumulate = ReduceOp.Replace, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        if (!Enum.IsDefined(accumulate))
        {
            throw new ArgumentOutOfRangeException(nameof(accumulate), accumulate, "unknown ReduceOp");
        }

        DType t = target?.DType ?? x.DType;
        if (accumulate is ReduceOp.And or ReduceOp.Or && t.IsFloat())
        {
            throw new ArgumentException($"accumulate {accumulate} needs a bool or integer result, not {t.Name()}", nameof(accumulate));
        }

        UserKernelSpec spec = KernelCapture.Describe(kernel, UserKernelKind.Shuffle, t, nameof(kernel));
        return Expr.Wrap(new ShuffleNode(spec, accumulate, x.Node, target?.Node, CallSite.At(file, line)));
    }
}
