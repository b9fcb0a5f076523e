using BenchmarkDotNet.Attributes;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Reductions;
using Spartan.Kernels.Sparse;
using Spartan.Kernels.Templates;
using Spartan.Kernels.Operators;

namespace Spartan.Bench.Kernels;

/// <summary>One SpMV row block of W6's shape (250,000 rows of ~10 entries over 1e6 columns, the values 1/outdeg):
/// stored values against one-byte value codes, and the cost of coding the values once.</summary>
[MemoryDiagnoser]
public class SpmvBench
{
    private const int Rows = 250_000, Width = 1_000_000, PerRow = 10;
    private int[] _rowPtr = [], _cols = [];
    private double[] _values = [], _x = [], _y = [], _table = [];
    private byte[] _codes = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new System.Random(6);
        _rowPtr = new int[Rows + 1];
        for (int i = 0; i < Rows; i++)
        {
            _rowPtr[i + 1] = _rowPtr[i] + rng.Next(2 * PerRow + 1);
        }

        int nnz = _rowPtr[Rows];
        _cols = new int[nnz];
        _values = new double[nnz];
        for (int i = 0; i < Rows; i++)
        {
            int[] row = Enumerable.Range(0, _rowPtr[i + 1] - _rowPtr[i]).Select(_ => rng.Next(Width)).Distinct().Order().ToArray();
            _rowPtr[i + 1] = _rowPtr[i] + row.Length;
            row.CopyTo(_cols, _rowPtr[i]);
            for (int k = _rowPtr[i]; k < _rowPtr[i + 1]; k++)
            {
                _values[k] = 1.0 / (1 + rng.Next(40));
            }
        }

        _x = Enumerable.Range(0, Width).Select(_ => rng.NextDouble()).ToArray();
        _y = new double[Rows];
        _codes = new byte[_rowPtr[Rows]];
        _table = ValueCodes.TryEncode(_values.AsSpan(0, _codes.Length), _codes) ?? throw new InvalidOperationException("40 values must code");
    }

    [Benchmark(Baseline = true)]
    public void StoredValues() => Csr.MultiplyVector(_rowPtr, _cols, _values, _x, _y, 0.85, 1e-7);

    [Benchmark]
    public void CodedValues() => Csr.MultiplyVector(_rowPtr, _cols, _codes, _table, _x, _y, 0.85, 1e-7);

    [Benchmark]
    public double[]? EncodeValues() => ValueCodes.TryEncode(_values.AsSpan(0, _codes.Length), _codes);
}

/// <summary>One block of W8's step-2 view plus one, summed: the interpreter's way (gather the evens into a block, add,
/// fold the block) against the compiled fold that keeps the values in registers. In L1, so it shows instructions,
/// not memory.</summary>
[MemoryDiagnoser]
public class StridedSumBench
{
    private const int N = 2048;
    private readonly double[] _row = Enumerable.Range(0, 2 * N).Select(i => i * 1e-3).ToArray();
    private readonly double[] _block = new double[N];

    [Benchmark(Baseline = true)]
    public double GatherThenFold()
    {
        Strided.Gather<double>(_row.AsSpan(0, (2 * N) - 1), 2, _block);
        System.Numerics.Tensors.TensorPrimitives.Add(_block, 1.0, _block);
        return Fold.Chunk<double, AddOperator<double>>(_block, 0);
    }

    [Benchmark]
    public double CompiledFold()
    {
        var binder = new LeafBinder([ExpressionLeaf.Load(0), ExpressionLeaf.Constant(1)], new Array?[] { _row }, new long[] { 0 });
        var e = Binary<double, AddOperator<double>, LoadEvens<double>, Constant<double>>.Bind(ref binder);
        return ExpressionFold.Chunk<double, AddOperator<double>, Binary<double, AddOperator<double>, LoadEvens<double>, Constant<double>>>(e, N, 0);
    }
}
