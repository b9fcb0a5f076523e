using System.Runtime.InteropServices;
using Spartan.Kernels.Sparse;
using Spartan.Runtime;

namespace Spartan.Cluster.Wire;

/// <summary>
/// The wire form of the sparse kernels (after <c>KernelTag.Sparse</c>): a sub-tag, then the spec's fields; COO triples
/// as raw little-endian blocks. CSR tiles themselves do not cross the wire yet: every sparse kernel runs on the
/// worker holding its CSR tile, so only dense inputs and outputs move. Reading a sparse tile from another process
/// (ToCoo, DistArray.Tiles, dense · sparse) fails with <see cref="NotSupportedException"/>.
/// </summary>
internal static class SparseWire
{
    private enum Tag : byte
    {
        Random = 1, Fill, Coo, Scale, ToDense, SparseTimesDense, DenseTimesSparse, Reduce, Combine,
    }

    /// <summary>The sparse kernel types this codec encodes.</summary>
    public static IReadOnlyCollection<Type> KernelTypes { get; } =
    [
        typeof(SparseRandomKernel), typeof(SparseFillKernel), typeof(SparseCooKernel), typeof(SparseScaleKernel),
        typeof(SparseToDenseKernel), typeof(SparseTimesDenseKernel), typeof(DenseTimesSparseKernel),
        typeof(SparseReduceKernel), typeof(SparseCombineKernel),
    ];

    public static void Write(WireWriter w, SparseKernelSpec k)
    {
        switch (k)
        {
            case SparseRandomKernel r:
                w.Byte((byte)Tag.Random);
                w.ULong(r.Key);
                w.Double(r.Density);
                break;
            case SparseFillKernel f:
                w.Byte((byte)Tag.Fill);
                w.Bool(f.Diagonal);
                break;
            case SparseCooKernel c:
                w.Byte((byte)Tag.Coo);
                w.Bytes(MemoryMarshal.AsBytes(c.Rows.AsSpan()));
                w.Bytes(MemoryMarshal.AsBytes(c.Cols.AsSpan()));
                w.Bytes(MemoryMarshal.AsBytes(c.Values.AsSpan()));
                break;
            case SparseScaleKernel s:
                w.Byte((byte)Tag.Scale);
                w.Double(s.Factor);
                w.Bool(s.Divide);
                break;
            case SparseToDenseKernel:
                w.Byte((byte)Tag.ToDense);
                break;
            case SparseTimesDenseKernel m:
                w.Byte((byte)Tag.SparseTimesDense);
                w.Double(m.Scale);
                w.Double(m.Bias);
                break;
            case DenseTimesSparseKernel:
                w.Byte((byte)Tag.DenseTimesSparse);
                break;
            case SparseReduceKernel r:
                w.Byte((byte)Tag.Reduce);
                w.Int((int)r.Op);
                w.Bool(r.Axis is not null);
                w.Int(r.Axis ?? 0);
                break;
            case SparseCombineKernel c:
                w.Byte((byte)Tag.Combine);
                w.Int((int)c.Op);
                break;
            default:
                throw new NotSupportedException($"sparse kernel {k.GetType().Name} has no cluster wire encoding (src/Spartan.Cluster/Wire/SparseWire.cs)");
        }
    }

    public static SparseKernelSpec Read(WireReader r)
    {
        byte tag = r.Byte();
        return (Tag)tag switch
        {
            Tag.Random => new SparseRandomKernel(r.ULong(), r.Double()),
            Tag.Fill => new SparseFillKernel(r.Bool()),
            Tag.Coo => ReadCoo(r),
            Tag.Scale => new SparseScaleKernel(r.Double(), r.Bool()),
            Tag.ToDense => new SparseToDenseKernel(),
            Tag.SparseTimesDense => new SparseTimesDenseKernel(r.Double(), r.Double()),
            Tag.DenseTimesSparse => new DenseTimesSparseKernel(),
            Tag.Reduce => ReadReduce(r),
            Tag.Combine => new SparseCombineKernel(r.Enum<CsrReduction>()),
            _ => throw new InvalidDataException($"unknown sparse kernel tag {tag} in a cluster message"),
        };
    }

    /// <summary>Refuses a CSR tile where a dense buffer would be sent (tile reads, tile-op results, updates).</summary>
    public static void ThrowIfSparse(NDArray a)
    {
        if (a.Csr is not null)
        {
            throw new NotSupportedException($"a sparse (CSR) tile of shape {a.Shape} cannot cross the cluster wire yet; sparse kernels run where their tiles live, so read the array as ToDense() (ToCoo, DistArray.Tiles and dense·sparse products need an embedded context)");
        }
    }

    private static SparseCooKernel ReadCoo(WireReader r)
    {
        int[] rows = MemoryMarshal.Cast<byte, int>(r.Bytes()).ToArray();
        int[] cols = MemoryMarshal.Cast<byte, int>(r.Bytes()).ToArray();
        double[] values = MemoryMarshal.Cast<byte, double>(r.Bytes()).ToArray();
        if (cols.Length != rows.Length || values.Length != rows.Length)
        {
            throw new InvalidDataException($"sparse COO kernel with {rows.Length} rows, {cols.Length} cols and {values.Length} values in a cluster message");
        }

        return new SparseCooKernel(rows, cols, values);
    }

    private static SparseReduceKernel ReadReduce(WireReader r)
    {
        CsrReduction op = r.Enum<CsrReduction>();
        bool hasAxis = r.Bool();
        int axis = r.Int();
        return new SparseReduceKernel(op, hasAxis ? axis : null);
    }
}
