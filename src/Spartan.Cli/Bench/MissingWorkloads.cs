namespace Spartan.Cli.Bench;

/// <summary>Workloads whose builtins the engine does not have yet: each reports which one is missing (an error line,
/// exit code 1) rather than faking it with slow user kernels. When the builtin lands, replace the class with a real
/// implementation in its own file (as W1FusedElementwise.cs).</summary>
internal abstract class MissingBuiltinWorkload : Workload
{
    public override void Run(BenchEnv env) =>
        throw new InvalidOperationException(Missing() ?? $"{Id}: the builtins exist now, but spartan bench does not implement {Id} yet (src/Spartan.Cli/Bench)");

    protected string NeedAll(params (string Method, string Display, string What)[] builtins)
    {
        var missing = builtins.Where(b => !HasBuiltin(b.Method)).ToList();
        if (missing.Count == 0)
        {
            return $"{string.Join(", ", builtins.Select(b => b.Display))} exist now, but spartan bench does not implement {Id} yet (src/Spartan.Cli/Bench)";
        }

        return string.Join("; ", missing.Select(b => MissingText(b.Display, b.What)));
    }
}

/// <summary>W6: 20 PageRank iterations on a CSR matrix.</summary>
internal sealed class W6PageRank : MissingBuiltinWorkload
{
    public override string Id => "W6";

    public override string Title => "PageRank 20 it.";

    public override double Target => 1.2;

    public override bool IsReference(string system, string variant) =>
        (system == "scipy.sparse" && variant == "CSR SpMV, 20 iterations") ||
        (system == "dask-threads" && variant == "dask.delayed, 8 CSR row blocks, 20 iterations in one graph");

    public override string? Missing() => NeedAll(("SparseFromCoo", "Sp.SparseFromCoo", "CSR tiles"), ("Dot", "Sp.Dot", "sparse x dense SpMV"));
}
