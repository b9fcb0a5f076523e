namespace Spartan;

/// <summary>
/// The CSR payload of a sparse tile (a row block spanning every column of its array): <see cref="RowPtr"/> has one entry
/// per row plus one, <see cref="Cols"/> holds global column indices (= tile-local ones, since a sparse tile always spans
/// all columns) sorted and unique per row, <see cref="Values"/> float64. The arrays may be longer than
/// <see cref="Nnz"/>; only the first Nnz entries count. Shared between tiles only when immutable (tiles never change).
/// </summary>
internal sealed record CsrParts(int[] RowPtr, int[] Cols, double[] Values)
{
    public int Rows => RowPtr.Length - 1;

    public int Nnz => RowPtr[^1];

    /// <summary>Bytes of the CSR arrays as SciPy counts them: 4 per row pointer, 12 per entry.</summary>
    public long Bytes => (4L * RowPtr.Length) + (12L * Nnz);

    public ReadOnlySpan<int> ColSpan => Cols.AsSpan(0, Nnz);

    public ReadOnlySpan<double> ValueSpan => Values.AsSpan(0, Nnz);
}
