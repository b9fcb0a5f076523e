using System.Runtime.InteropServices;
using Spartan.IO;
using Spartan.Runtime;

namespace Spartan.Cluster.Wire;

/// <summary>
/// The hand-written wire format of the worker protocol. Every record that crosses the network is written field by
/// field after a type tag from a closed set; a reader meets only these tags and rejects anything else, so nothing
/// deserializes an arbitrary type from the network. Tile data is written as its raw little-endian bytes in one block.
/// </summary>
internal static class WireCodec
{
    /// <summary>Format version: a peer speaking another version is refused at attach. 2: region reads go over the
    /// data plane (the grain's DataEndpoint, the report's data plane fields).</summary>
    public const int Version = 2;

    private enum KernelTag : byte
    {
        Fill = 1, Arange, Eye, Random, FusedMap, ReducePartial, ReduceCombine, Copy, Literal, Reshape, CountNonzero,
        Select, Take, Assign, ScanTotal, Scan, Ravel, CastCopy, SortLines, SortSample, SortPartition, SortBucket,
        ShuffleCount, ShufflePack, ShuffleCombine, Outer, User, UserCombine, NpyRead, NpyWrite, StoreWrite, StoreRead,
        Stencil, MaxPool, Dot, RowDot, NearestSums, Sparse,
    }

    private enum ValueTag : byte
    {
        Null = 1, String, Bool, Byte, SByte, Int16, UInt16, Int32, UInt32, Int64, UInt64, Single, Double, Decimal, Char,
        DType, ReduceOp, ScanOp, Shape, TileExtent, NDArray, Array, Closure,
    }

    /// <summary>Every kernel spec type the format carries (a test checks that this covers every KernelSpec).</summary>
    public static IReadOnlyCollection<Type> KernelTypes { get; } =
    [
        typeof(FillKernel), typeof(ArangeKernel), typeof(EyeKernel), typeof(RandomKernel), typeof(FusedMapKernel),
        typeof(ReducePartialKernel), typeof(ReduceCombineKernel), typeof(CopyKernel), typeof(LiteralKernel),
        typeof(ReshapeKernel), typeof(CountNonzeroKernel), typeof(SelectKernel), typeof(TakeKernel), typeof(AssignKernel),
        typeof(ScanTotalKernel), typeof(ScanKernel), typeof(RavelKernel), typeof(CastCopyKernel), typeof(SortLinesKernel),
        typeof(SortSampleKernel), typeof(SortPartitionKernel), typeof(SortBucketKernel), typeof(ShuffleCountKernel),
        typeof(ShufflePackKernel), typeof(ShuffleCombineKernel), typeof(OuterKernel), typeof(UserKernelSpec),
        typeof(UserCombineKernel), typeof(NpyReadKernel), typeof(NpyWriteKernel), typeof(StoreWriteKernel), typeof(StoreReadKernel),
        typeof(StencilKernel), typeof(MaxPoolKernel), typeof(DotKernel), typeof(RowDotKernel), typeof(NearestSumsKernel),
        .. SparseWire.KernelTypes,
    ];

    // ---- messages ------------------------------------------------------------------------------------------

    public static byte[] EncodeBatch(IReadOnlyList<TileTask> batch)
    {
        var w = new WireWriter(EstimateBatch(batch));
        w.Int(batch.Count);
        foreach (TileTask t in batch)
        {
            Write(w, t);
        }

        return w.ToArray();
    }

    public static TileTask[] DecodeBatch(byte[] data)
    {
        var r = new WireReader(data);
        var batch = new TileTask[r.Count(8)];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = ReadTask(r);
        }

        r.End();
        return batch;
    }

    public static byte[] EncodeTask(TileTask task) => EncodeBatch([task]);

    public static TileTask DecodeTask(byte[] data)
    {
        TileTask[] b = DecodeBatch(data);
        return b.Length == 1 ? b[0] : throw new InvalidDataException($"expected one task, got {b.Length}");
    }

    public static byte[] EncodeResults(TileResult[] results)
    {
        var w = new WireWriter(8 + (results.Length * 40));
        w.Int(results.Length);
        foreach (TileResult res in results)
        {
            Write(w, res.Tile);
            w.Long(res.Bytes);
        }

        return w.ToArray();
    }

    public static TileResult[] DecodeResults(byte[] data)
    {
        var r = new WireReader(data);
        var results = new TileResult[r.Count(28)];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = new TileResult(ReadTileId(r), r.Long());
        }

        r.End();
        return results;
    }

    public static byte[] EncodeArray(NDArray a)
    {
        var w = new WireWriter(checked((int)Math.Min(int.MaxValue, 64 + a.Bytes + (8 * a.Shape.Rank))));
        Write(w, a);
        return w.ToArray();
    }

    public static NDArray DecodeArray(byte[] data)
    {
        var r = new WireReader(data);
        NDArray a = ReadArray(r);
        r.End();
        return a;
    }

    public static byte[] EncodeCreate(TileId id, StoredTile tile)
    {
        var w = new WireWriter(checked((int)Math.Min(int.MaxValue, 128 + tile.Data.Bytes + (24 * tile.Extent.Shape.Rank))));
        Write(w, id);
        Write(w, tile.Extent);
        Write(w, tile.Data);
        return w.ToArray();
    }

    public static (TileId Id, StoredTile Tile) DecodeCreate(byte[] data)
    {
        var r = new WireReader(data);
        TileId id = ReadTileId(r);
        var tile = new StoredTile(ReadExtent(r), ReadArray(r));
        r.End();
        return (id, tile);
    }

    public static byte[] EncodeIds(IReadOnlyList<TileId> ids)
    {
        var w = new WireWriter(8 + (ids.Count * 24));
        w.Int(ids.Count);
        foreach (TileId id in ids)
        {
            Write(w, id);
        }

        return w.ToArray();
    }

    public static TileId[] DecodeIds(byte[] data)
    {
        var r = new WireReader(data);
        var ids = new TileId[r.Count(20)];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = ReadTileId(r);
        }

        r.End();
        return ids;
    }

    public static byte[] EncodeRegionRequest(TileId id, TileExtent region)
    {
        var w = new WireWriter(64 + (24 * region.Shape.Rank));
        Write(w, id);
        Write(w, region);
        return w.ToArray();
    }

    public static (TileId Id, TileExtent Region) DecodeRegionRequest(byte[] data)
    {
        var r = new WireReader(data);
        (TileId, TileExtent) v = (ReadTileId(r), ReadExtent(r));
        r.End();
        return v;
    }

    public static byte[] EncodeUpdate(TileId id, TileExtent region, NDArray data, ReduceOp reducer)
    {
        var w = new WireWriter(checked((int)Math.Min(int.MaxValue, 128 + data.Bytes + (32 * region.Shape.Rank))));
        Write(w, id);
        Write(w, region);
        Write(w, data);
        w.Int((int)reducer);
        return w.ToArray();
    }

    public static (TileId Id, TileExtent Region, NDArray Data, ReduceOp Reducer) DecodeUpdate(byte[] data)
    {
        var r = new WireReader(data);
        (TileId, TileExtent, NDArray, ReduceOp) v = (ReadTileId(r), ReadExtent(r), ReadArray(r), r.Enum<ReduceOp>());
        r.End();
        return v;
    }

    // ---- records -------------------------------------------------------------------------------------------

    public static void Write(WireWriter w, TileId id)
    {
        w.Long(id.Array);
        w.Int(id.Index);
        w.Int(id.Worker);
        w.Int(id.Incarnation);
    }

    public static TileId ReadTileId(WireReader r) => new(r.Long(), r.Int(), r.Int(), r.Int());

    public static void Write(WireWriter w, Shape s) => w.Longs(s.ToArray());

    public static Shape ReadShape(WireReader r)
    {
        long[] dims = r.Longs();
        try
        {
            return new Shape(dims);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"bad shape in a cluster message: {e.Message}", e);
        }
    }

    public static void Write(WireWriter w, TileExtent e)
    {
        Write(w, e.ArrayShape);
        w.Longs(e.UlSpan);
        w.Longs(e.LrSpan);
    }

    public static TileExtent ReadExtent(WireReader r)
    {
        Shape shape = ReadShape(r);
        long[] ul = r.Longs(), lr = r.Longs();
        try
        {
            return new TileExtent(ul, lr, shape);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"bad extent in a cluster message: {e.Message}", e);
        }
    }

    private static TileExtent? ReadNullableExtent(WireReader r) => r.Bool() ? ReadExtent(r) : null;

    public static void Write(WireWriter w, NDArray a)
    {
        SparseWire.ThrowIfSparse(a);
        w.Byte((byte)a.DType);
        Write(w, a.Shape);
        // One block copy of the buffer: the data plane never walks elements.
        ReadOnlySpan<byte> bytes = a.AsBytes();
        w.Long(bytes.Length);
        w.RawBlock(bytes);
    }

    public static NDArray ReadArray(WireReader r)
    {
        byte t = r.Byte();
        if (t > (byte)DType.Float64)
        {
            throw new InvalidDataException($"unknown dtype {t} in a cluster message");
        }

        var dtype = (DType)t;
        Shape shape = ReadShape(r);
        long bytes = r.Long();
        if (shape.Size > Array.MaxLength || bytes != shape.Size * dtype.SizeOf() || bytes > r.Remaining)
        {
            throw new InvalidDataException($"array of {dtype.Name()}{shape} in a cluster message has {bytes} data bytes ({r.Remaining} left)");
        }

        NDArray a = NDArray.Uninitialized(shape, dtype);
        r.Raw(bytes).CopyTo(a.AsBytes());
        return a;
    }

    public static void Write(WireWriter w, TileTask t)
    {
        Write(w, t.Kernel);
        w.Int(t.Inputs.Length);
        foreach (TileInput input in t.Inputs)
        {
            Write(w, input.Region);
            w.Byte((byte)input.DType);
            w.Bool(input.Lazy);
            w.Int(input.Pieces.Length);
            foreach (TilePiece p in input.Pieces)
            {
                Write(w, p.Tile);
                Write(w, p.TileExtent);
                Write(w, p.Part);
            }
        }

        Write(w, t.Domain);
        w.Int(t.OutputExtents.Length);
        foreach (TileExtent e in t.OutputExtents)
        {
            Write(w, e);
        }

        w.Int(t.OutputTypes.Length);
        foreach (DType d in t.OutputTypes)
        {
            w.Byte((byte)d);
        }

        w.Int(t.Outputs.Length);
        foreach (TileId id in t.Outputs)
        {
            Write(w, id);
        }
    }

    public static TileTask ReadTask(WireReader r)
    {
        KernelSpec kernel = ReadKernel(r);
        var inputs = new TileInput[r.Count(8)];
        for (int i = 0; i < inputs.Length; i++)
        {
            TileExtent region = ReadExtent(r);
            DType dtype = ReadDType(r);
            bool lazy = r.Bool();
            var pieces = new TilePiece[r.Count(20)];
            for (int p = 0; p < pieces.Length; p++)
            {
                pieces[p] = new TilePiece(ReadTileId(r), ReadExtent(r), ReadExtent(r));
            }

            inputs[i] = new TileInput(region, dtype, pieces, lazy);
        }

        TileExtent domain = ReadExtent(r);
        var extents = new TileExtent[r.Count(4)];
        for (int i = 0; i < extents.Length; i++)
        {
            extents[i] = ReadExtent(r);
        }

        var types = new DType[r.Count()];
        for (int i = 0; i < types.Length; i++)
        {
            types[i] = ReadDType(r);
        }

        var outputs = new TileId[r.Count(20)];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = ReadTileId(r);
        }

        return new TileTask(kernel, inputs, domain, extents, types, outputs);
    }

    private static DType ReadDType(WireReader r)
    {
        byte t = r.Byte();
        return t <= (byte)DType.Float64 ? (DType)t : throw new InvalidDataException($"unknown dtype {t} in a cluster message");
    }

    public static void Write(WireWriter w, ViewMap m)
    {
        w.Int(m.Axes.Length);
        foreach (AxisMap a in m.Axes)
        {
            w.Int(a.OutAxis);
            w.Long(a.Start);
            w.Long(a.Step);
        }

        Write(w, m.OutShape);
    }

    public static ViewMap ReadViewMap(WireReader r)
    {
        var axes = new AxisMap[r.Count(20)];
        for (int i = 0; i < axes.Length; i++)
        {
            axes[i] = new AxisMap(r.Int(), r.Long(), r.Long());
        }

        return new ViewMap(axes, ReadShape(r));
    }

    private static void WriteMaps(WireWriter w, ViewMap?[]? maps)
    {
        w.Int(maps?.Length ?? -1);
        foreach (ViewMap? m in maps ?? [])
        {
            w.Bool(m is not null);
            if (m is not null)
            {
                Write(w, m);
            }
        }
    }

    private static ViewMap?[]? ReadMaps(WireReader r)
    {
        int n = r.Int();
        if (n == -1)
        {
            return null;
        }

        if (n < 0 || n > r.Remaining)
        {
            throw new InvalidDataException($"bad view map count {n} in a cluster message");
        }

        var maps = new ViewMap?[n];
        for (int i = 0; i < n; i++)
        {
            maps[i] = r.Bool() ? ReadViewMap(r) : null;
        }

        return maps;
    }

    public static void Write(WireWriter w, FusedProgram p)
    {
        w.Int(p.Instructions.Length);
        foreach (Instr i in p.Instructions)
        {
            w.Int((int)i.Op);
            w.Byte((byte)i.Type);
            w.Byte((byte)i.ResultType);
            w.Int(i.A);
            w.Int(i.B);
            w.Int(i.C);
            w.Double(i.Value);
            w.Long(i.IntValue);
        }
    }

    public static FusedProgram ReadProgram(WireReader r)
    {
        var code = new Instr[r.Count(34)];
        for (int i = 0; i < code.Length; i++)
        {
            OpCode op = r.Enum<OpCode>();
            DType type = ReadDType(r), result = ReadDType(r);
            int a = r.Int(), b = r.Int(), c = r.Int();
            // Operands must come before their uses (loads name inputs, which the runner checks against the task).
            if (op is not (OpCode.Load or OpCode.Const) && (a < 0 || a >= i || b >= i || c >= i))
            {
                throw new InvalidDataException($"instruction {i} ({op}) of a fused program reads a register that is not defined before it");
            }

            code[i] = new Instr(op, type, result, a, b, c, r.Double(), r.Long());
        }

        return code.Length > 0 ? new FusedProgram(code) : throw new InvalidDataException("empty fused program in a cluster message");
    }

    // ---- kernels -------------------------------------------------------------------------------------------

    public static void Write(WireWriter w, KernelSpec k)
    {
        switch (k)
        {
            case FillKernel f:
                w.Byte((byte)KernelTag.Fill);
                w.Double(f.Value);
                break;
            case ArangeKernel a:
                w.Byte((byte)KernelTag.Arange);
                w.Double(a.Start);
                w.Double(a.Step);
                w.Bool(a.Integer);
                break;
            case EyeKernel e:
                w.Byte((byte)KernelTag.Eye);
                w.Long(e.K);
                break;
            case RandomKernel rk:
                w.Byte((byte)KernelTag.Random);
                w.Int((int)rk.Distribution);
                w.ULong(rk.Key);
                w.Long(rk.Low);
                w.Long(rk.High);
                break;
            case FusedMapKernel m:
                w.Byte((byte)KernelTag.FusedMap);
                Write(w, m.Program);
                WriteMaps(w, m.Maps);
                break;
            case ReducePartialKernel p:
                w.Byte((byte)KernelTag.ReducePartial);
                w.Bool(p.Program is not null);
                if (p.Program is not null)
                {
                    Write(w, p.Program);
                }

                w.Int((int)p.Reduction);
                w.Bool(p.Axis.HasValue);
                w.Int(p.Axis ?? 0);
                WriteMaps(w, p.Maps);
                break;
            case ReduceCombineKernel c:
                w.Byte((byte)KernelTag.ReduceCombine);
                w.Int((int)c.Reduction);
                break;
            case CopyKernel:
                w.Byte((byte)KernelTag.Copy);
                break;
            case LiteralKernel l:
                w.Byte((byte)KernelTag.Literal);
                Write(w, l.Data);
                break;
            case ReshapeKernel:
                w.Byte((byte)KernelTag.Reshape);
                break;
            case CountNonzeroKernel:
                w.Byte((byte)KernelTag.CountNonzero);
                break;
            case SelectKernel:
                w.Byte((byte)KernelTag.Select);
                break;
            case TakeKernel:
                w.Byte((byte)KernelTag.Take);
                break;
            case AssignKernel a:
                w.Byte((byte)KernelTag.Assign);
                Write(w, a.Map);
                Write(w, a.Box);
                Write(w, a.ValueMap);
                break;
            case ScanTotalKernel s:
                w.Byte((byte)KernelTag.ScanTotal);
                w.Int((int)s.Op);
                w.Int(s.Axis);
                break;
            case ScanKernel s:
                w.Byte((byte)KernelTag.Scan);
                w.Int((int)s.Op);
                w.Int(s.Axis);
                break;
            case RavelKernel:
                w.Byte((byte)KernelTag.Ravel);
                break;
            case CastCopyKernel:
                w.Byte((byte)KernelTag.CastCopy);
                break;
            case SortLinesKernel s:
                w.Byte((byte)KernelTag.SortLines);
                w.Int(s.Axis);
                w.Bool(s.Arg);
                break;
            case SortSampleKernel s:
                w.Byte((byte)KernelTag.SortSample);
                w.Int(s.Count);
                break;
            case SortPartitionKernel s:
                w.Byte((byte)KernelTag.SortPartition);
                w.Longs(MemoryMarshal.Cast<ulong, long>(s.SplitterKeys));
                w.Longs(s.SplitterIds);
                w.Bool(s.WithIds);
                break;
            case SortBucketKernel s:
                w.Byte((byte)KernelTag.SortBucket);
                w.Int(s.Segments);
                w.Bool(s.Arg);
                break;
            case ShuffleCountKernel s:
                w.Byte((byte)KernelTag.ShuffleCount);
                WriteUser(w, s.Kernel);
                Write(w, s.OutputShape);
                w.Byte((byte)s.OutputType);
                break;
            case ShufflePackKernel s:
                w.Byte((byte)KernelTag.ShufflePack);
                WriteUser(w, s.Kernel);
                Write(w, s.OutputShape);
                w.Byte((byte)s.OutputType);
                break;
            case ShuffleCombineKernel s:
                w.Byte((byte)KernelTag.ShuffleCombine);
                w.Int((int)s.Op);
                w.Bool(s.HasTarget);
                w.Int(s.Pieces.Length);
                foreach (TileExtent e in s.Pieces)
                {
                    Write(w, e);
                }

                w.Longs(s.WindowStarts);
                break;
            case OuterKernel:
                w.Byte((byte)KernelTag.Outer);
                break;
            case UserKernelSpec u:
                w.Byte((byte)KernelTag.User);
                WriteUser(w, u);
                break;
            case UserCombineKernel c:
                w.Byte((byte)KernelTag.UserCombine);
                w.Int((int)c.Op);
                break;
            case NpyReadKernel n:
                w.Byte((byte)KernelTag.NpyRead);
                w.String(n.Path);
                w.NullableString(n.Member);
                w.Long(n.DataOffset);
                w.Byte((byte)n.DType);
                w.Bool(n.BigEndian);
                w.Bool(n.Fortran);
                w.Longs(n.FileShape);
                w.Long(n.ExpectedLength);
                break;
            case NpyWriteKernel n:
                w.Byte((byte)KernelTag.NpyWrite);
                w.String(n.Path);
                w.Long(n.DataOffset);
                w.Longs(n.FileShape);
                break;
            case StoreWriteKernel s:
                w.Byte((byte)KernelTag.StoreWrite);
                w.String(s.Path);
                w.Int(s.ChunkBytes);
                break;
            case StoreReadKernel s:
                w.Byte((byte)KernelTag.StoreRead);
                w.Int(s.Pieces.Length);
                foreach (StorePiece p in s.Pieces)
                {
                    w.String(p.Path);
                    w.Longs(p.Ul);
                    w.Longs(p.Lr);
                    w.Longs(MemoryMarshal.Cast<ulong, long>(p.Hashes));
                }

                w.Byte((byte)s.DType);
                w.Longs(s.RegionUl);
                w.Int(s.Dropped.Length);
                foreach (bool d in s.Dropped)
                {
                    w.Bool(d);
                }

                w.Int(s.ChunkBytes);
                break;
            case StencilKernel s:
                w.Byte((byte)KernelTag.Stencil);
                w.Int((int)s.Pad);
                w.Int(s.Stride);
                w.Int(s.PadTop);
                w.Int(s.PadLeft);
                w.Int(s.RowSegments);
                w.Int(s.ColSegments);
                break;
            case MaxPoolKernel p:
                w.Byte((byte)KernelTag.MaxPool);
                w.Int(p.PoolSize);
                w.Int(p.Stride);
                w.Int(p.RowSegments);
                w.Int(p.ColSegments);
                break;
            case DotKernel d:
                w.Byte((byte)KernelTag.Dot);
                w.Bool(d.TransA);
                w.Bool(d.TransB);
                w.Bool(d.VectorA);
                w.Bool(d.VectorB);
                w.Longs(d.Segments);
                w.Int(d.Threads);
                break;
            case RowDotKernel rd:
                w.Byte((byte)KernelTag.RowDot);
                Write(w, rd.Program);
                w.Int(rd.ZInput);
                WriteMaps(w, rd.Maps);
                break;
            case NearestSumsKernel:
                w.Byte((byte)KernelTag.NearestSums);
                break;
            case SparseKernelSpec sparse:
                w.Byte((byte)KernelTag.Sparse);
                SparseWire.Write(w, sparse);
                break;
            default:
                throw new NotSupportedException($"kernel {k.GetType().Name} has no cluster wire encoding (src/Spartan.Cluster/Wire/WireCodec.cs)");
        }
    }

    public static KernelSpec ReadKernel(WireReader r)
    {
        byte tag = r.Byte();
        // Progress tokens name driver-side progress entries; they mean nothing in a worker process, so they travel as 0.
        return (KernelTag)tag switch
        {
            KernelTag.Fill => new FillKernel(r.Double()),
            KernelTag.Arange => new ArangeKernel(r.Double(), r.Double(), r.Bool()),
            KernelTag.Eye => new EyeKernel(r.Long()),
            KernelTag.Random => new RandomKernel(r.Enum<RandomDistribution>(), r.ULong(), r.Long(), r.Long()),
            KernelTag.FusedMap => new FusedMapKernel(ReadProgram(r), ReadMaps(r)),
            KernelTag.ReducePartial => ReadReducePartial(r),
            KernelTag.ReduceCombine => new ReduceCombineKernel(r.Enum<Reduction>()),
            KernelTag.Copy => new CopyKernel(),
            KernelTag.Literal => new LiteralKernel(ReadArray(r)),
            KernelTag.Reshape => new ReshapeKernel(),
            KernelTag.CountNonzero => new CountNonzeroKernel(),
            KernelTag.Select => new SelectKernel(),
            KernelTag.Take => new TakeKernel(),
            KernelTag.Assign => new AssignKernel(ReadViewMap(r), ReadExtent(r), ReadViewMap(r)),
            KernelTag.ScanTotal => new ScanTotalKernel(r.Enum<ScanOp>(), r.Int()),
            KernelTag.Scan => new ScanKernel(r.Enum<ScanOp>(), r.Int()),
            KernelTag.Ravel => new RavelKernel(),
            KernelTag.CastCopy => new CastCopyKernel(),
            KernelTag.SortLines => new SortLinesKernel(r.Int(), r.Bool()),
            KernelTag.SortSample => new SortSampleKernel(r.Int()),
            KernelTag.SortPartition => new SortPartitionKernel(MemoryMarshal.Cast<long, ulong>(r.Longs()).ToArray(), r.Longs(), r.Bool()),
            KernelTag.SortBucket => new SortBucketKernel(r.Int(), r.Bool()),
            KernelTag.ShuffleCount => new ShuffleCountKernel(ReadUser(r), ReadShape(r), ReadDType(r)),
            KernelTag.ShufflePack => new ShufflePackKernel(ReadUser(r), ReadShape(r), ReadDType(r)),
            KernelTag.ShuffleCombine => ReadShuffleCombine(r),
            KernelTag.Outer => new OuterKernel(),
            KernelTag.User => ReadUser(r),
            KernelTag.UserCombine => new UserCombineKernel(r.Enum<ReduceOp>()),
            KernelTag.NpyRead => new NpyReadKernel(r.String(), r.NullableString(), r.Long(), ReadDType(r), r.Bool(), r.Bool(), r.Longs(), r.Long(), 0),
            KernelTag.NpyWrite => new NpyWriteKernel(r.String(), r.Long(), r.Longs(), 0),
            KernelTag.StoreWrite => new StoreWriteKernel(r.String(), r.Int(), 0),
            KernelTag.StoreRead => ReadStoreRead(r),
            KernelTag.Stencil => new StencilKernel(r.Enum<PadMode>(), r.Int(), r.Int(), r.Int(), r.Int(), r.Int()),
            KernelTag.MaxPool => new MaxPoolKernel(r.Int(), r.Int(), r.Int(), r.Int()),
            KernelTag.Dot => new DotKernel(r.Bool(), r.Bool(), r.Bool(), r.Bool(), r.Longs(), r.Int()),
            KernelTag.RowDot => new RowDotKernel(ReadProgram(r), r.Int(), ReadMaps(r) ?? throw new InvalidDataException("a row-block dot without maps in a cluster message")),
            KernelTag.NearestSums => new NearestSumsKernel(),
            KernelTag.Sparse => SparseWire.Read(r),
            _ => throw new InvalidDataException($"unknown kernel tag {tag} in a cluster message"),
        };
    }

    private static ReducePartialKernel ReadReducePartial(WireReader r)
    {
        FusedProgram? program = r.Bool() ? ReadProgram(r) : null;
        Reduction reduction = r.Enum<Reduction>();
        bool hasAxis = r.Bool();
        int axis = r.Int();
        return new ReducePartialKernel(program, reduction, hasAxis ? axis : null, ReadMaps(r));
    }

    private static ShuffleCombineKernel ReadShuffleCombine(WireReader r)
    {
        ReduceOp op = r.Enum<ReduceOp>();
        bool hasTarget = r.Bool();
        var pieces = new TileExtent[r.Count(12)];
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = ReadExtent(r);
        }

        return new ShuffleCombineKernel(op, hasTarget, pieces, r.Longs());
    }

    private static StoreReadKernel ReadStoreRead(WireReader r)
    {
        var pieces = new StorePiece[r.Count(16)];
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = new StorePiece(r.String(), r.Longs(), r.Longs(), MemoryMarshal.Cast<long, ulong>(r.Longs()).ToArray());
        }

        DType dtype = ReadDType(r);
        long[] regionUl = r.Longs();
        var dropped = new bool[r.Count()];
        for (int i = 0; i < dropped.Length; i++)
        {
            dropped[i] = r.Bool();
        }

        return new StoreReadKernel(pieces, dtype, regionUl, dropped, r.Int(), 0);
    }

    // ---- user kernels and their captured values ------------------------------------------------------------

    private static void WriteUser(WireWriter w, UserKernelSpec u)
    {
        w.Int((int)u.Kind);
        w.Guid(u.Module);
        w.Int(u.MethodToken);
        w.Bool(u.Target is not null);
        if (u.Target is not null)
        {
            WriteClosure(w, u.Target);
        }

        w.Byte((byte)u.OutputType);
        w.String(u.Name);
    }

    private static UserKernelSpec ReadUser(WireReader r)
    {
        UserKernelKind kind = r.Enum<UserKernelKind>();
        Guid module = r.Guid();
        int token = r.Int();
        CapturedObject? target = r.Bool() ? ReadClosure(r, 0) : null;
        return new UserKernelSpec(kind, module, token, target, ReadDType(r), r.String());
    }

    private static void WriteClosure(WireWriter w, CapturedObject o)
    {
        w.Int(o.TypeToken);
        w.Int(o.Fields.Length);
        foreach (CapturedField f in o.Fields)
        {
            w.String(f.Name);
            WriteValue(w, f.Value, f.Name);
        }
    }

    private static CapturedObject ReadClosure(WireReader r, int depth)
    {
        if (depth > 16)
        {
            throw new InvalidDataException("captured closures nest deeper than 16 in a cluster message");
        }

        int token = r.Int();
        var fields = new CapturedField[r.Count(5)];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = new CapturedField(r.String(), ReadValue(r, depth));
        }

        return new CapturedObject(token, fields);
    }

    private static void WriteValue(WireWriter w, object? v, string field)
    {
        switch (v)
        {
            case null: w.Byte((byte)ValueTag.Null); break;
            case string s: w.Byte((byte)ValueTag.String); w.String(s); break;
            case bool b: w.Byte((byte)ValueTag.Bool); w.Bool(b); break;
            case byte b: w.Byte((byte)ValueTag.Byte); w.Byte(b); break;
            case sbyte b: w.Byte((byte)ValueTag.SByte); w.Byte(unchecked((byte)b)); break;
            case short s: w.Byte((byte)ValueTag.Int16); w.Int(s); break;
            case ushort s: w.Byte((byte)ValueTag.UInt16); w.Int(s); break;
            case int i: w.Byte((byte)ValueTag.Int32); w.Int(i); break;
            case uint i: w.Byte((byte)ValueTag.UInt32); w.Long(i); break;
            case long l: w.Byte((byte)ValueTag.Int64); w.Long(l); break;
            case ulong l: w.Byte((byte)ValueTag.UInt64); w.ULong(l); break;
            case float f: w.Byte((byte)ValueTag.Single); w.Int(BitConverter.SingleToInt32Bits(f)); break;
            case double d: w.Byte((byte)ValueTag.Double); w.Double(d); break;
            case decimal m:
                w.Byte((byte)ValueTag.Decimal);
                foreach (int part in decimal.GetBits(m))
                {
                    w.Int(part);
                }

                break;
            case char c: w.Byte((byte)ValueTag.Char); w.Int(c); break;
            case DType d: w.Byte((byte)ValueTag.DType); w.Int((int)d); break;
            case ReduceOp o: w.Byte((byte)ValueTag.ReduceOp); w.Int((int)o); break;
            case ScanOp o: w.Byte((byte)ValueTag.ScanOp); w.Int((int)o); break;
            case Shape s: w.Byte((byte)ValueTag.Shape); Write(w, s); break;
            case TileExtent e: w.Byte((byte)ValueTag.TileExtent); Write(w, e); break;
            case NDArray a: w.Byte((byte)ValueTag.NDArray); Write(w, a); break;
            case CapturedObject o: w.Byte((byte)ValueTag.Closure); WriteClosure(w, o); break;
            case Array a when a.Rank == 1 && ElementTag(a.GetType().GetElementType()!) is { } elem:
                w.Byte((byte)ValueTag.Array);
                w.Byte((byte)elem);
                w.Int(a.Length);
                if (elem is ValueTag.String or ValueTag.Decimal)
                {
                    foreach (object? item in a)
                    {
                        WriteValue(w, item, field);
                    }
                }
                else
                {
                    // Primitive arrays go as one block of their little-endian bytes.
                    w.RawBlock(MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(a), checked(a.Length * Buffer.ByteLength(Array.CreateInstance(a.GetType().GetElementType()!, 1)))));
                }

                break;
            default:
                throw new SpartanException($"captured field '{field}' of type {v.GetType().FullName} cannot be sent to workers; kernels may only capture primitives, strings, arrays of them, NDArray, Shape and TileExtent");
        }
    }

    private static ValueTag? ElementTag(Type t) =>
        t == typeof(string) ? ValueTag.String : t == typeof(bool) ? ValueTag.Bool : t == typeof(byte) ? ValueTag.Byte :
        t == typeof(sbyte) ? ValueTag.SByte : t == typeof(short) ? ValueTag.Int16 : t == typeof(ushort) ? ValueTag.UInt16 :
        t == typeof(int) ? ValueTag.Int32 : t == typeof(uint) ? ValueTag.UInt32 : t == typeof(long) ? ValueTag.Int64 :
        t == typeof(ulong) ? ValueTag.UInt64 : t == typeof(float) ? ValueTag.Single : t == typeof(double) ? ValueTag.Double :
        t == typeof(decimal) ? ValueTag.Decimal : t == typeof(char) ? ValueTag.Char : null;

    private static Type ElementType(ValueTag t) => t switch
    {
        ValueTag.String => typeof(string), ValueTag.Bool => typeof(bool), ValueTag.Byte => typeof(byte),
        ValueTag.SByte => typeof(sbyte), ValueTag.Int16 => typeof(short), ValueTag.UInt16 => typeof(ushort),
        ValueTag.Int32 => typeof(int), ValueTag.UInt32 => typeof(uint), ValueTag.Int64 => typeof(long),
        ValueTag.UInt64 => typeof(ulong), ValueTag.Single => typeof(float), ValueTag.Double => typeof(double),
        ValueTag.Decimal => typeof(decimal), ValueTag.Char => typeof(char),
        _ => throw new InvalidDataException($"captured arrays of tag {t} are not supported"),
    };

    private static object? ReadValue(WireReader r, int depth)
    {
        byte tag = r.Byte();
        return (ValueTag)tag switch
        {
            ValueTag.Null => null,
            ValueTag.String => r.String(),
            ValueTag.Bool => r.Bool(),
            ValueTag.Byte => r.Byte(),
            ValueTag.SByte => unchecked((sbyte)r.Byte()),
            ValueTag.Int16 => checked((short)r.Int()),
            ValueTag.UInt16 => checked((ushort)r.Int()),
            ValueTag.Int32 => r.Int(),
            ValueTag.UInt32 => checked((uint)r.Long()),
            ValueTag.Int64 => r.Long(),
            ValueTag.UInt64 => r.ULong(),
            ValueTag.Single => BitConverter.Int32BitsToSingle(r.Int()),
            ValueTag.Double => r.Double(),
            ValueTag.Decimal => new decimal([r.Int(), r.Int(), r.Int(), r.Int()]),
            ValueTag.Char => checked((char)r.Int()),
            ValueTag.DType => r.Enum<DType>(),
            ValueTag.ReduceOp => r.Enum<ReduceOp>(),
            ValueTag.ScanOp => r.Enum<ScanOp>(),
            ValueTag.Shape => ReadShape(r),
            ValueTag.TileExtent => ReadExtent(r),
            ValueTag.NDArray => ReadArray(r),
            ValueTag.Closure => ReadClosure(r, depth + 1),
            ValueTag.Array => ReadValueArray(r, depth),
            _ => throw new InvalidDataException($"unknown captured value tag {tag} in a cluster message"),
        };
    }

    private static Array ReadValueArray(WireReader r, int depth)
    {
        var elem = (ValueTag)r.Byte();
        Type type = ElementType(elem);
        int n = r.Count();
        Array a = Array.CreateInstance(type, n);
        if (elem is not (ValueTag.String or ValueTag.Decimal))
        {
            int size = Buffer.ByteLength(Array.CreateInstance(type, 1));
            r.Raw((long)n * size).CopyTo(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(a), n * size));
            if (elem == ValueTag.Bool && MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(a), n).IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            {
                throw new InvalidDataException("captured bool array holds a value other than 0 or 1");
            }

            return a;
        }

        for (int i = 0; i < a.Length; i++)
        {
            object? v = ReadValue(r, depth);
            if (v is not null && v.GetType() != type)
            {
                throw new InvalidDataException($"captured array of {type.Name} holds a {v.GetType().Name}");
            }

            a.SetValue(v, i);
        }

        return a;
    }

    private static int EstimateBatch(IReadOnlyList<TileTask> batch)
    {
        long bytes = 64;
        foreach (TileTask t in batch)
        {
            bytes += 256 + (t.Inputs.Length * 160);
            if (t.Kernel is LiteralKernel l)
            {
                bytes += l.Data.Bytes;
            }
        }

        return (int)Math.Min(bytes, Array.MaxLength);
    }
}
