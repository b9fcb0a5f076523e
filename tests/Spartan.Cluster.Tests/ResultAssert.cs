namespace Spartan.Cluster.Tests;

/// <summary>Asserts that two lists of results are identical: dtype, shape and every element.</summary>
internal static class ResultAssert
{
    public static void Same(NDArray[] embedded, NDArray[] remote)
    {
        Assert.Equal(embedded.Length, remote.Length);
        for (int i = 0; i < embedded.Length; i++)
        {
            NDArray e = embedded[i], r = remote[i];
            Assert.True(e.DType == r.DType && e.Shape == r.Shape, $"result {i}: embedded {e.DType}{e.Shape}, cluster {r.DType}{r.Shape}");
            switch (e.DType)
            {
                case DType.Bool: Assert.Equal(e.ToArray<bool>(), r.ToArray<bool>()); break;
                case DType.Int32: Assert.Equal(e.ToArray<int>(), r.ToArray<int>()); break;
                case DType.Int64: Assert.Equal(e.ToArray<long>(), r.ToArray<long>()); break;
                case DType.Float32: Assert.Equal(e.ToArray<float>(), r.ToArray<float>()); break;
                default: Assert.Equal(e.ToArray<double>(), r.ToArray<double>()); break;
            }
        }
    }

    /// <summary>Computes the arrays embedded with <paramref name="workers"/> in-process workers.</summary>
    public static NDArray[] Embedded(int workers, Func<NDArray[]> compute)
    {
        using (SpartanContext.StartLocal(workers))
        {
            return compute();
        }
    }

    /// <summary>A few computations that cover maps, reductions, a user kernel with captures and views whose inputs
    /// lie on other workers (so the data plane carries tiles between workers).</summary>
    public static NDArray[] Mix()
    {
        Expr x = Sp.Rand((400, 31), seed: 21);
        Expr y = Sp.Randn((400, 31), seed: 22);
        return
        [
            (Sp.Square((x * 2) - y) + (Sp.Sqrt(x) / (Sp.Abs(y) + 1))).Glom(),
            x.Sum(axis: 0).Glom(),
            y.Std().Glom(),
            Kernels.ScaleAndShift(x, 2.5, [1, 2, 3], "abc", new Shape(4, 5)).Sum(axis: 1).Glom(),
            x[10..390, ..].T.Sum(axis: 1).Glom(),
            x.Reshape((124, 100)).Sum(axis: 0).Glom(),
        ];
    }
}
