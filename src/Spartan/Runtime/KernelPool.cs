using System.Collections.Concurrent;

namespace Spartan.Runtime;

/// <summary>
/// One pool of <see cref="Environment.ProcessorCount"/> dedicated threads that runs every kernel in the process,
/// whatever the number of workers: workers own data, they are not CPU slots, so three workers on two cores never
/// oversubscribe. Dedicated threads also keep kernels off the .NET thread pool, which the Orleans runtime and
/// async I/O need to stay responsive.
/// </summary>
internal sealed class KernelPool
{
    private static readonly Lazy<KernelPool> s_shared = new(() => new KernelPool(Environment.ProcessorCount));
    private readonly BlockingCollection<Action> _queue = new(new ConcurrentQueue<Action>());

    private KernelPool(int threads)
    {
        Threads = threads;
        for (int i = 0; i < threads; i++)
        {
            var t = new Thread(Loop) { IsBackground = true, Name = $"spartan-kernel-{i}" };
            t.Start();
        }
    }

    public static KernelPool Shared => s_shared.Value;

    public int Threads { get; }

    /// <summary>Runs <paramref name="work"/> on a kernel thread.</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try
            {
                tcs.SetResult(work());
            }
            catch (Exception e)
            {
                tcs.SetException(e);
            }
        });
        return tcs.Task;
    }

    /// <summary>Runs <paramref name="count"/> items, at most one per thread at a time, and returns when all are done.
    /// Each thread takes the next index from a shared counter, so a batch costs one queue item per thread.</summary>
    public Task ForEach(int count, Action<int> body)
    {
        if (count == 0)
        {
            return Task.CompletedTask;
        }

        int next = -1;
        int lanes = Math.Min(count, Threads);
        var tasks = new Task<int>[lanes];
        for (int l = 0; l < lanes; l++)
        {
            tasks[l] = Run(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    body(i);
                }

                return 0;
            });
        }

        return Task.WhenAll(tasks);
    }

    private void Loop()
    {
        foreach (Action a in _queue.GetConsumingEnumerable())
        {
            a();
        }
    }
}
