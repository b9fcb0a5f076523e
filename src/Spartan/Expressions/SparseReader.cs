using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Reads evaluated sparse tiles back to the driver: COO triples, and the stored size of each tile.</summary>
internal static class SparseReader
{
    public static (long[] Rows, long[] Cols, double[] Values) ToCoo(Expr x)
    {
        if (!x.IsSparse)
        {
            return DenseToCoo(x);
        }

        DistArray d = x.Evaluate();
        CsrParts[] tiles = ReadTiles(d);
        long nnz = tiles.Sum(t => (long)t.Nnz);
        var rows = new long[nnz];
        var cols = new long[nnz];
        var values = new double[nnz];
        long at = 0;
        for (int g = 0; g < tiles.Length; g++)
        {
            CsrParts t = tiles[g];
            long row0 = d.TileSet.Grid.Extent(g).UlSpan[0];
            for (int i = 0; i < t.Rows; i++)
            {
                for (int k = t.RowPtr[i]; k < t.RowPtr[i + 1]; k++, at++)
                {
                    rows[at] = row0 + i;
                    cols[at] = t.Cols[k];
                    values[at] = t.Values[k];
                }
            }
        }

        return (rows, cols, values);
    }

    /// <summary>The CSR payload of every tile, in tile (= row) order. In-process reads are the stored tiles themselves.</summary>
    public static CsrParts[] ReadTiles(DistArray d)
    {
        TileSet tiles = d.TileSet;
        var result = new CsrParts[tiles.Tiles.Length];
        for (int g = 0; g < result.Length; g++)
        {
            using TileLease lease = tiles.Master.ReadAsync(tiles.Tiles[g], tiles.Grid.Extent(g), CancellationToken.None).GetAwaiter().GetResult();
            result[g] = lease.Data.Csr ?? throw new InvalidOperationException($"tile {g} of a sparse array is not a CSR tile");
        }

        return result;
    }

    private static (long[] Rows, long[] Cols, double[] Values) DenseToCoo(Expr x)
    {
        if (x.Ndim != 2)
        {
            throw new ArgumentException($"ToCoo needs a 2-d array, got shape {x.Shape}", nameof(x));
        }

        NDArray a = x.AsType(DType.Float64).Glom();
        ReadOnlySpan<double> v = a.AsSpan<double>();
        long n = x.Shape[1];
        var rows = new List<long>();
        var cols = new List<long>();
        var values = new List<double>();
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] != 0)
            {
                rows.Add(i / n);
                cols.Add(i % n);
                values.Add(v[i]);
            }
        }

        return ([.. rows], [.. cols], [.. values]);
    }
}
