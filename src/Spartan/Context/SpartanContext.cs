using Spartan.Runtime;

namespace Spartan;

/// <summary>
/// A set of workers and the master that drives them. <see cref="StartLocal(int?)"/> makes in-process workers; a cluster
/// client makes one whose workers are remote. Contexts nest per async flow: <see cref="Current"/> is the innermost
/// live one, or the embedded default when none was started.
/// </summary>
public sealed class SpartanContext : IDisposable
{
    private static readonly AsyncLocal<SpartanContext?> s_current = new();
    private static readonly Lazy<SpartanContext> s_default = new(() => new SpartanContext(LocalWorkers(Environment.ProcessorCount), new SpartanOptions(), null));
    private readonly SpartanContext? _parent;
    private readonly Action? _onDispose;
    private int _disposed;

    private SpartanContext(IReadOnlyList<IWorker> workers, SpartanOptions options, SpartanContext? parent, Action? onDispose = null)
    {
        Master = new Master(workers);
        Options = options;
        _parent = parent;
        _onDispose = onDispose;
    }

    /// <summary>The innermost live context on this async flow; if none was started, the embedded default (one worker per core).</summary>
    public static SpartanContext Current => Innermost ?? s_default.Value;

    internal static SpartanContext? Innermost
    {
        get
        {
            SpartanContext? c = s_current.Value;
            while (c is not null && c.IsDisposed)
            {
                c = c._parent;
            }

            return c;
        }
    }

    /// <summary>The options the context runs with.</summary>
    public SpartanOptions Options { get; }

    /// <summary>Number of workers.</summary>
    public int NumWorkers => Master.WorkerCount;

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal Master Master { get; }

    /// <summary>Starts <paramref name="workers"/> in-process workers (null: one per core) and makes them current on this async flow.</summary>
    public static SpartanContext StartLocal(int? workers = null) => StartLocal(new SpartanOptions { Workers = workers });

    /// <summary>Starts in-process workers with the given options and makes them current on this async flow.</summary>
    public static SpartanContext StartLocal(SpartanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = options.Workers ?? Environment.ProcessorCount;
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), n, $"workers must be at least 1, got {n}");
        }

        return Push(LocalWorkers(n), options, null);
    }

    /// <summary>Makes a context over workers supplied by another transport (the cluster client) current on this flow.</summary>
    public static SpartanContext Start(IReadOnlyList<IWorker> workers, SpartanOptions options, Action? onDispose = null)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(options);
        if (workers.Count == 0)
        {
            throw new ArgumentException("a context needs at least one worker", nameof(workers));
        }

        return Push(workers, options, onDispose);
    }

    /// <summary>Workers, heartbeats, tiles and bytes held, and running operations.</summary>
    public ClusterStatus Status() => Master.Status();

    /// <summary>Stops the workers and frees every tile; expressions bound to this context can no longer be evaluated.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (s_current.Value == this)
        {
            s_current.Value = _parent;
        }

        foreach (IWorker w in Master.Workers)
        {
            if (w is LocalWorker lw)
            {
                lw.Clear();
            }
        }

        _onDispose?.Invoke();
    }

    internal void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw new ObjectDisposedException(nameof(SpartanContext), "the context this expression was built in has been disposed");
        }
    }

    private static SpartanContext Push(IReadOnlyList<IWorker> workers, SpartanOptions options, Action? onDispose)
    {
        var ctx = new SpartanContext(workers, options, Innermost, onDispose);
        s_current.Value = ctx;
        return ctx;
    }

    private static LocalWorker[] LocalWorkers(int n)
    {
        var workers = new LocalWorker[n];
        for (int i = 0; i < n; i++)
        {
            workers[i] = new LocalWorker(i, id => workers[id]);
        }

        return workers;
    }
}
