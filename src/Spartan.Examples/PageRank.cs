using System.Diagnostics;

namespace Spartan.Examples;

/// <summary>
/// PageRank by power iteration on a random link graph (the bench's W6): edges (s, d) with s, d uniform in [0, n);
/// P[d, s] = A[s, d] / outdeg(s) as a sparse (CSR) matrix, where A counts the edges of each pair. Each step is one
/// sparse matrix-vector product plus the rank of the dangling nodes (no out-links) spread evenly:
/// r ← α·P r + (α·Σ_{dangling} r_i + 1 − α) / n. The objective is the L1 change of r.
/// </summary>
public sealed class PageRank : IApp
{
    /// <summary>The damping factor α.</summary>
    public const double Alpha = 0.85;

    /// <inheritdoc/>
    public string Name => "pagerank";

    /// <inheritdoc/>
    public string Description => "PageRank power iteration on a random graph (Size nodes, Dimensions links per node); sparse CSR SpMV per step";

    /// <inheritdoc/>
    public string ObjectiveName => "L1 change";

    /// <inheritdoc/>
    public AppResult Run(AppOptions options, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Graph g = Graph.Random(options.Size, options.Size * options.Dimensions, options.Seed);
        return Fit(g, options.Iterations, progress);
    }

    /// <inheritdoc/>
    public Expr MainExpression(AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Graph g = Graph.Random(options.Size, options.Size * options.Dimensions, options.Seed);
        return Step(g.Matrix().Evaluate(), Sp.Full(g.N, 1.0 / g.N), g.DanglingRow().Evaluate(), g.N);
    }

    /// <summary>A link graph as PageRank needs it: the COO triples of P (column-stochastic where a node has out-links)
    /// and the dangling nodes.</summary>
    /// <param name="N">Nodes.</param>
    /// <param name="Rows">Row (destination) of each entry of P.</param>
    /// <param name="Cols">Column (source) of each entry.</param>
    /// <param name="Values">1 / outdeg(source) per edge; duplicate edges are summed when P is built.</param>
    /// <param name="Dangling">Nodes without out-links.</param>
    public sealed record Graph(long N, long[] Rows, long[] Cols, double[] Values, long[] Dangling)
    {
        /// <summary>Random edges: sources and destinations uniform in [0, n) from Spartan's counter-based generator
        /// (the same draws for any worker count).</summary>
        /// <exception cref="ArgumentOutOfRangeException">n or edges is not positive.</exception>
        public static Graph Random(long n, long edges, int seed)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(edges);
            long[] src = Sp.RandInt(edges, 0, n, seed: seed).Glom().ToArray<long>();
            long[] dst = Sp.RandInt(edges, 0, n, seed: seed + 1).Glom().ToArray<long>();
            var outdeg = new long[n];
            foreach (long s in src)
            {
                outdeg[s]++;
            }

            var values = new double[edges];
            for (long e = 0; e < edges; e++)
            {
                values[e] = 1.0 / outdeg[src[e]];
            }

            var dangling = new List<long>();
            for (long i = 0; i < n; i++)
            {
                if (outdeg[i] == 0)
                {
                    dangling.Add(i);
                }
            }

            return new Graph(n, dst, src, values, [.. dangling]);
        }

        /// <summary>P as a sparse array (duplicates summed).</summary>
        public Expr Matrix() => Sp.SparseFromCoo(Rows, Cols, Values, (N, N));

        /// <summary>D, the 1 × n sparse row with ones at the dangling nodes (no entries when there are none).</summary>
        public Expr DanglingRow() =>
            Sp.SparseFromCoo(new long[Dangling.Length], Dangling, Enumerable.Repeat(1.0, Dangling.Length).ToArray(), (1, N));
    }

    /// <summary>One step: α·P r + (α·D r + 1 − α) / n, where D (1 × n, sparse) has ones at the dangling nodes, so D r is
    /// their total rank as a 1-element vector that broadcasts. Written as a second SpMV rather than r[dangling].Sum(),
    /// the step is three stages (two products and one fused update) instead of five (gather, partial, combine).</summary>
    public static Expr Step(Expr p, Expr r, Expr danglingRow, long n)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(danglingRow);
        return (Alpha * Sp.Dot(p, r)) + (((Alpha * Sp.Dot(danglingRow, r)) + (1 - Alpha)) / n);
    }

    /// <summary>Runs <paramref name="iterations"/> steps from r = 1/n.</summary>
    public static AppResult Fit(Graph graph, int iterations, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        long n = graph.N;
        var sw = Stopwatch.StartNew();
        using DistArray p = graph.Matrix().Evaluate();
        using DistArray dangling = graph.DanglingRow().Evaluate();
        DistArray r = Sp.Full(n, 1.0 / n).Evaluate();
        var history = new List<IterationInfo>();
        for (int it = 1; it <= iterations; it++)
        {
            DistArray next = Step(p, r, dangling, n).Evaluate();
            double change = Sp.Abs(next - r).Sum().Glom().ToScalar<double>();
            r.Dispose();
            r = next;
            var info = new IterationInfo(it, change);
            history.Add(info);
            progress?.Report(info);
        }

        NDArray ranks = r.Glom();
        r.Dispose();
        sw.Stop();
        double[] v = ranks.ToArray<double>();
        int top = Array.IndexOf(v, v.Max());
        return new AppResult("pagerank", "L1 change", history, ranks, sw.Elapsed,
            $"{n} nodes, {graph.Rows.Length} links ({graph.Dangling.Length} dangling nodes); top node {top} with rank {v[top]:G4}; L1 change {history[^1].Objective:G3} after {iterations} steps");
    }
}
