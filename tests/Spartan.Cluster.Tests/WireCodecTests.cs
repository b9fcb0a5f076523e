using Spartan.Cluster.Wire;
using Spartan.Runtime;

namespace Spartan.Cluster.Tests;

/// <summary>The wire format: a closed set of tags, every kernel spec covered, hostile input rejected.</summary>
public sealed class WireCodecTests
{
    [Fact]
    public void EveryKernelSpecHasAWireEncoding()
    {
        Type[] all = typeof(KernelSpec).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(KernelSpec)) && !t.IsAbstract)
            .ToArray();
        Assert.All(all, t => Assert.True(WireCodec.KernelTypes.Contains(t), $"{t.FullName} has no encoding in WireCodec"));
    }

    [Fact]
    public void TasksRoundTrip()
    {
        var shape = new Shape(10, 7);
        var extent = new TileExtent([0, 0], [5, 7], shape);
        var id = new TileId(3, 1, 2, 9);
        var program = new FusedProgram([new Instr(OpCode.Load, DType.Float64, DType.Float64, 0), new Instr(OpCode.Const, DType.Float64, DType.Float64, -1, Value: 2.5), new Instr(OpCode.Multiply, DType.Float64, DType.Float64, 0, 1)]);
        var maps = new ViewMap?[] { ViewMap.Broadcast(shape, shape), null };
        var literal = NDArray.From(Enumerable.Range(0, 35).Select(i => i * 0.5).ToArray(), new Shape(5, 7));
        var capture = new CapturedObject(0x02000005, [new CapturedField("scale", 2.5), new CapturedField("offsets", new long[] { 1, 2 }), new CapturedField("label", "x"), new CapturedField("shape", shape), new CapturedField("tile", literal)]);
        KernelSpec[] kernels =
        [
            new FusedMapKernel(program, maps),
            new ReducePartialKernel(program, Reduction.Sum, 1, null),
            new LiteralKernel(literal),
            new UserKernelSpec(UserKernelKind.Map, Guid.NewGuid(), 0x06000001, capture, DType.Float64, "K.lambda"),
            new SortPartitionKernel([1, ulong.MaxValue], [4, 5], true),
            new ShuffleCombineKernel(ReduceOp.Add, true, [extent], [0]),
            new Spartan.Runtime.SparseRandomKernel(0xDEADBEEF12345678, 0.25),
            new Spartan.Runtime.SparseFillKernel(true),
            new Spartan.Runtime.SparseCooKernel([0, 3, 1], [6, 0, 2], [1.5, -2, 4]),
            new Spartan.Runtime.SparseScaleKernel(-0.5, Divide: true),
            new Spartan.Runtime.SparseToDenseKernel(),
            new Spartan.Runtime.SparseTimesDenseKernel(0.85, 1.5e-7),
            new Spartan.Runtime.DenseTimesSparseKernel(),
            new Spartan.Runtime.SparseReduceKernel(Spartan.Kernels.Sparse.CsrReduction.Max, 0),
            new Spartan.Runtime.SparseReduceKernel(Spartan.Kernels.Sparse.CsrReduction.Sum, null),
            new Spartan.Runtime.SparseCombineKernel(Spartan.Kernels.Sparse.CsrReduction.CountNonzero),
        ];
        foreach (KernelSpec k in kernels)
        {
            var task = new TileTask(k, [new TileInput(extent, DType.Float64, [new TilePiece(id, extent, extent)])], extent, [extent], [DType.Float64], [id]);
            TileTask back = WireCodec.DecodeTask(WireCodec.EncodeTask(task));
            Assert.Equal(WireCodec.EncodeTask(task), WireCodec.EncodeTask(back));
            Assert.Equal(k.GetType(), back.Kernel.GetType());
        }
    }

    [Fact]
    public void ArraysTravelAsRawBytes()
    {
        var a = NDArray.From(Enumerable.Range(0, 1000).Select(i => (double)i).ToArray(), new Shape(1000));
        byte[] wire = WireCodec.EncodeArray(a);
        Assert.True(wire.Length < 8000 + 64, $"1000 doubles took {wire.Length} bytes");
        Assert.Equal(a.ToArray<double>(), WireCodec.DecodeArray(wire).ToArray<double>());
    }

    [Fact]
    public void UnknownTagsAndTruncatedMessagesAreRejected()
    {
        var extent = TileExtent.Whole(new Shape(4));
        byte[] good = WireCodec.EncodeTask(new TileTask(new CopyKernel(), [], extent, [extent], [DType.Float64], [new TileId(1, 0, 0, 0)]));
        byte[] unknown = (byte[])good.Clone();
        unknown[4] = 250; // the kernel tag of the first task
        Assert.Contains("unknown kernel tag 250", Assert.Throws<InvalidDataException>(() => WireCodec.DecodeTask(unknown)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => WireCodec.DecodeTask(good[..^3]));
        Assert.Throws<InvalidDataException>(() => WireCodec.DecodeArray([4, 1, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    }

    [Fact]
    public void UnsupportedCapturesAreRefusedByTheEncoder()
    {
        var capture = new CapturedObject(1, [new CapturedField("list", new List<int>())]);
        var k = new UserKernelSpec(UserKernelKind.Map, Guid.NewGuid(), 1, capture, DType.Float64, "K.lambda");
        var extent = TileExtent.Whole(new Shape(4));
        SpartanException e = Assert.Throws<SpartanException>(() => WireCodec.EncodeTask(new TileTask(k, [], extent, [extent], [DType.Float64], [new TileId(1, 0, 0, 0)])));
        Assert.Contains("'list'", e.Message, StringComparison.Ordinal);
    }
}
