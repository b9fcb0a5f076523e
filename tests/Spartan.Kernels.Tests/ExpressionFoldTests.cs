using Spartan.Kernels.Operators;
using Spartan.Kernels.Reductions;
using Spartan.Kernels.Templates;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

/// <summary>A fold over an expression template gives the bits of <see cref="Fold.Chunk{T, TOp}"/> over the materialized
/// values, for every chunk length, operator and element type, with contiguous and step-2 inputs (the source cut to
/// exactly the elements the view needs).</summary>
public class ExpressionFoldTests
{
    private static readonly int[] ChunkLengths = [.. Lengths.Where(n => n <= Fold.ChunkLength), 1023, 2047, Fold.ChunkLength];

    private static void Check<T, TOp>(Func<System.Random, T> gen, T identity, T two)
        where T : unmanaged, System.Numerics.INumber<T>
        where TOp : IBinaryOperator<T>
    {
        var rng = new System.Random(23);
        foreach (int n in ChunkLengths)
        {
            T[] x = Enumerable.Range(0, n).Select(_ => gen(rng)).ToArray();
            T[] wide = Enumerable.Range(0, n == 0 ? 0 : (2 * n) - 1).Select(i => i % 2 == 0 ? x[i / 2] : gen(rng)).ToArray();
            T[] mapped = x.Select(v => (v * two) + two).ToArray();

            // x, x[::2] of a longer array, and x*2 + 2 as a template over the step-2 view.
            T want = Fold.Chunk<T, TOp>(x, identity);
            T plain = ExpressionFold.Chunk<T, TOp, Load<T>>(Bind<T, Load<T>>(x, [ExpressionLeaf.Load(0)]), n, identity);
            T evens = ExpressionFold.Chunk<T, TOp, LoadEvens<T>>(Bind<T, LoadEvens<T>>(wide, [ExpressionLeaf.Load(0)]), n, identity);
            var leaves = new[] { ExpressionLeaf.Load(0), ExpressionLeaf.Constant(2), ExpressionLeaf.Constant(2) };
            T affine = ExpressionFold.Chunk<T, TOp, Binary<T, AddOperator<T>, Binary<T, MultiplyOperator<T>, LoadEvens<T>, Constant<T>>, Constant<T>>>(
                Bind<T, Binary<T, AddOperator<T>, Binary<T, MultiplyOperator<T>, LoadEvens<T>, Constant<T>>, Constant<T>>>(wide, leaves), n, identity);

            string what = $"{typeof(T).Name} {typeof(TOp).Name} n={n}";
            Assert.True(Same(want, plain), $"{what}: contiguous {plain} vs {want}");
            Assert.True(Same(want, evens), $"{what}: step 2 {evens} vs {want}");
            Assert.True(Same(Fold.Chunk<T, TOp>(mapped, identity), affine), $"{what}: x*2+2 over step 2");
        }
    }

    private static TExpr Bind<T, TExpr>(T[] buffer, ExpressionLeaf[] leaves)
        where T : unmanaged
        where TExpr : struct, IExpressionNode<T, TExpr>
    {
        var binder = new LeafBinder(leaves, new Array?[] { buffer }, new long[] { 0 });
        TExpr e = TExpr.Bind(ref binder);
        Assert.True(binder.Done, "every leaf bound");
        return e;
    }

    private static bool Same<T>(T a, T b) where T : unmanaged =>
        a.Equals(b) || (double.IsNaN(Convert.ToDouble(a)) && double.IsNaN(Convert.ToDouble(b)));

    [Fact]
    public void FoldsLikeTheMaterializedChunk()
    {
        static double D(System.Random r) => r.Next(50) == 0 ? double.NaN : (r.NextDouble() - 0.5) * Math.Pow(10, r.Next(-6, 7));
        static float F(System.Random r) => (float)D(r);
        Check<double, AddOperator<double>>(D, 0, 2);
        Check<double, MaximumOperator<double>>(D, double.NegativeInfinity, 2);
        Check<double, MinimumOperator<double>>(D, double.PositiveInfinity, 2);
        Check<double, MultiplyOperator<double>>(r => 1 + ((r.NextDouble() - 0.5) / 100), 1, 2);
        Check<float, AddOperator<float>>(F, 0, 2);
        Check<float, MaximumOperator<float>>(F, float.NegativeInfinity, 2);
    }
}
