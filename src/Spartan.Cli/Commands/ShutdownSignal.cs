using System.Runtime.InteropServices;

namespace Spartan.Cli.Commands;

/// <summary>Cancels a token on Ctrl+C (SIGINT) or SIGTERM, so long-running commands stop cleanly.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly PosixSignalRegistration _term;

    public ShutdownSignal(CancellationToken linked)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(linked);
        Console.CancelKeyPress += OnCancel;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Stop();
        });
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>Also stops when standard input reaches its end (how `spartan cluster start` stops its workers).</summary>
    public void WatchStandardInput() => _ = Task.Run(async () =>
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await stdin.ReadAsync(buffer) > 0)
        {
        }

        Stop();
    });

    public void Stop()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _term.Dispose();
        _cts.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Stop();
    }
}
