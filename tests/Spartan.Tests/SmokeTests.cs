namespace Spartan.Tests;

public class SmokeTests
{
    [Fact]
    public void AddsAndSums()
    {
        using var ctx = SpartanContext.StartLocal(3);
        Expr a = Sp.Ones((10, 7), tileHint: (3, 5));
        Expr b = Sp.Arange(7).AsType(DType.Float64);
        NDArray r = (a * 2 + b).Glom();
        Assert.Equal(2.0, r.Item<double>(0, 0));
        Assert.Equal(8.0, r.Item<double>(9, 6));
        double s = (a * 2 + b).Sum().Glom().ToScalar<double>();
        Assert.Equal(10 * (14 + 21), s);
        NDArray col = (a + b).Sum(axis: 0).Glom();
        Assert.Equal(new double[] { 10, 20, 30, 40, 50, 60, 70 }, col.ToArray<double>());
        NDArray row = (a + b).Max(axis: 1).Glom();
        Assert.All(row.ToArray<double>(), v => Assert.Equal(7.0, v));
        Assert.Equal(6L, (a + b).ArgMax().Glom().ToScalar<long>());
        Assert.Equal(Enumerable.Repeat(6L, 10), (a + b).ArgMax(axis: 1).Glom().ToArray<long>());
        NDArray m = Sp.Map(a, t => t).Glom();
        Assert.Equal(70, m.ToArray<double>().Sum());
    }
}
