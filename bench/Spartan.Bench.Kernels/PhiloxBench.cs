using BenchmarkDotNet.Attributes;
using Spartan.Kernels.Random;

namespace Spartan.Bench.Kernels;

/// <summary>One million uniform doubles from the counter-based generator, against System.Random.NextDouble
/// (sequential, not reproducible per index) and a plain fill as the memory floor.</summary>
public class PhiloxBench
{
    private readonly double[] _d = new double[1_000_000];
    private readonly System.Random _rng = new(4);

    [Benchmark]
    public void PhiloxUniform() => Philox.Uniform(42, 0, _d);

    [Benchmark(Baseline = true)]
    public void SystemRandomNextDouble()
    {
        for (int i = 0; i < _d.Length; i++)
        {
            _d[i] = _rng.NextDouble();
        }
    }
}
