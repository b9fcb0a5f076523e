namespace Spartan;

/// <summary>Progress of one save or load, as the options-wide sink (<see cref="SpartanOptions.IOProgress"/>) sees it.</summary>
/// <param name="Operation">"save", "load", "to_npy" or "from_npy".</param>
/// <param name="Path">The file or store directory.</param>
/// <param name="BytesDone">Bytes read or written so far.</param>
/// <param name="BytesTotal">Bytes the operation moves in all.</param>
public sealed record IOProgressInfo(string Operation, string Path, long BytesDone, long BytesTotal)
{
    /// <summary>The fraction done, 0 to 1.</summary>
    public double Fraction => BytesTotal <= 0 ? 1 : Math.Min(1, (double)BytesDone / BytesTotal);
}
