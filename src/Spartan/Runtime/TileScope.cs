namespace Spartan.Runtime;

/// <summary>The tile sets of a multi-stage operation (sample sort, shuffle): its temporaries are released when it
/// ends, and its output too unless it completed, so a failure in any stage leaks no tiles.</summary>
internal sealed class TileScope : IDisposable
{
    private readonly List<TileSet> _temporaries = [];
    private TileSet? _output;
    private bool _completed;

    /// <summary>Tracks a set that is released when the operation ends.</summary>
    public TileSet Temporary(TileSet set)
    {
        _temporaries.Add(set);
        return set;
    }

    /// <summary>Tracks the output, released only if the operation fails.</summary>
    public TileSet Output(TileSet set) => _output = set;

    /// <summary>Marks the operation done and returns its output.</summary>
    public TileSet Complete()
    {
        _completed = true;
        return _output ?? throw new InvalidOperationException("the operation completed without an output");
    }

    public void Dispose()
    {
        foreach (TileSet t in _temporaries)
        {
            t.Release();
        }

        if (!_completed)
        {
            _output?.Release();
        }
    }
}
