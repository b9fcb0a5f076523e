using Spartan.Kernels.Sparse;

namespace Spartan.Kernels.Tests;

/// <summary>The CSR kernels on tiny blocks (0..6 entries, empty rows, duplicates) against dense loops.</summary>
public class CsrTests
{
    private static (int[] RowPtr, int[] Cols, double[] Values, double[] Dense) Build(int rows, int width, int nnz, int seed)
    {
        var rng = new System.Random(seed);
        var r = new int[nnz];
        var c = new int[nnz];
        var v = new double[nnz];
        var dense = new double[rows * width];
        for (int e = 0; e < nnz; e++)
        {
            r[e] = rng.Next(rows);
            c[e] = rng.Next(width);
            v[e] = rng.Next(-5, 6);
            dense[(r[e] * width) + c[e]] += v[e];
        }

        var rowPtr = new int[rows + 1];
        var cols = new int[nnz];
        var values = new double[nnz];
        int kept = Csr.FromCoo(r, c, v, rows, rowPtr, cols, values);
        Assert.Equal(kept, rowPtr[rows]);
        return (rowPtr, cols[..kept], values[..kept], dense);
    }

    [Fact]
    public void FromCooSortsAndSumsDuplicates()
    {
        for (int nnz = 0; nnz <= 6; nnz++)
        {
            for (int seed = 0; seed < 20; seed++)
            {
                (int[] rowPtr, int[] cols, double[] values, double[] dense) = Build(4, 3, nnz, seed);
                var back = new double[12];
                Csr.ToDense(rowPtr, cols, values, 3, back);
                Assert.Equal(dense, back);
                for (int i = 0; i < 4; i++)
                {
                    for (int k = rowPtr[i] + 1; k < rowPtr[i + 1]; k++)
                    {
                        Assert.True(cols[k] > cols[k - 1], "columns sorted and unique within a row");
                    }
                }
            }
        }
    }

    [Fact]
    public void LongRowsSortStably()
    {
        // 100 entries in one row (the Array.Sort path), each column hit several times.
        int[] r = new int[100], c = Enumerable.Range(0, 100).Select(i => (i * 37) % 23).ToArray();
        double[] v = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        var rowPtr = new int[2];
        var cols = new int[100];
        var values = new double[100];
        int kept = Csr.FromCoo(r, c, v, 1, rowPtr, cols, values);
        Assert.Equal(23, kept);
        for (int j = 0; j < 23; j++)
        {
            Assert.Equal(j, cols[j]);
            Assert.Equal(Enumerable.Range(0, 100).Where(i => c[i] == j).Sum(i => (double)i), values[j]);
        }
    }

    [Fact]
    public void MultiplyVectorMatchesDense()
    {
        for (int rows = 0; rows <= 5; rows++)
        {
            for (int nnz = 0; nnz <= 6; nnz++)
            {
                (int[] rowPtr, int[] cols, double[] values, double[] dense) = Build(Math.Max(rows, 1), 4, rows == 0 ? 0 : nnz, nnz);
                if (rows == 0)
                {
                    rowPtr = [0];
                    dense = [];
                }

                double[] x = [1.5, -2, 0.25, 3];
                var y = Enumerable.Repeat(double.NaN, rows).ToArray();
                Csr.MultiplyVector(rowPtr, cols, values, x, y);
                for (int i = 0; i < rows; i++)
                {
                    double s = 0;
                    for (int k = 0; k < 4; k++)
                    {
                        s += dense[(i * 4) + k] * x[k];
                    }

                    Assert.Equal(s, y[i], 12);
                }

                var c = new double[rows * 2];
                double[] b = [1, 2, 3, 4, 5, 6, 7, 8];
                Csr.MultiplyMatrix(rowPtr, cols, values, b, 2, c);
                for (int i = 0; i < rows; i++)
                {
                    for (int j = 0; j < 2; j++)
                    {
                        double s = 0;
                        for (int k = 0; k < 4; k++)
                        {
                            s += dense[(i * 4) + k] * b[(k * 2) + j];
                        }

                        Assert.Equal(s, c[(i * 2) + j], 12);
                    }
                }
            }
        }
    }

    [Fact]
    public void MultiplyVectorSumsEachRowSeriallyInColumnOrder()
    {
        // Rows of 0..700 entries (past the stream prefetch distance), values that make the order of the adds visible,
        // and x holding infinities and a NaN: every path must give the bits of one accumulator per row, entries in
        // column order (SciPy's csr_matvec), so the product does not depend on the SIMD level or the tiling.
        var rng = new System.Random(11);
        int width = 3000;
        int[] lengths = [0, 1, 2, 7, 700, 0, 3, 256, 257, 31, 0, 5];
        var rowPtr = new int[lengths.Length + 1];
        for (int i = 0; i < lengths.Length; i++)
        {
            rowPtr[i + 1] = rowPtr[i] + lengths[i];
        }

        int nnz = rowPtr[^1];
        var cols = new int[nnz];
        var values = new double[nnz];
        for (int i = 0; i < lengths.Length; i++)
        {
            int[] row = Enumerable.Range(0, width).OrderBy(_ => rng.Next()).Take(lengths[i]).Order().ToArray();
            row.CopyTo(cols, rowPtr[i]);
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++)
            {
                values[k] = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 9));
            }
        }

        double[] x = Enumerable.Range(0, width).Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 9))).ToArray();
        x[cols[rowPtr[6]]] = double.PositiveInfinity; // row 6 (3 entries) becomes ±inf
        x[cols[rowPtr[9] + 4]] = double.NaN;          // row 9 becomes NaN
        var y = new double[lengths.Length];
        var z = new double[lengths.Length];
        Csr.MultiplyVector(rowPtr, cols, values, x, y);
        Csr.MultiplyVector(rowPtr, cols, values, x, z, 0.85, 1e-7);
        for (int i = 0; i < lengths.Length; i++)
        {
            double s = 0;
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++)
            {
                s += values[k] * x[cols[k]];
            }

            Assert.Equal(BitConverter.DoubleToInt64Bits(s), BitConverter.DoubleToInt64Bits(y[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits((0.85 * s) + 1e-7), BitConverter.DoubleToInt64Bits(z[i]));
        }

        double[] gathered = cols.Select(c => x[c]).ToArray();
        var g = new double[lengths.Length];
        var h = new double[lengths.Length];
        Csr.MultiplyGathered(rowPtr, values, gathered, g);
        Csr.MultiplyGathered(rowPtr, values, gathered, h, 0.85, 1e-7);
        Assert.Equal(y.Select(BitConverter.DoubleToInt64Bits), g.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(z.Select(BitConverter.DoubleToInt64Bits), h.Select(BitConverter.DoubleToInt64Bits));

        Assert.True(double.IsInfinity(y[6]) && double.IsNaN(y[9]), "the special values reached their rows");

        // Coded values (a table of the distinct ones) give the same bits; these values are nearly all distinct, so
        // recode them with few distinct values first.
        double[] few = values.Select((v, k) => k % 5 == 0 ? -0.0 : ((k % 11) - 5) * 0.7 * Math.Sign(v)).ToArray();
        var codes = new byte[nnz];
        double[] table = ValueCodes.TryEncode(few, codes) ?? throw new InvalidOperationException("few values must code");
        var stored = new double[lengths.Length];
        var coded = new double[lengths.Length];
        Csr.MultiplyVector(rowPtr, cols, few, x, stored, 0.85, 1e-7);
        Csr.MultiplyVector(rowPtr, cols, codes, table, x, coded, 0.85, 1e-7);
        Assert.Equal(stored.Select(BitConverter.DoubleToInt64Bits), coded.Select(BitConverter.DoubleToInt64Bits));
        Csr.MultiplyVector(rowPtr, cols, few, x, stored);
        Csr.MultiplyVector(rowPtr, cols, codes, table, x, coded);
        Assert.Equal(stored.Select(BitConverter.DoubleToInt64Bits), coded.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void ValueCodesKeepEveryBitPatternAndStopPast256()
    {
        double[] specials = [0.0, -0.0, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001), double.PositiveInfinity, 1e-310];
        double[] values = Enumerable.Range(0, 5000).Select(i => i % 9 < specials.Length ? specials[i % 9] : i % 250).ToArray();
        var codes = new byte[values.Length];
        double[]? table = ValueCodes.TryEncode(values, codes);
        Assert.NotNull(table);
        Assert.Equal(ValueCodes.MaxDistinct, table.Length);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(table[codes[i]]));
        }

        double[] exactly256 = Enumerable.Range(0, 1000).Select(i => (double)(i % 256)).ToArray();
        Assert.NotNull(ValueCodes.TryEncode(exactly256, new byte[1000]));
        double[] distinct257 = Enumerable.Range(0, 1000).Select(i => (double)(i % 257)).ToArray();
        Assert.Null(ValueCodes.TryEncode(distinct257, new byte[1000]));
        Assert.NotNull(ValueCodes.TryEncode([], []));
        Assert.Throws<ArgumentException>(() => ValueCodes.TryEncode([1.0], new byte[2]));
        Assert.Throws<ArgumentException>(() => Csr.MultiplyVector([0, 1], [0], [0], new double[255], [1.0], new double[1]));
    }

    [Fact]
    public void ReductionsCountImplicitZeros()
    {
        // Rows: [-1 -2] (full, no implicit zero), [3 _], [_ _].
        int[] rowPtr = [0, 2, 3, 3];
        int[] cols = [0, 1, 0];
        double[] values = [-1, -2, 3];
        var o = new double[3];
        CsrReduce.Rows(CsrReduction.Max, rowPtr, values, 2, o);
        Assert.Equal([-1.0, 3, 0], o);
        CsrReduce.Rows(CsrReduction.Min, rowPtr, values, 2, o);
        Assert.Equal([-2.0, 0, 0], o);
        CsrReduce.Rows(CsrReduction.Sum, rowPtr, values, 2, o);
        Assert.Equal([-3.0, 3, 0], o);
        var col = new double[2];
        col.AsSpan().Fill(CsrReduce.Identity(CsrReduction.Min));
        CsrReduce.Columns(CsrReduction.Min, rowPtr, cols, values, col);
        Assert.Equal([-1.0, -2], col);
        Assert.Equal(3.0, CsrReduce.All(CsrReduction.Max, rowPtr, values, 2));
        Assert.Equal(3.0, CsrReduce.All(CsrReduction.CountNonzero, rowPtr, values, 2));
        Assert.Equal(0.0, CsrReduce.All(CsrReduction.Sum, [0], [], 2));
    }
}
