using System.Runtime.CompilerServices;
using Spartan.Expressions;

namespace Spartan;

public abstract partial class Expr
{
    /// <summary>The dot product of this array and <paramref name="other"/>; see <see cref="Sp.Dot"/>.</summary>
    /// <exception cref="ShapeMismatchException">The inner dimensions differ (the message names both shapes).</exception>
    /// <exception cref="ArgumentException">An operand has more than two dimensions.</exception>
    public Expr Dot(Expr other, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Arg(other, nameof(other));
        return Wrap(DotNode.Build(Node, other.Node, CallSite.At(file, line)));
    }
}
