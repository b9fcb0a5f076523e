using Spartan;
using Spartan.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("spartan");
    config.PropagateExceptions();
    config.AddCommand<DemoCommand>("demo")
        .WithDescription("Run a built-in demo on the embedded workers (default: a short tour) and print results and timings.")
        .WithExample("demo", "--workers", "3");
    config.AddCommand<BenchCommand>("bench")
        .WithDescription("Run the W1-W10 workloads (../shared/peers/README.md); with --peers, side by side with NumPy/numexpr/Dask/SciPy in the same run.")
        .WithExample("bench", "W1", "W7", "--peers", "--json")
        .WithExample("bench", "--quick");
    config.AddCommand<AppsCommand>("apps")
        .WithDescription("List the applications that `spartan run` knows.");
    config.AddCommand<RunCommand>("run")
        .WithDescription("Run an application (k-means, logistic/linear/ridge regression, CG, PageRank) and print its convergence; --plot writes a PNG.")
        .WithExample("run", "kmeans", "--size", "1000000", "--k", "8", "--plot", "kmeans.png");
    config.AddCommand<ExplainCommand>("explain")
        .WithDescription("Print the plan of an application's main expression (one step): each optimizer stage, the tiling, the predicted bytes moved.")
        .WithExample("explain", "logreg", "--size", "1000000");
    config.AddBranch("cluster", cluster =>
    {
        cluster.SetDescription("Run a multi-process cluster on this machine.");
        cluster.AddCommand<ClusterStartCommand>("start")
            .WithDescription("Start the membership host and N worker processes here; prints `cluster address: HOST:PORT`; Ctrl+C stops them.")
            .WithExample("cluster", "start", "--workers", "3");
    });
    config.AddCommand<WorkerCommand>("worker")
        .WithDescription("Start one worker process that joins a cluster (any machine).")
        .WithExample("worker", "--join", "10.0.0.1:11111");
    config.AddCommand<StatusCommand>("status")
        .WithDescription("List a cluster's workers: id, host, alive, last heartbeat, tiles, bytes, CPU, memory.")
        .WithExample("status", "--cluster", "127.0.0.1:11111");
});

try
{
    // `spartan run kmeans --k 8`: Spectre.Console.Cli needs long options of two or more letters, so --k is -k.
    return await app.RunAsync(args.Select(a => a == "--k" ? "-k" : a.StartsWith("--k=", StringComparison.Ordinal) ? "-k=" + a[4..] : a));
}
catch (Exception e) when (e is CommandParseException or CommandRuntimeException or ArgumentException or SpartanException or IOException or InvalidDataException)
{
    // Every command fails with one line on bad input.
    AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
    return 1;
}
