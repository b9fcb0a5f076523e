using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Reductions;

namespace Spartan.Runtime;

/// <summary>
/// Runs a <see cref="FusedProgram"/> over a domain (a tile), one block of at most <see cref="BlockLength"/>
/// elements of the last axis at a time. Loads of contiguous inputs alias the input buffer; broadcast loads fill
/// a block; every other register is a block-sized scratch buffer, reused once its value is dead. No temporary
/// the size of the tile is ever made.
/// </summary>
internal sealed class ProgramRunner : IDisposable
{
    public const int BlockLength = Fold.ChunkLength;

    /// <summary>The longest row that is repeated across a block rather than walked in short segments.</summary>
    private const int MaxPeriod = 256;

    private readonly Instr[] _code;
    private readonly NDArray[] _inputs;
    private readonly long[][] _strides;
    private readonly long[] _bases;
    private readonly int[] _periods;
    private readonly bool _streamOutput;
    private readonly Array?[] _scratch;
    private readonly Array?[] _viewBuf;
    private readonly int[] _viewOff;
    private readonly bool[] _isConst;
    private readonly List<Array> _owned = [];

    /// <summary>Prepares to run <paramref name="program"/> over <paramref name="domain"/>. Input k is addressed through
    /// <paramref name="layouts"/>[k]: the offset of the domain's first element in its buffer and its stride per domain
    /// axis (0 where it broadcasts; any value for views). Axis <paramref name="keepAxis"/> (when not -1) is never merged
    /// with its neighbours, so a reduction can walk it. With <paramref name="reorder"/>, the axes may be walked in any
    /// order (an order-free reduction): the smallest stride goes innermost.</summary>
    public ProgramRunner(FusedProgram program, NDArray[] inputs, (long Base, long[] Strides)[] layouts, Shape domain, int keepAxis = -1, bool reorder = false, bool streamOutput = false)
    {
        _streamOutput = streamOutput && Streaming.IsSupported;
        _code = program.Instructions;
        _inputs = inputs;
        _bases = new long[layouts.Length];
        var strides = new long[layouts.Length][];
        for (int k = 0; k < layouts.Length; k++)
        {
            (_bases[k], strides[k]) = layouts[k];
        }

        (Dims, _strides, KeepAxis, _periods) = Coalesce(domain, strides, keepAxis, reorder ? Reference(inputs) : -1);
        long last = Dims[^1];
        int block = (int)Math.Min(BlockLength, Math.Max(1, last));
        int period = _periods.Length == 0 ? 0 : _periods.Max();
        if (period > 0)
        {
            // Blocks start on row boundaries of a periodic input, so its block is always the same repeated row.
            block = Math.Max(period, block / period * period);
        }

        BlockCapacity = block;

        int n = _code.Length;
        _scratch = new Array?[n];
        _viewBuf = new Array?[n];
        _viewOff = new int[n];
        _isConst = new bool[n];

        // Linear-scan allocation of block buffers: a register's buffer returns to the free list after its last use.
        var lastUse = new int[n];
        for (int i = 0; i < n; i++)
        {
            lastUse[i] = i;
            Instr ins = _code[i];
            if (ins.Op is not (OpCode.Load or OpCode.Const))
            {
                foreach (int r in (ReadOnlySpan<int>)[ins.A, ins.B, ins.C])
                {
                    if (r >= 0)
                    {
                        lastUse[r] = i;
                    }
                }
            }
        }

        lastUse[n - 1] = n;
        var free = new List<Array>?[5];
        var dying = new List<int>[n + 1];
        for (int i = 0; i < n; i++)
        {
            Instr ins = _code[i];
            if (ins.Op == OpCode.Const)
            {
                Array c = Own(ins.ResultType, block);
                FillConst(c, ins, block);
                _scratch[i] = c;
                _viewBuf[i] = c;
                _isConst[i] = true;
                continue;
            }

            List<Array>? same = free[(int)ins.ResultType];
            Array buf;
            if (same is { Count: > 0 })
            {
                buf = same[^1];
                same.RemoveAt(same.Count - 1);
            }
            else
            {
                buf = Own(ins.ResultType, block);
            }

            _scratch[i] = buf;
            (dying[lastUse[i]] ??= []).Add(i);
            if (dying[i] is { } dead)
            {
                foreach (int r in dead)
                {
                    if (r != i)
                    {
                        (free[(int)_code[r].ResultType] ??= []).Add(_scratch[r]!);
                    }
                }
            }
        }
    }

    /// <summary>The coalesced domain extents; the last is walked in blocks.</summary>
    public long[] Dims { get; }

    /// <summary>The kept axis in <see cref="Dims"/>, or -1.</summary>
    public int KeepAxis { get; }

    /// <summary>The largest block a segment may have.</summary>
    public int BlockCapacity { get; }

    public DType ResultType => _code[^1].ResultType;

    /// <summary>The inputs, as given.</summary>
    public NDArray[] Inputs => _inputs;

    /// <summary>Each input's step along the walked (last) axis, or null when an input repeats a short row across
    /// blocks (those blocks are assembled, not walked).</summary>
    public long[]? WalkSteps()
    {
        var steps = new long[_strides.Length];
        for (int k = 0; k < steps.Length; k++)
        {
            if (_periods[k] > 0)
            {
                return null;
            }

            steps[k] = _strides[k][Dims.Length - 1];
        }

        return steps;
    }

    /// <summary>Where each input's element j0 of the segment at <paramref name="outer"/> lies in its buffer (what
    /// <see cref="EvalSegment"/> reads from).</summary>
    public void SegmentOffsets(ReadOnlySpan<long> outer, long j0, Span<long> offsets)
    {
        for (int k = 0; k < offsets.Length; k++)
        {
            offsets[k] = RowOffset(k, outer) + (j0 * _strides[k][Dims.Length - 1]);
        }
    }

    /// <summary>Where input k's element 0 of the walked axis at <paramref name="outer"/> lies in its buffer.</summary>
    private long RowOffset(int k, ReadOnlySpan<long> outer)
    {
        long[] s = _strides[k];
        long off = _bases[k];
        for (int a = 0; a < Dims.Length - 1; a++)
        {
            off += outer[a] * s[a];
        }

        return off;
    }

    /// <summary>Evaluates the program for elements [j0, j0+len) of the last axis at position <paramref name="outer"/>
    /// of the other axes. When <paramref name="dest"/> is given the result is written there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EvalSegment(ReadOnlySpan<long> outer, long j0, int len, Array? dest = null, int destOffset = 0)
    {
        int lastAxis = Dims.Length - 1;
        for (int i = 0; i < _code.Length; i++)
        {
            Instr ins = _code[i];
            bool toDest = dest is not null && i == _code.Length - 1;
            switch (ins.Op)
            {
                case OpCode.Const:
                    if (toDest)
                    {
                        Array.Copy(_scratch[i]!, 0, dest!, destOffset, len);
                    }

                    continue;
                case OpCode.Load:
                {
                    long[] s = _strides[ins.A];
                    long off = RowOffset(ins.A, outer);

                    NDArray input = _inputs[ins.A];
                    long step = s[lastAxis];
                    if (_periods[ins.A] is int p and > 0)
                    {
                        // A short row broadcast down the merged axes: repeat it across the block.
                        Array target = toDest ? dest! : _scratch[i]!;
                        int to = toDest ? destOffset : 0;
                        for (int c = 0; c < len; c += p)
                        {
                            Array.Copy(input.Buffer, off, target, to + c, Math.Min(p, len - c));
                        }

                        _viewBuf[i] = target;
                        _viewOff[i] = to;
                    }
                    else if (step == 1 || len == 1)
                    {
                        off += j0 * s[lastAxis];
                        if (toDest)
                        {
                            Array.Copy(input.Buffer, off, dest!, destOffset, len);
                        }
                        else
                        {
                            _viewBuf[i] = input.Buffer;
                            _viewOff[i] = (int)off;
                        }
                    }
                    else
                    {
                        Array target = toDest ? dest! : _scratch[i]!;
                        int to = toDest ? destOffset : 0;
                        off += j0 * step;
                        if (step == 0)
                        {
                            FillFrom(input.Buffer, (int)off, target, to, len);
                        }
                        else
                        {
                            Gather(input.Buffer, off, step, target, to, len);
                        }

                        _viewBuf[i] = target;
                        _viewOff[i] = to;
                    }

                    continue;
                }
            }

            // A large output is computed into the block and streamed to memory without reading its lines first.
            bool stream = toDest && _streamOutput;
            _viewBuf[i] = toDest && !stream ? dest : _scratch[i];
            _viewOff[i] = toDest && !stream ? destOffset : 0;
            Exec(ins, i, len);
            if (stream)
            {
                StreamTo(_scratch[i]!, dest!, destOffset, len);
            }
        }
    }

    /// <summary>The result of the last <see cref="EvalSegment"/>, as a span of the result type (bool as byte).</summary>
    public Span<T> Result<T>(int len) where T : unmanaged => Reg<T>(_code.Length - 1, len);

    public void Dispose()
    {
        foreach (Array a in _owned)
        {
            ScratchArena.Return(a);
        }

        _owned.Clear();
    }

    private Array Own(DType t, int length)
    {
        Array a = ScratchArena.Rent(t, length);
        _owned.Add(a);
        return a;
    }

    private static void FillConst(Array c, Instr ins, int n)
    {
        switch (ins.ResultType)
        {
            case DType.Bool: ((bool[])c).AsSpan(0, n).Fill(ins.Value != 0); break;
            case DType.Int32: ((int[])c).AsSpan(0, n).Fill((int)ins.IntValue); break;
            case DType.Int64: ((long[])c).AsSpan(0, n).Fill(ins.IntValue); break;
            case DType.Float32: ((float[])c).AsSpan(0, n).Fill((float)ins.Value); break;
            default: ((double[])c).AsSpan(0, n).Fill(ins.Value); break;
        }
    }

    private static void FillFrom(Array src, int srcOffset, Array dst, int dstOffset, int n)
    {
        switch (src)
        {
            case bool[] b: ((bool[])dst).AsSpan(dstOffset, n).Fill(b[srcOffset]); break;
            case int[] i: ((int[])dst).AsSpan(dstOffset, n).Fill(i[srcOffset]); break;
            case long[] l: ((long[])dst).AsSpan(dstOffset, n).Fill(l[srcOffset]); break;
            case float[] f: ((float[])dst).AsSpan(dstOffset, n).Fill(f[srcOffset]); break;
            default: ((double[])dst).AsSpan(dstOffset, n).Fill(((double[])src)[srcOffset]); break;
        }
    }

    private static void StreamTo(Array block, Array dest, int offset, int len)
    {
        switch (block)
        {
            case double[] d: Streaming.Copy<double>(d.AsSpan(0, len), ((double[])dest).AsSpan(offset, len)); break;
            case float[] f: Streaming.Copy<float>(f.AsSpan(0, len), ((float[])dest).AsSpan(offset, len)); break;
            case long[] l: Streaming.Copy<long>(l.AsSpan(0, len), ((long[])dest).AsSpan(offset, len)); break;
            case int[] i: Streaming.Copy<int>(i.AsSpan(0, len), ((int[])dest).AsSpan(offset, len)); break;
            default: Streaming.Copy<byte>(MemoryMarshal.AsBytes(((bool[])block).AsSpan(0, len)), MemoryMarshal.AsBytes(((bool[])dest).AsSpan(offset, len))); break;
        }
    }

    // A strided (view) load: transposed, stepped or reversed inputs.
    private static void Gather(Array src, long offset, long step, Array dst, int dstOffset, int n)
    {
        switch (src)
        {
            case double[] d: GatherOf(d, offset, step, (double[])dst, dstOffset, n); break;
            case float[] f: GatherOf(f, offset, step, (float[])dst, dstOffset, n); break;
            case long[] l: GatherOf(l, offset, step, (long[])dst, dstOffset, n); break;
            case int[] i: GatherOf(i, offset, step, (int[])dst, dstOffset, n); break;
            default: GatherOf((bool[])src, offset, step, (bool[])dst, dstOffset, n); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherOf<T>(T[] src, long offset, long step, T[] dst, int dstOffset, int n)
        where T : unmanaged
    {
        if (step > 0 && n > 0)
        {
            // Forward steps: the vectorized kernel (step 2 picks evens with shuffles).
            Strided.Gather<T>(src.AsSpan((int)offset, (int)(((n - 1) * step) + 1)), step, dst.AsSpan(dstOffset, n));
            return;
        }

        ref T s = ref MemoryMarshal.GetArrayDataReference(src);
        Span<T> d = dst.AsSpan(dstOffset, n);
        for (int k = 0; k < d.Length; k++)
        {
            d[k] = Unsafe.Add(ref s, (nint)(offset + k * step));
        }
    }

    // The input walked most: the largest buffer.
    private static int Reference(NDArray[] inputs)
    {
        int best = -1;
        long size = -1;
        for (int k = 0; k < inputs.Length; k++)
        {
            if (inputs[k].Size > size)
            {
                size = inputs[k].Size;
                best = k;
            }
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<T> Reg<T>(int r, int len) where T : unmanaged
    {
        Array buf = _viewBuf[r]!;
        int off = _viewOff[r];
        if (typeof(T) == typeof(byte))
        {
            return MemoryMarshal.Cast<bool, T>(Unsafe.As<bool[]>(buf).AsSpan(off, len));
        }

        return Unsafe.As<T[]>(buf).AsSpan(off, len);
    }

    private void Exec(Instr ins, int i, int len)
    {
        if (ins.Op == OpCode.Cast)
        {
            ExecCast(ins, i, len);
            return;
        }

        switch (ins.Type)
        {
            case DType.Float64: ExecFloat<double>(ins, i, len); break;
            case DType.Float32: ExecFloat<float>(ins, i, len); break;
            case DType.Int64: ExecInteger<long>(ins, i, len); break;
            case DType.Int32: ExecInteger<int>(ins, i, len); break;
            default: ExecInteger<byte>(ins, i, len); break;
        }
    }

    private void ExecFloat<T>(Instr ins, int i, int len) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (ins.Op)
        {
            case OpCode.Divide: Bin<T, DivideOperator<T>>(ins, i, len); return;
            case OpCode.Floor: Elementwise.Unary<T, FloorOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Ceil: Elementwise.Unary<T, CeilingOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Exp: TensorPrimitives.Exp<T>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Log: TensorPrimitives.Log<T>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Sqrt: TensorPrimitives.Sqrt<T>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Sin: TensorPrimitives.Sin<T>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Cos: TensorPrimitives.Cos<T>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Tanh: Elementwise.Unary<T, TanhOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.NormCdf: Elementwise.Unary<T, NormCdfOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            default: ExecNumber<T>(ins, i, len); return;
        }
    }

    private void ExecInteger<T>(Instr ins, int i, int len) where T : unmanaged, IBinaryInteger<T>
    {
        switch (ins.Op)
        {
            case OpCode.And: Bin<T, AndOperator<T>>(ins, i, len); return;
            case OpCode.Or: Bin<T, OrOperator<T>>(ins, i, len); return;
            case OpCode.Xor: Bin<T, XorOperator<T>>(ins, i, len); return;
            case OpCode.Not when typeof(T) == typeof(byte):
                Elementwise.Unary<byte, LogicalNotOperator>(Reg<byte>(ins.A, len), Reg<byte>(i, len));
                return;
            case OpCode.Not: Elementwise.Unary<T, OnesComplementOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            default: ExecNumber<T>(ins, i, len); return;
        }
    }

    private void ExecNumber<T>(Instr ins, int i, int len) where T : unmanaged, INumber<T>
    {
        switch (ins.Op)
        {
            case OpCode.Add: Bin<T, AddOperator<T>>(ins, i, len); return;
            case OpCode.Subtract: Bin<T, SubtractOperator<T>>(ins, i, len); return;
            case OpCode.Multiply: Bin<T, MultiplyOperator<T>>(ins, i, len); return;
            case OpCode.Mod: Bin<T, FloorModOperator<T>>(ins, i, len); return;
            case OpCode.Power: Bin<T, PowerOperator<T>>(ins, i, len); return;
            case OpCode.Maximum: Bin<T, MaximumOperator<T>>(ins, i, len); return;
            case OpCode.Minimum: Bin<T, MinimumOperator<T>>(ins, i, len); return;
            case OpCode.Less: Cmp<T, LessThanOperator<T>>(ins, i, len); return;
            case OpCode.LessEqual: Cmp<T, LessThanOrEqualOperator<T>>(ins, i, len); return;
            case OpCode.Greater: Cmp<T, GreaterThanOperator<T>>(ins, i, len); return;
            case OpCode.GreaterEqual: Cmp<T, GreaterThanOrEqualOperator<T>>(ins, i, len); return;
            case OpCode.Equal: Cmp<T, EqualOperator<T>>(ins, i, len); return;
            case OpCode.NotEqual: Cmp<T, NotEqualOperator<T>>(ins, i, len); return;
            case OpCode.IsNan: Elementwise.Compare<T, IsNaNOperator<T>>(Reg<T>(ins.A, len), Reg<T>(ins.A, len), Reg<byte>(i, len)); return;
            case OpCode.Negate: Elementwise.Unary<T, NegateOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Abs: Elementwise.Unary<T, AbsOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Square: Elementwise.Unary<T, SquareOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Sign: Elementwise.Unary<T, SignOperator<T>>(Reg<T>(ins.A, len), Reg<T>(i, len)); return;
            case OpCode.Where: Elementwise.Where<T>(Reg<byte>(ins.A, len), Reg<T>(ins.B, len), Reg<T>(ins.C, len), Reg<T>(i, len)); return;
            default: throw new InvalidOperationException($"operation {ins.Op} is not defined for {ins.Type.Name()}");
        }
    }

    private void Bin<T, TOp>(Instr ins, int i, int len)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        if (_isConst[ins.B])
        {
            Elementwise.BinaryScalar<T, TOp>(Reg<T>(ins.A, len), Reg<T>(ins.B, 1)[0], Reg<T>(i, len));
        }
        else if (_isConst[ins.A])
        {
            Elementwise.ScalarBinary<T, TOp>(Reg<T>(ins.A, 1)[0], Reg<T>(ins.B, len), Reg<T>(i, len));
        }
        else
        {
            Elementwise.Binary<T, TOp>(Reg<T>(ins.A, len), Reg<T>(ins.B, len), Reg<T>(i, len));
        }
    }

    private void Cmp<T, TOp>(Instr ins, int i, int len)
        where T : unmanaged
        where TOp : ICompareOperator<T> =>
        Elementwise.Compare<T, TOp>(Reg<T>(ins.A, len), Reg<T>(ins.B, len), Reg<byte>(i, len));

    private void ExecCast(Instr ins, int i, int len)
    {
        DType from = _code[ins.A].ResultType;
        switch (from)
        {
            case DType.Float64: CastFrom<double>(ins, i, len); break;
            case DType.Float32: CastFrom<float>(ins, i, len); break;
            case DType.Int64: CastFrom<long>(ins, i, len); break;
            case DType.Int32: CastFrom<int>(ins, i, len); break;
            default: CastFrom<byte>(ins, i, len); break;
        }
    }

    private void CastFrom<TFrom>(Instr ins, int i, int len) where TFrom : unmanaged, INumberBase<TFrom>
    {
        ReadOnlySpan<TFrom> x = Reg<TFrom>(ins.A, len);
        switch (ins.ResultType)
        {
            case DType.Float64: Elementwise.Convert<TFrom, double>(x, Reg<double>(i, len)); break;
            case DType.Float32: Elementwise.Convert<TFrom, float>(x, Reg<float>(i, len)); break;
            case DType.Int64: Elementwise.Convert<TFrom, long>(x, Reg<long>(i, len)); break;
            case DType.Int32: Elementwise.Convert<TFrom, int>(x, Reg<int>(i, len)); break;
            default: Elementwise.ToBool<TFrom>(x, Reg<byte>(i, len)); break;
        }
    }

    /// <summary>Removes unit axes and merges neighbours that every input walks contiguously (or broadcasts
    /// across), except across <paramref name="keepAxis"/>. With a <paramref name="reference"/> input, first orders the
    /// axes by that input's stride, largest outermost. Returns the merged extents and per-input strides.</summary>
    private static (long[] Dims, long[][] Strides, int KeepAxis, int[] Periods) Coalesce(Shape domain, long[][] inputStrides, int keepAxis, int reference)
    {
        int r = domain.Rank;
        var order = Enumerable.Range(0, r).ToList();
        if (reference >= 0 && keepAxis < 0)
        {
            long[] rs = inputStrides[reference];
            order = order.OrderByDescending(a => Math.Abs(rs[a])).ThenBy(a => a).ToList();
        }

        var dims = order.Select(a => domain.Dims[a]).ToList();
        var strides = new List<long>[inputStrides.Length];
        for (int k = 0; k < inputStrides.Length; k++)
        {
            strides[k] = order.Select(a => inputStrides[k][a]).ToList();
        }

        var keep = order.Select(a => a == keepAxis).ToList();
        // Drop unit axes (not the kept one).
        for (int a = dims.Count - 1; a >= 0; a--)
        {
            if (dims[a] == 1 && !keep[a] && dims.Count > 1)
            {
                dims.RemoveAt(a);
                keep.RemoveAt(a);
                foreach (List<long> s in strides)
                {
                    s.RemoveAt(a);
                }
            }
        }

        // Merge axis a into a+1 when every input has stride(a) == stride(a+1) * dims(a+1).
        for (int a = dims.Count - 2; a >= 0; a--)
        {
            if (keep[a] || keep[a + 1])
            {
                continue;
            }

            bool ok = true;
            foreach (List<long> s in strides)
            {
                ok &= s[a] == s[a + 1] * dims[a + 1];
            }

            if (ok)
            {
                dims[a + 1] *= dims[a];
                dims.RemoveAt(a);
                keep.RemoveAt(a);
                foreach (List<long> s in strides)
                {
                    s.RemoveAt(a);
                }
            }
        }

        if (dims.Count == 0)
        {
            dims.Add(1);
            keep.Add(false);
            foreach (List<long> s in strides)
            {
                s.Add(0);
            }
        }

        // A short last axis that some inputs only broadcast across the axis before it ((n, 8) * (8,)): merge anyway and
        // let those inputs repeat their row, so blocks stay long instead of 8 elements.
        var periods = new int[inputStrides.Length];
        int b = dims.Count - 1, a2 = b - 1;
        if (a2 >= 0 && !keep[a2] && !keep[b] && dims[b] <= MaxPeriod)
        {
            bool ok = true, any = false;
            foreach (List<long> st in strides)
            {
                bool periodic = st[a2] == 0 && st[b] == 1;
                ok &= periodic || st[a2] == st[b] * dims[b];
                any |= periodic;
            }

            if (ok && any)
            {
                for (int k = 0; k < strides.Length; k++)
                {
                    periods[k] = strides[k][a2] == 0 && strides[k][b] == 1 ? (int)dims[b] : 0;
                    strides[k].RemoveAt(a2);
                }

                dims[b] *= dims[a2];
                dims.RemoveAt(a2);
                keep.RemoveAt(a2);
            }
        }

        var result = new long[inputStrides.Length][];
        for (int k = 0; k < inputStrides.Length; k++)
        {
            result[k] = [.. strides[k]];
        }

        return ([.. dims], result, keep.IndexOf(true), periods);
    }
}
