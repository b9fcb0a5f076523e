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

/// <summary>W3: <c>Sp.Dot(A, B)</c>, n = 4096.</summary>
internal sealed class W3MatrixProduct : MissingBuiltinWorkload
{
    public override string Id => "W3";

    public override string Title => "A@B";

    public override double Target => 0.8;

    public override bool IsReference(string system, string variant) => system == "numpy" && variant == "A@B blas_threads=2";

    public override string? Missing() => NeedAll(("Dot", "Sp.Dot", "dense 2-D x 2-D GEMM"));
}

/// <summary>W4: one Lloyd step of k-means (distances via GEMM).</summary>
internal sealed class W4KMeans : MissingBuiltinWorkload
{
    public override string Id => "W4";

    public override string Title => "k-means step";

    public override double Target => 5;

    public override bool IsReference(string system, string variant) => system == "numpy" && variant == "vectorized (GEMM distances + one-hot GEMM)";

    public override string? Missing() => NeedAll(("Dot", "Sp.Dot", "X·Cᵀ distances and the one-hot Xᵀ sums"));
}

/// <summary>W5: 10 gradient-descent steps of logistic regression.</summary>
internal sealed class W5LogReg : MissingBuiltinWorkload
{
    public override string Id => "W5";

    public override string Title => "logreg 10 steps";

    public override double Target => 1.5;

    public override bool IsReference(string system, string variant) => system == "numpy" && variant == "10 GD steps (X@w, X.T@(p-y))";

    public override string? Missing() => NeedAll(("Dot", "Sp.Dot", "X·w and Xᵀ·(p−y), 2-D x 1-D"));
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

/// <summary>W10: 3x3 convolution with reflect padding.</summary>
internal sealed class W10Stencil : MissingBuiltinWorkload
{
    public override string Id => "W10";

    public override string Title => "3x3 convolution";

    public override double Target => 2;

    public override bool IsReference(string system, string variant) =>
        (system == "scipy.ndimage" && variant.StartsWith("convolve", StringComparison.Ordinal)) ||
        (system == "dask-threads" && variant.StartsWith("map_overlap(ndi.convolve)", StringComparison.Ordinal));

    public override string? Missing() => NeedAll(("Stencil", "Sp.Stencil", "3x3 convolution with halo exchange, PadMode.Reflect"));
}
