namespace Spartan.Examples;

/// <summary>Solves a small symmetric positive definite system locally: A = L Lᵀ, then two triangular solves.</summary>
public static class Cholesky
{
    /// <summary>The lower-triangular factor L (row-major n x n) of the SPD matrix <paramref name="a"/> (row-major n x n).</summary>
    /// <exception cref="ArgumentException">The matrix is not square or not positive definite.</exception>
    public static double[] Factor(double[] a, int n)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Length != n * n)
        {
            throw new ArgumentException($"expected an {n} x {n} matrix, got {a.Length} values", nameof(a));
        }

        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            double s = a[(j * n) + j];
            for (int p = 0; p < j; p++)
            {
                s -= l[(j * n) + p] * l[(j * n) + p];
            }

            if (!(s > 0))
            {
                throw new ArgumentException($"the matrix is not positive definite (pivot {j} is {s})", nameof(a));
            }

            double d = Math.Sqrt(s);
            l[(j * n) + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double t = a[(i * n) + j];
                for (int p = 0; p < j; p++)
                {
                    t -= l[(i * n) + p] * l[(j * n) + p];
                }

                l[(i * n) + j] = t / d;
            }
        }

        return l;
    }

    /// <summary>Solves A x = b for SPD A (row-major n x n).</summary>
    /// <exception cref="ArgumentException">The shapes disagree or A is not positive definite.</exception>
    public static double[] Solve(double[] a, double[] b, int n)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.Length != n)
        {
            throw new ArgumentException($"expected {n} right-hand-side values, got {b.Length}", nameof(b));
        }

        double[] l = Factor(a, n);
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int p = 0; p < i; p++)
            {
                s -= l[(i * n) + p] * y[p];
            }

            y[i] = s / l[(i * n) + i];
        }

        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int p = i + 1; p < n; p++)
            {
                s -= l[(p * n) + i] * x[p];
            }

            x[i] = s / l[(i * n) + i];
        }

        return x;
    }
}
