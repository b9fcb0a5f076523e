using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Turns a tree of elementwise nodes into one <see cref="FusedProgram"/> plus its leaves (the non-elementwise
/// inputs) and how each leaf is read: views are absorbed as maps, so a transposed or stepped operand is read in place.
/// A node reached twice is computed once per block.</summary>
internal sealed class ProgramBuilder
{
    private readonly List<Instr> _code = [];
    private readonly List<Node> _leaves = [];
    private readonly List<ViewMap?> _maps = [];
    private readonly Dictionary<Node, int> _regs = new(ReferenceEqualityComparer.Instance);
    private readonly bool _fuse;
    private readonly Node _root;

    private ProgramBuilder(Node root, bool fuse)
    {
        _root = root;
        _fuse = fuse;
    }

    /// <summary>The program of <paramref name="root"/>. With <paramref name="fuse"/> false only the root's own
    /// operation is emitted and every operand is a leaf.</summary>
    public static (FusedProgram Program, Node[] Leaves, ViewMap?[] Maps) Build(Node root, bool fuse)
    {
        var b = new ProgramBuilder(root, fuse);
        int r = b.Emit(root);
        if (r != b._code.Count - 1)
        {
            // The result must be the last instruction (a bare load of a leaf, say).
            b._code.Add(b._code[r].Op == OpCode.Load ? b._code[r] : new Instr(OpCode.Cast, b._code[r].ResultType, b._code[r].ResultType, r));
        }

        return (new FusedProgram([.. b._code]), [.. b._leaves], [.. b._maps]);
    }

    /// <summary>Whether a node can join a fused program.</summary>
    public static bool IsFusable(Node n) => n is ElementwiseNode or FusedMapNode or ScalarNode or ViewNode;

    private int Emit(Node n)
    {
        if (_regs.TryGetValue(n, out int r))
        {
            return r;
        }

        bool inline = n == _root || _fuse;
        r = n switch
        {
            ScalarNode s => Add(s.AsConst(s.DType)),
            ElementwiseNode e when inline => EmitOp(e),
            FusedMapNode f when inline => Inline(f),
            ViewNode v when _fuse => Load(v.Children[0], v.Map.After(ViewMap.Broadcast(v.Shape, _root.Shape))),
            _ => Load(n, null),
        };
        _regs[n] = r;
        return r;
    }

    private int EmitOp(ElementwiseNode e)
    {
        var args = new int[3] { -1, -1, -1 };
        for (int i = 0; i < e.Children.Length; i++)
        {
            Node c = e.Children[i];
            // Where's condition stays Bool; every other operand is converted to the compute type.
            DType want = e.Op == OpCode.Where && i == 0 ? DType.Bool : e.ComputeType;
            args[i] = c is ScalarNode s ? Add(s.AsConst(want)) : Convert(Emit(c), want);
        }

        return Add(new Instr(e.Op, e.ComputeType, e.DType, args[0], args[1], args[2]));
    }

    private int Inline(FusedMapNode f)
    {
        var map = new int[f.Program.Instructions.Length];
        for (int i = 0; i < map.Length; i++)
        {
            Instr ins = f.Program.Instructions[i];
            map[i] = ins.Op switch
            {
                OpCode.Load => f.Maps[ins.A] is { } m ? Load(f.Children[ins.A], m.After(ViewMap.Broadcast(f.Shape, _root.Shape))) : Emit(f.Children[ins.A]),
                OpCode.Const => Add(ins),
                _ => Add(ins with { A = Remap(ins.A), B = Remap(ins.B), C = Remap(ins.C) }),
            };
        }

        return map[^1];

        int Remap(int x) => x < 0 ? x : map[x];
    }

    private int Load(Node n, ViewMap? map)
    {
        if (map is not null && map.IsIdentity(n.Shape))
        {
            map = null;
        }

        int k = 0;
        while (k < _leaves.Count && !(ReferenceEquals(_leaves[k], n) && Equals(_maps[k], map)))
        {
            k++;
        }

        if (k == _leaves.Count)
        {
            _leaves.Add(n);
            _maps.Add(map);
        }

        return Add(new Instr(OpCode.Load, n.DType, n.DType, k));
    }

    private int Convert(int reg, DType to)
    {
        Instr src = _code[reg];
        if (src.ResultType == to)
        {
            return reg;
        }

        if (src.Op == OpCode.Const)
        {
            return Add(src with { Type = to, ResultType = to, Value = to == DType.Bool ? (src.Value != 0 || src.IntValue != 0 ? 1 : 0) : src.ResultType.IsInteger() ? src.IntValue : src.Value, IntValue = src.ResultType.IsFloat() ? (long)src.Value : src.IntValue });
        }

        return Add(new Instr(OpCode.Cast, src.ResultType, to, reg));
    }

    private int Add(Instr i)
    {
        _code.Add(i);
        return _code.Count - 1;
    }
}
