using System.Runtime.CompilerServices;
using Spartan.Expressions;

namespace Spartan;

public static partial class Sp
{
    /// <summary>Inserts a new axis of length 1 in an index: <c>x[Sp.NewAxis, ..]</c>.</summary>
    public static SliceIndex NewAxis => SliceIndex.NewAxis;

    /// <summary>A slice start:stop:step; null bounds take NumPy's defaults; negative values count from the end.</summary>
    public static SliceIndex Slice(long? start, long? stop, long step = 1) => SliceIndex.Range(start, stop, step);

    /// <summary>x broadcast to <paramref name="shape"/> (a view).</summary>
    public static Expr BroadcastTo(Expr x, Shape shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        return Expr.Wrap(ViewNode.Create(x.Node, ViewBuilder.BroadcastTo(x.Shape, shape), CallSite.At(file, line)));
    }
}
