namespace Spartan.Examples.Tests;

/// <summary>Each application at small size against a plain C# computation on the same data, on 1 and 3 workers
/// (with tiny tiles, so every tile boundary is crossed), plus the bad-parameter errors.</summary>
public class AppTests
{
    private static SpartanContext Start(int workers) =>
        SpartanContext.StartLocal(new SpartanOptions { Workers = workers, MinTileElements = 1 });

    private static double[,] Matrix(NDArray a) => a.To2D<double>();

    private static void Close(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    [Theory, InlineData(1), InlineData(3)]
    public void KMeansMatchesPlainLloyd(int workers)
    {
        using SpartanContext ctx = Start(workers);
        const int n = 120, d = 3, k = 4, iters = 5;
        using DistArray x = KMeans.Generate(n, d, k, seed: 3);
        double[,] xs = Matrix(x.Glom());
        NDArray init = x[..k].Glom();
        double[,] c = Matrix(init);
        var inertia = new List<double>();
        for (int it = 0; it < iters; it++)
        {
            var sums = new double[k, d];
            var counts = new double[k];
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                double bestD = double.PositiveInfinity;
                for (int j = 0; j < k; j++)
                {
                    double dist = 0;
                    for (int l = 0; l < d; l++)
                    {
                        dist += (xs[i, l] - c[j, l]) * (xs[i, l] - c[j, l]);
                    }

                    if (dist < bestD)
                    {
                        (best, bestD) = (j, dist);
                    }
                }

                total += bestD;
                counts[best]++;
                for (int l = 0; l < d; l++)
                {
                    sums[best, l] += xs[i, l];
                }
            }

            inertia.Add(total);
            for (int j = 0; j < k; j++)
            {
                for (int l = 0; l < d && counts[j] > 0; l++)
                {
                    c[j, l] = sums[j, l] / counts[j];
                }
            }
        }

        var reported = new List<IterationInfo>();
        AppResult r = KMeans.Fit(x, init, iters, new SyncProgress(reported.Add));
        Assert.Equal(iters, r.History.Count);
        Assert.Equal(r.History, reported);
        for (int it = 0; it < iters; it++)
        {
            Close(inertia[it], r.History[it].Objective, 1e-9, $"inertia {it}");
        }

        double[,] got = Matrix(r.Solution);
        for (int j = 0; j < k; j++)
        {
            for (int l = 0; l < d; l++)
            {
                Close(c[j, l], got[j, l], 1e-12, $"centre {j},{l}");
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void LogisticRegressionMatchesPlainGradientDescent(int workers)
    {
        using SpartanContext ctx = Start(workers);
        const int n = 90, d = 4, iters = 6;
        const double lr = 0.5;
        (DistArray x, DistArray y) = LogisticRegression.Generate(n, d, seed: 5);
        using (x)
        using (y)
        {
            double[,] xs = Matrix(x.Glom());
            double[] ys = y.Glom().ToArray<double>();
            Assert.Contains(ys, v => v == 1);
            Assert.Contains(ys, v => v == 0);
            var w = new double[d];
            var losses = new List<double>();
            for (int it = 0; it < iters; it++)
            {
                var g = new double[d];
                for (int i = 0; i < n; i++)
                {
                    double z = 0;
                    for (int l = 0; l < d; l++)
                    {
                        z += xs[i, l] * w[l];
                    }

                    double r = (1 / (1 + Math.Exp(-z))) - ys[i];
                    for (int l = 0; l < d; l++)
                    {
                        g[l] += xs[i, l] * r;
                    }
                }

                for (int l = 0; l < d; l++)
                {
                    w[l] -= lr * g[l] / n;
                }

                double loss = 0;
                for (int i = 0; i < n; i++)
                {
                    double z = 0;
                    for (int l = 0; l < d; l++)
                    {
                        z += xs[i, l] * w[l];
                    }

                    double p = 1 / (1 + Math.Exp(-z));
                    loss -= (ys[i] * Math.Log(p)) + ((1 - ys[i]) * Math.Log(1 - p));
                }

                losses.Add(loss / n);
            }

            AppResult res = LogisticRegression.Fit(x, y, iters, lr);
            double[] got = res.Solution.ToArray<double>();
            for (int l = 0; l < d; l++)
            {
                Close(w[l], got[l], 1e-10, $"w[{l}]");
            }

            for (int it = 0; it < iters; it++)
            {
                Close(losses[it], res.History[it].Objective, 1e-9, $"loss {it}");
            }

            Assert.True(res.History[^1].Objective < res.History[0].Objective);
        }
    }

    [Theory, InlineData(1, 0.0), InlineData(3, 0.0), InlineData(1, 2.5), InlineData(3, 2.5)]
    public void RegressionMatchesPlainNormalEquations(int workers, double lambda)
    {
        using SpartanContext ctx = Start(workers);
        const int n = 70, d = 5;
        (DistArray x, DistArray y) = LinearRegression.Generate(n, d, seed: 7);
        using (x)
        using (y)
        {
            double[,] xs = Matrix(x.Glom());
            double[] ys = y.Glom().ToArray<double>();

            // (XᵀX + λI) w = Xᵀy by Gaussian elimination with partial pivoting.
            var a = new double[d, d + 1];
            for (int p = 0; p < d; p++)
            {
                for (int q = 0; q < d; q++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        a[p, q] += xs[i, p] * xs[i, q];
                    }
                }

                a[p, p] += lambda;
                for (int i = 0; i < n; i++)
                {
                    a[p, d] += xs[i, p] * ys[i];
                }
            }

            double[] w = Eliminate(a, d);
            AppResult r = LinearRegression.Fit(x, y, lambda);
            double[] got = r.Solution.ToArray<double>();
            for (int l = 0; l < d; l++)
            {
                Close(w[l], got[l], 1e-9, $"w[{l}]");
            }

            double mse = 0;
            for (int i = 0; i < n; i++)
            {
                double e = -ys[i];
                for (int l = 0; l < d; l++)
                {
                    e += xs[i, l] * w[l];
                }

                mse += e * e / n;
            }

            Close(mse + (lambda * w.Sum(v => v * v) / n), r.History.Single().Objective, 1e-9, "objective");
            if (lambda == 0)
            {
                // The generating weights are 1 + j/d with noise 0.1.
                for (int l = 0; l < d; l++)
                {
                    Assert.InRange(got[l], 1 + ((double)l / d) - 0.1, 1 + ((double)l / d) + 0.1);
                }
            }
        }
    }

    private static double[] Eliminate(double[,] a, int d)
    {
        for (int col = 0; col < d; col++)
        {
            int piv = col;
            for (int r = col + 1; r < d; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[piv, col]))
                {
                    piv = r;
                }
            }

            for (int q = 0; q <= d; q++)
            {
                (a[col, q], a[piv, q]) = (a[piv, q], a[col, q]);
            }

            for (int r = 0; r < d; r++)
            {
                if (r == col)
                {
                    continue;
                }

                double f = a[r, col] / a[col, col];
                for (int q = col; q <= d; q++)
                {
                    a[r, q] -= f * a[col, q];
                }
            }
        }

        return Enumerable.Range(0, d).Select(i => a[i, d] / a[i, i]).ToArray();
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ConjugateGradientMatchesPlainCg(int workers)
    {
        using SpartanContext ctx = Start(workers);
        const int n = 24, iters = 8;
        (DistArray a, DistArray b) = ConjugateGradient.Generate(n, seed: 9);
        using (a)
        using (b)
        {
            double[,] am = Matrix(a.Glom());
            double[] bv = b.Glom().ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    Close(am[i, j], am[j, i], 1e-12, "symmetry");
                }
            }

            var x = new double[n];
            double[] r = (double[])bv.Clone(), p = (double[])bv.Clone();
            double rr = r.Sum(v => v * v);
            var norms = new List<double>();
            for (int it = 0; it < iters; it++)
            {
                var ap = new double[n];
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        ap[i] += am[i, j] * p[j];
                    }
                }

                double alpha = rr / p.Zip(ap, (u, v) => u * v).Sum();
                for (int i = 0; i < n; i++)
                {
                    x[i] += alpha * p[i];
                    r[i] -= alpha * ap[i];
                }

                double next = r.Sum(v => v * v);
                for (int i = 0; i < n; i++)
                {
                    p[i] = r[i] + (next / rr * p[i]);
                }

                rr = next;
                norms.Add(Math.Sqrt(rr));
            }

            AppResult res = ConjugateGradient.Solve(a, b, iters, tolerance: 0);
            Assert.Equal(iters, res.History.Count);
            double[] got = res.Solution.ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                Close(x[i], got[i], 1e-8, $"x[{i}]");
            }

            for (int it = 0; it < iters; it++)
            {
                Assert.True(Math.Abs(norms[it] - res.History[it].Objective) <= 1e-8 * norms[0], $"residual {it}: {norms[it]} vs {res.History[it].Objective}");
            }
        }
    }

    [Fact]
    public void EveryAppRunsFromOptionsAndImproves()
    {
        using SpartanContext ctx = Start(3);
        foreach (IApp app in Apps.All)
        {
            var options = new AppOptions { Size = app.Name == "cg" ? 40 : 400, Dimensions = 4, K = 3, Iterations = 6 };
            AppResult r = app.Run(options);
            Assert.Equal(app.Name, r.App);
            Assert.NotEmpty(r.History);
            Assert.All(r.History, h => Assert.True(double.IsFinite(h.Objective), $"{app.Name}: objective {h.Objective}"));
            Assert.True(r.History[^1].Objective <= r.History[0].Objective + 1e-9, $"{app.Name} did not improve");
            Assert.False(string.IsNullOrWhiteSpace(r.Summary));
        }

        Assert.Same(Apps.All[0], Apps.Find("KMEANS"));
        Assert.Null(Apps.Find("nope"));
    }

    [Fact]
    public void BadParametersThrow()
    {
        using SpartanContext ctx = Start(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new KMeans().Run(new AppOptions { K = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KMeans().Run(new AppOptions { Size = 2, K = 3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticRegression().Run(new AppOptions { Size = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearRegression(ridge: true).Run(new AppOptions { Size = 10, Lambda = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConjugateGradient().Run(new AppOptions { Iterations = 0 }));
        Assert.Throws<ArgumentException>(() => KMeans.Fit(Sp.Zeros((0, 3)), NDArray.From(new double[3], new Shape(1, 3)), 1));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(Sp.Zeros((0, 3)), Sp.Zeros(0), 1, 0.5));
        Assert.Throws<ArgumentException>(() => LinearRegression.Fit(Sp.Zeros((0, 3)), Sp.Zeros(0), 0));
        Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(Sp.Zeros((0, 0)), Sp.Zeros(0), 1));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void PageRankMatchesDensePowerIteration(int workers)
    {
        using SpartanContext ctx = Start(workers);
        const int n = 60, iters = 7;
        PageRank.Graph g = PageRank.Graph.Random(n, 150, seed: 4);
        Assert.NotEmpty(g.Dangling); // 150 edges on 60 nodes leave some nodes without out-links

        // Independent: a dense transition matrix from the edges (counts / out-degree), plain power iteration.
        var outdeg = new double[n];
        foreach (long s in g.Cols)
        {
            outdeg[s]++;
        }

        var m = new double[n, n];
        for (int e = 0; e < g.Rows.Length; e++)
        {
            m[g.Rows[e], g.Cols[e]] += 1 / outdeg[g.Cols[e]];
        }

        var r = Enumerable.Repeat(1.0 / n, n).ToArray();
        var changes = new List<double>();
        for (int it = 0; it < iters; it++)
        {
            double dangling = Enumerable.Range(0, n).Where(i => outdeg[i] == 0).Sum(i => r[i]);
            var next = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++)
                {
                    s += m[i, j] * r[j];
                }

                next[i] = (0.85 * s) + (((0.85 * dangling) + 0.15) / n);
            }

            changes.Add(next.Zip(r, (a, b) => Math.Abs(a - b)).Sum());
            r = next;
        }

        var reported = new List<IterationInfo>();
        AppResult result = PageRank.Fit(g, iters, new SyncProgress(reported.Add));
        double[] got = result.Solution.ToArray<double>();
        for (int i = 0; i < n; i++)
        {
            Close(r[i], got[i], 1e-12, $"rank {i}");
        }

        Close(1.0, got.Sum(), 1e-12, "rank sum");
        Assert.Equal(iters, reported.Count);
        for (int it = 0; it < iters; it++)
        {
            Close(changes[it], reported[it].Objective, 1e-9, $"L1 change {it}");
        }

        Assert.Same(Apps.Find("pagerank"), Apps.All[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => PageRank.Graph.Random(0, 10, 1));
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<IterationInfo> report) : IProgress<IterationInfo>
    {
        public void Report(IterationInfo value) => report(value);
    }
}

/// <summary>`spartan explain APP`: each application's main expression is one step, fused as its description says.</summary>
public class MainExpressionTests
{
    [Theory, InlineData("kmeans", "nearest_center_sums", new long[] { 4, 4 }), InlineData("logreg", "row_dot", new long[] { 3 }),
     InlineData("linreg", "dot(a.T, b)", new long[] { 3, 3 }), InlineData("ridge", "fused_map", new long[] { 3, 3 }),
     InlineData("cg", "dot(a, b)", new long[] { 50 }), InlineData("pagerank", "sparse", new long[] { 50 })]
    public void ExplainsOneStepAndEvaluates(string name, string planHas, long[] shape)
    {
        using SpartanContext ctx = SpartanContext.StartLocal(new SpartanOptions { Workers = 3, MinTileElements = 1 });
        IApp app = Apps.Find(name)!;
        Expr main = app.MainExpression(new AppOptions { Size = 50, Dimensions = 3, K = 4 });
        string plan = main.Explain();
        Assert.Contains("== Lowering ==", plan);
        Assert.Contains(planHas, plan);
        Assert.Equal(new Shape(shape), main.Evaluate().Shape);
    }

    [Fact]
    public void BadParametersAreNamed()
    {
        using SpartanContext ctx = SpartanContext.StartLocal(new SpartanOptions { Workers = 1 });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Apps.Find("kmeans")!.MainExpression(new AppOptions { Size = 3, K = 5 }));
        Assert.Contains("k (5)", e.Message);
    }
}
