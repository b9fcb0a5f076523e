using System.Text.Json.Nodes;
using Spartan.Examples;

namespace Spartan.Cli.Bench;

/// <summary>W6: 20 PageRank iterations, r = 0.85·P r + (0.85·Σ_{dangling} r_i + 0.15)/n, with P a sparse CSR matrix
/// (row blocks; each step is one SpMV pass per block against a whole copy of r). Inputs as the peer's: src, dst uniform
/// in [0, n) (our counter-based generator, not NumPy's PCG64), or the peer's exact P and dangling with --inputs.</summary>
internal sealed class W6PageRank : Workload
{
    private const int Iters = 20;

    public override string Id => "W6";

    public override string Title => "PageRank 20 it.";

    public override double Target => 1.2;

    public override bool IsReference(string system, string variant) =>
        (system == "scipy.sparse" && variant == "CSR SpMV, 20 iterations") ||
        (system == "dask-threads" && variant == "dask.delayed, 8 CSR row blocks, 20 iterations in one graph");

    /// <summary>Generated graphs come from our generator, not NumPy's, so their nnz and dangling counts differ from the
    /// peer's by a few duplicate edges: the same n and nnz within 0.01 % is the same size.</summary>
    public override bool SameSize(JsonNode peer, JsonObject mine) =>
        peer["n"]?.GetValue<long>() == mine["n"]?.GetValue<long>() && peer["nnz"] is JsonNode pn && mine["nnz"] is JsonNode mn &&
        Math.Abs(pn.GetValue<long>() - mn.GetValue<long>()) <= 1e-4 * mn.GetValue<long>();

    public override void Run(BenchEnv env)
    {
        long n = env.Quick ? 100_000 : 1_000_000, edges = env.Quick ? 1_000_000 : 10_000_000;
        env.Log($"W6 n={n}: building the graph");
        PageRank.Graph g = Load(env, n) ?? PageRank.Graph.Random(n, edges, seed: 6);
        using DistArray p = g.Matrix().Evaluate();
        using DistArray dangling = g.DanglingRow().Evaluate();
        long nnz = p.ToCoo().Rows.LongLength;
        long csrBytes = (12 * nnz) + (4 * (n + 1));
        var size = new JsonObject { ["n"] = n, ["nnz"] = nnz, ["index_dtype"] = "int32", ["dangling"] = g.Dangling.Length, ["csr_bytes"] = csrBytes };

        env.Log($"W6 n={n} nnz={nnz}: timing");
        (double[] times, DistArray r) = Runner.Measure(env.Options.Warmup, env.Options.Reps, () => Iterate(p, dangling, n), Runner.Drop);
        double[] got = r.Glom().ToArray<double>();
        double[] want = Serial(p, g.Dangling, n);
        bool ok = Checks.Close(got.Sum(), 1.0, 1e-9) && got.Zip(want, (a, b) => Checks.Close(a, b, 1e-9, 1e-15)).All(v => v);
        JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, Iters * (csrBytes + (16 * n)), Iters * ((2.0 * nnz) + (3.0 * n)), null);
        ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(r), ok);
        rec["ok"] = ok;
        rec["rank_sum"] = got.Sum();
        rec["workers"] = env.Context.NumWorkers;
        rec["nchunks"] = p.Tiles.Count;
        r.Dispose();
        env.Emit(rec);
    }

    /// <summary>The timed part: 20 steps from r = 1/n, r evaluated each step (the old r is freed as soon as it is used).</summary>
    private static DistArray Iterate(Expr p, Expr dangling, long n)
    {
        DistArray r = Sp.Full(n, 1.0 / n).Evaluate();
        for (int it = 0; it < Iters; it++)
        {
            DistArray next = PageRank.Step(p, r, dangling, n).Evaluate();
            r.Dispose();
            r = next;
        }

        return r;
    }

    /// <summary>With --inputs: the peer's P (COO, row-major) and dangling nodes.</summary>
    private static PageRank.Graph? Load(BenchEnv env, long n)
    {
        if (env.Options.InputsDir is not string dir)
        {
            return null;
        }

        JsonObject size = Expected.Load(dir, "W6").Size;
        long[] Longs(string name)
        {
            using DistArray a = env.Input("W6", name, size, () => throw new InvalidOperationException());
            return a.AsType(DType.Int64).Glom().ToArray<long>();
        }

        using DistArray vals = env.Input("W6", "P_vals", size, () => throw new InvalidOperationException());
        return new PageRank.Graph(n, Longs("P_rows"), Longs("P_cols"), vals.Glom().ToArray<double>(), Longs("dangling"));
    }

    /// <summary>The same iteration in plain loops over the CSR arrays (the check).</summary>
    private static double[] Serial(DistArray p, long[] dangling, long n)
    {
        (long[] rows, long[] cols, double[] vals) = p.ToCoo();
        var r = new double[n];
        Array.Fill(r, 1.0 / n);
        var y = new double[n];
        for (int it = 0; it < Iters; it++)
        {
            Array.Clear(y);
            for (long e = 0; e < rows.LongLength; e++)
            {
                y[rows[e]] += vals[e] * r[cols[e]];
            }

            double d = 0;
            foreach (long i in dangling)
            {
                d += r[i];
            }

            double spread = ((PageRank.Alpha * d) + (1 - PageRank.Alpha)) / n;
            for (long i = 0; i < n; i++)
            {
                y[i] = (PageRank.Alpha * y[i]) + spread;
            }

            (r, y) = (y, r);
        }

        return r;
    }
}
