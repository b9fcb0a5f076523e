using System.Text;

namespace Spartan.Runtime;

/// <summary>The operations of a fused elementwise program.</summary>
public enum OpCode
{
    /// <summary>Reads input A.</summary>
    Load,
    /// <summary>A constant (<see cref="Instr.Value"/>).</summary>
    Const,
    /// <summary>Converts register A to the result type.</summary>
    Cast,
    /// <summary>A + B.</summary>
    Add,
    /// <summary>A - B.</summary>
    Subtract,
    /// <summary>A * B.</summary>
    Multiply,
    /// <summary>A / B (floating point).</summary>
    Divide,
    /// <summary>Floor modulo.</summary>
    Mod,
    /// <summary>A ** B.</summary>
    Power,
    /// <summary>Elementwise maximum.</summary>
    Maximum,
    /// <summary>Elementwise minimum.</summary>
    Minimum,
    /// <summary>Bitwise/logical and.</summary>
    And,
    /// <summary>Bitwise/logical or.</summary>
    Or,
    /// <summary>Bitwise/logical xor.</summary>
    Xor,
    /// <summary>A &lt; B.</summary>
    Less,
    /// <summary>A &lt;= B.</summary>
    LessEqual,
    /// <summary>A &gt; B.</summary>
    Greater,
    /// <summary>A &gt;= B.</summary>
    GreaterEqual,
    /// <summary>A == B.</summary>
    Equal,
    /// <summary>A != B.</summary>
    NotEqual,
    /// <summary>-A.</summary>
    Negate,
    /// <summary>|A|.</summary>
    Abs,
    /// <summary>A * A.</summary>
    Square,
    /// <summary>Sign of A.</summary>
    Sign,
    /// <summary>Bitwise not (integers) or logical not (bool).</summary>
    Not,
    /// <summary>Floor.</summary>
    Floor,
    /// <summary>Ceiling.</summary>
    Ceil,
    /// <summary>e ** A.</summary>
    Exp,
    /// <summary>Natural logarithm.</summary>
    Log,
    /// <summary>Square root.</summary>
    Sqrt,
    /// <summary>Sine.</summary>
    Sin,
    /// <summary>Cosine.</summary>
    Cos,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Standard normal CDF.</summary>
    NormCdf,
    /// <summary>A is NaN.</summary>
    IsNan,
    /// <summary>A != 0 ? B : C.</summary>
    Where,
}

/// <summary>One instruction; its result is the register with the instruction's index.</summary>
/// <param name="Op">The operation.</param>
/// <param name="Type">The dtype the operands are computed in.</param>
/// <param name="ResultType">The dtype of the result (Bool for comparisons).</param>
/// <param name="A">First operand register, or the input index for <see cref="OpCode.Load"/>.</param>
/// <param name="B">Second operand register, or -1.</param>
/// <param name="C">Third operand register, or -1.</param>
/// <param name="Value">The constant for <see cref="OpCode.Const"/> (floats and bools).</param>
/// <param name="IntValue">The constant for <see cref="OpCode.Const"/> of integer type (exact beyond 2^53).</param>
public readonly record struct Instr(OpCode Op, DType Type, DType ResultType, int A, int B = -1, int C = -1, double Value = 0, long IntValue = 0);

/// <summary>A straight-line program over blocks: instructions in SSA form, the last one is the result.</summary>
/// <param name="Instructions">The instructions, operands before their uses.</param>
public sealed record FusedProgram(Instr[] Instructions)
{
    /// <summary>The dtype of the program's result.</summary>
    public DType ResultType => Instructions[^1].ResultType;

    /// <summary>How many inputs the program loads.</summary>
    public int InputCount => Instructions.Where(i => i.Op == OpCode.Load).Select(i => i.A + 1).DefaultIfEmpty(0).Max();

    /// <inheritdoc/>
    public bool Equals(FusedProgram? other) => other is not null && Instructions.AsSpan().SequenceEqual(other.Instructions);

    /// <inheritdoc/>
    public override int GetHashCode() => Instructions.Length;

    /// <summary>A readable listing: "r2 = add:float64(r0, r1)".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Instructions.Length; i++)
        {
            Instr ins = Instructions[i];
            if (i > 0)
            {
                sb.Append("; ");
            }

            sb.Append('r').Append(i).Append(" = ");
            sb.Append(ins.Op switch
            {
                OpCode.Load => $"in{ins.A}:{ins.ResultType.Name()}",
                OpCode.Const => $"{(ins.ResultType.IsInteger() ? ins.IntValue : ins.Value)}:{ins.ResultType.Name()}",
                OpCode.Cast => $"cast:{ins.ResultType.Name()}(r{ins.A})",
                _ => $"{ins.Op.ToString().ToLowerInvariant()}:{ins.Type.Name()}(r{ins.A}{(ins.B >= 0 ? $", r{ins.B}" : "")}{(ins.C >= 0 ? $", r{ins.C}" : "")})",
            });
        }

        return sb.ToString();
    }
}
