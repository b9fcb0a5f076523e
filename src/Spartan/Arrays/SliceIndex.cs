namespace Spartan;

/// <summary>One entry of an index expression: an integer (drops the axis), a slice start..stop:step, or a new axis.
/// Converts implicitly from int, long, <see cref="Index"/> and <see cref="System.Range"/>.</summary>
public readonly struct SliceIndex
{
    private SliceIndex(SliceKind kind, long? start, long? stop, long step, bool startFromEnd = false, bool stopFromEnd = false)
    {
        Kind = kind;
        Start = start;
        Stop = stop;
        Step = step;
        StartFromEnd = startFromEnd;
        StopFromEnd = stopFromEnd;
    }

    /// <summary>What the entry selects.</summary>
    public SliceKind Kind { get; }

    /// <summary>The index (for <see cref="SliceKind.Index"/>) or the slice start; null means the default.</summary>
    public long? Start { get; }

    /// <summary>The slice stop (exclusive); null means the default.</summary>
    public long? Stop { get; }

    /// <summary>The slice step (never 0).</summary>
    public long Step { get; }

    /// <summary>Whether <see cref="Start"/> counts from the end (from a ^n index).</summary>
    public bool StartFromEnd { get; }

    /// <summary>Whether <see cref="Stop"/> counts from the end (from a ^n index).</summary>
    public bool StopFromEnd { get; }

    /// <summary>A single index, which drops the axis; negative values count from the end.</summary>
    public static SliceIndex At(long index) => new(SliceKind.Index, index, null, 1);

    /// <summary>A slice start..stop:step; null bounds take NumPy's defaults for the step's sign.</summary>
    public static SliceIndex Range(long? start, long? stop, long step = 1)
    {
        if (step == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "slice step cannot be zero");
        }

        return new(SliceKind.Slice, start, stop, step);
    }

    /// <summary>The whole axis.</summary>
    public static SliceIndex All => new(SliceKind.Slice, null, null, 1);

    /// <summary>Inserts a new axis of length 1.</summary>
    public static SliceIndex NewAxis => new(SliceKind.NewAxis, null, null, 1);

    /// <summary>A single index.</summary>
    public static implicit operator SliceIndex(int index) => At(index);

    /// <summary>A single index.</summary>
    public static implicit operator SliceIndex(long index) => At(index);

    /// <summary>A single index; ^n counts from the end.</summary>
    public static implicit operator SliceIndex(Index index) => index.IsFromEnd ? At(-index.Value) : At(index.Value);

    /// <summary>A slice with step 1; ^n bounds count from the end, and .. is the whole axis.</summary>
    public static implicit operator SliceIndex(Range range) =>
        new(SliceKind.Slice,
            range.Start.IsFromEnd && range.Start.Value == 0 ? null : range.Start.Value,
            range.End.IsFromEnd && range.End.Value == 0 ? null : range.End.Value,
            1,
            range.Start.IsFromEnd,
            range.End.IsFromEnd);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        SliceKind.Index => $"{Start}",
        SliceKind.NewAxis => "newaxis",
        _ => $"{Fmt(Start, StartFromEnd)}:{Fmt(Stop, StopFromEnd)}{(Step == 1 ? "" : $":{Step}")}",
    };

    private static string Fmt(long? v, bool fromEnd) => v is null ? "" : fromEnd ? $"-{v}" : $"{v}";
}

/// <summary>The kind of a <see cref="SliceIndex"/>.</summary>
public enum SliceKind
{
    /// <summary>A single position; the axis is dropped.</summary>
    Index,
    /// <summary>A range with a step.</summary>
    Slice,
    /// <summary>A new axis of length 1.</summary>
    NewAxis,
}
