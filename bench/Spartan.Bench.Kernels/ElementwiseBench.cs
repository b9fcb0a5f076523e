using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;

namespace Spartan.Bench.Kernels;

/// <summary>d = x + y for doubles: our shared loop against TensorPrimitives.Add. 1K fits in L1, 64K in L2,
/// 8M (three 64 MiB arrays) streams from memory, where the bound is bytes moved / bandwidth.</summary>
[MemoryDiagnoser]
public class BinaryAddBench
{
    private double[] _x = [], _y = [], _d = [];

    [Params(1_000, 65_536, 8_388_608)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new System.Random(1);
        _x = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _y = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _d = new double[N];
    }

    [Benchmark(Baseline = true)]
    public void TensorPrimitivesAdd() => TensorPrimitives.Add(_x, _y, _d);

    [Benchmark]
    public void ElementwiseBinaryAdd() => Elementwise.Binary<double, AddOperator<double>>(_x, _y, _d);
}

/// <summary>Loops that had scalar stores or scalar bodies: Compare (0/1 bytes), Where, Convert, Sign.</summary>
[MemoryDiagnoser]
public class OtherLoopsBench
{
    private double[] _x = [], _y = [], _d = [];
    private float[] _f = [];
    private long[] _l = [];
    private byte[] _c = [];

    [Params(65_536)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new System.Random(2);
        _x = Enumerable.Range(0, N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _y = Enumerable.Range(0, N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _d = new double[N];
        _f = new float[N];
        _l = new long[N];
        _c = new byte[N];
        Elementwise.Compare<double, LessThanOperator<double>>(_x, _y, _c);
    }

    [Benchmark]
    public void CompareLessThan() => Elementwise.Compare<double, LessThanOperator<double>>(_x, _y, _c);

    [Benchmark]
    public void Where() => Elementwise.Where<double>(_c, _x, _y, _d);

    [Benchmark]
    public void ConvertDoubleToFloat() => Elementwise.Convert<double, float>(_x, _f);

    [Benchmark]
    public void ConvertDoubleToLong() => Elementwise.Convert<double, long>(_x, _l);

    [Benchmark]
    public void ToBool() => Elementwise.ToBool<double>(_x, _c);

    [Benchmark]
    public void Sign() => Elementwise.Unary<double, SignOperator<double>>(_x, _d);
}
