using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Reductions;

namespace Spartan.Bench.Kernels;

/// <summary>Sum of doubles: the fixed-order fold (bit-identical on every ISA) against TensorPrimitives.Sum (whose
/// order depends on the vector width).</summary>
public class FoldSumBench
{
    private double[] _x = [];

    [Params(65_536, 8_388_608)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new System.Random(3);
        _x = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
    }

    [Benchmark(Baseline = true)]
    public double TensorPrimitivesSum() => TensorPrimitives.Sum(_x);

    [Benchmark]
    public double FoldSpanSum() => Fold.Span<double, AddOperator<double>>(_x, 0.0);
}
