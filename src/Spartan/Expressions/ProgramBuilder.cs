using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Turns a tree of elementwise nodes into one <see cref="FusedProgram"/> plus its leaves (the non-elementwise
/// inputs). A node reached twice is computed once per block.</summary>
internal sealed class ProgramBuilder
{
    private readonly List<Instr> _code = [];
    private readonly List<Node> _leaves = [];
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
    public static (FusedProgram Program, Node[] Leaves) Build(Node root, bool fuse)
    {
        var b = new ProgramBuilder(root, fuse);
        int r = b.Emit(root);
        if (r != b._code.Count - 1)
        {
            // The result must be the last instruction (a bare load of a leaf, say).
            b._code.Add(b._code[r].Op == OpCode.Load ? b._code[r] : new Instr(OpCode.Cast, b._code[r].ResultType, b._code[r].ResultType, r));
        }

        return (new FusedProgram([.. b._code]), [.. b._leaves]);
    }

    /// <summary>Whether a node can join a fused program.</summary>
    public static bool IsFusable(Node n) => n is ElementwiseNode or FusedMapNode or ScalarNode;

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
            _ => Load(n),
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
                OpCode.Load => Emit(f.Children[ins.A]),
                OpCode.Const => Add(ins),
                _ => Add(ins with { A = Remap(ins.A), B = Remap(ins.B), C = Remap(ins.C) }),
            };
        }

        return map[^1];

        int Remap(int x) => x < 0 ? x : map[x];
    }

    private int Load(Node n)
    {
        int k = _leaves.IndexOf(n);
        if (k < 0)
        {
            k = _leaves.Count;
            _leaves.Add(n);
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
