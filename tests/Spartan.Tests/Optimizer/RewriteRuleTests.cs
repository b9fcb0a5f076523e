using Spartan.Expressions;
using Spartan.Optimizer;

namespace Spartan.Tests.Optimizer;

/// <summary>Each rewrite rule against the exact expression it must produce, and the stages' idempotence and
/// convergence guard.</summary>
public class RewriteRuleTests
{
    [Fact]
    public void MapFusionTurnsAnElementwiseChainIntoOneProgram()
    {
        using var ctx = SpartanContext.StartLocal(2);
        Expr a = Sp.Rand(100, seed: 1), b = Sp.Rand(100, seed: 2), c = Sp.Rand(100, seed: 3);
        Node plan = (a * b + c * 2.0 - 1.0).Optimized().Node;

        var fused = Assert.IsType<FusedMapNode>(plan);
        Assert.Equal(
            "fused_map[r0 = in0:float64; r1 = in1:float64; r2 = multiply:float64(r0, r1); r3 = in2:float64; r4 = 2:float64; " +
            "r5 = multiply:float64(r3, r4); r6 = add:float64(r2, r5); r7 = 1:float64; r8 = subtract:float64(r6, r7)]",
            fused.Label);
        Assert.Equal([a.Node, b.Node, c.Node], fused.Children);
    }

    [Fact]
    public void MapFusionComputesASharedOperandOncePerBlock()
    {
        using var ctx = SpartanContext.StartLocal(1);
        Expr a = Sp.Rand(10, seed: 1);
        Expr e = Sp.Exp(a);
        var fused = Assert.IsType<FusedMapNode>((e * e + e).Optimized().Node);
        Assert.Equal("fused_map[r0 = in0:float64; r1 = exp:float64(r0); r2 = multiply:float64(r1, r1); r3 = add:float64(r2, r1)]", fused.Label);
        Assert.Single(fused.Children);
    }

    [Fact]
    public void ReduceFusionFoldsTheMapItReduces()
    {
        using var ctx = SpartanContext.StartLocal(2);
        Expr a = Sp.Rand((10, 7), seed: 1);
        Node plan = Sp.Square(a - 1).Sum(axis: 1).Optimized().Node;

        var reduce = Assert.IsType<ReduceNode>(plan);
        Assert.Equal("sum(axis=1)[r0 = in0:float64; r1 = 1:float64; r2 = subtract:float64(r0, r1); r3 = square:float64(r2)]", reduce.Label);
        Assert.Equal([a.Node], reduce.Children);
    }

    [Fact]
    public void ViewsBecomeMapsOnTheConsumersLoads()
    {
        using var ctx = SpartanContext.StartLocal(2);
        Expr a = Sp.Rand((10, 8), seed: 1);
        Node plan = (a.T[Sp.Slice(null, null, 2), 1..9] + 1).Sum().Optimized().Node;

        var reduce = Assert.IsType<ReduceNode>(plan);
        Assert.Equal("sum(axis=None)[r0 = in0:float64; r1 = 1:float64; r2 = add:float64(r0, r1)] via [1+1*o1, 0+2*o0]", reduce.Label);
        Assert.Equal([a.Node], reduce.Children);
    }

    [Fact]
    public void CollapseCachedReusesALiveResultAndRecomputesALostOne()
    {
        using var ctx = SpartanContext.StartLocal(2);
        Expr x = Sp.Rand(100, seed: 1) + 1;
        DistArray xs = x.Evaluate();

        Node plan = (x * 2).Optimized().Node;
        var fused = Assert.IsType<FusedMapNode>(plan);
        var cached = Assert.IsType<ResultNode>(Assert.Single(fused.Children));
        Assert.StartsWith("cached(a", cached.Label);

        xs.Dispose();
        Node after = (x * 2).Optimized().Node;
        Assert.DoesNotContain(after.Children, n => n is ResultNode);
    }

    [Fact]
    public void EveryStageIsIdempotent()
    {
        using var ctx = SpartanContext.StartLocal(2);
        Expr a = Sp.Rand((10, 8), seed: 1), w = Sp.Rand(8, seed: 2);
        DistArray live = (a + 1).Evaluate();
        Expr[] exprs =
        [
            (a * w - 1).Sum(axis: 0),
            Sp.Maximum(live, a.T.T) * 3,
            (a.T[Sp.Slice(null, null, 2), ..] + 1).Max(),
            Sp.Where(a > 0.5, a, -a).Mean(),
        ];
        foreach (Expr e in exprs)
        {
            Node plan = PlanOptimizer.Run(e.Node, ctx.Options);
            foreach (IOptimizerPass pass in PlanOptimizer.Stages)
            {
                Assert.Same(plan, PlanOptimizer.Apply(pass, plan));
            }
        }
    }

    [Fact]
    public void AStageThatNeverSettlesIsReportedNotLoopedOn()
    {
        using var ctx = SpartanContext.StartLocal(1);
        Node n = (Sp.Rand(10, seed: 1) + 1).Node;
        var e = Assert.Throws<InvalidOperationException>(() => PlanOptimizer.ToFixedPoint(new AlwaysRewrites(), n));
        Assert.Contains("did not converge", e.Message);
    }

    private sealed class AlwaysRewrites : IOptimizerPass
    {
        public string Name => "AlwaysRewrites";

        public bool Enabled(SpartanOptions options) => true;

        public Node Rewrite(Node node) => node is ElementwiseNode el ? new ElementwiseNode(el.Op, el.ComputeType, el.DType, el.Children, el.Site) : node;
    }
}

/// <summary>Outputs past the caches are written with non-temporal stores; the values must be the same.</summary>
public class StreamedOutputTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void LargeTilesAreWrittenExactly(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        const int n = 1_500_003;
        var a = new double[n];
        var rng = new Random(3);
        for (int i = 0; i < n; i++)
        {
            a[i] = rng.NextDouble();
        }

        // One 12 MB tile and an odd tiling whose tiles are past the 4 MB streaming threshold too.
        foreach (Shape tile in new Shape[] { n, 700_001 })
        {
            double[] r = (Sp.FromArray(a, tileHint: tile) * 2 + 1).Glom().ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(a[i] * 2 + 1, r[i]);
            }
        }
    }
}
