using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Builds the <see cref="ViewMap"/>s of NumPy basic indexing, transposes and broadcasts, with NumPy's
/// bounds rules and errors that name the offending value.</summary>
internal static class ViewBuilder
{
    /// <summary>x[index...]: integers drop their axis, slices keep it (with a step), NewAxis inserts one; axes not
    /// mentioned are taken whole.</summary>
    public static ViewMap Index(Shape shape, SliceIndex[] index)
    {
        int used = index.Count(i => i.Kind != SliceKind.NewAxis);
        if (used > shape.Rank)
        {
            throw new ArgumentException($"too many indices for an array of shape {shape}: {used} were given", nameof(index));
        }

        var axes = new AxisMap[shape.Rank];
        var outDims = new List<long>();
        int j = 0;
        foreach (SliceIndex s in index)
        {
            switch (s.Kind)
            {
                case SliceKind.NewAxis:
                    outDims.Add(1);
                    break;
                case SliceKind.Index:
                {
                    long n = shape.Dims[j];
                    long i = s.Start!.Value < 0 ? s.Start.Value + n : s.Start.Value;
                    if (i < 0 || i >= n)
                    {
                        throw new ArgumentOutOfRangeException(nameof(index), s.Start, $"index {s.Start} is out of bounds for axis {j} with size {n}");
                    }

                    axes[j++] = new AxisMap(-1, i, 0);
                    break;
                }

                default:
                {
                    (long start, long len) = Resolve(s, shape.Dims[j]);
                    axes[j++] = new AxisMap(outDims.Count, start, s.Step);
                    outDims.Add(len);
                    break;
                }
            }
        }

        for (; j < shape.Rank; j++)
        {
            axes[j] = new AxisMap(outDims.Count, 0, 1);
            outDims.Add(shape.Dims[j]);
        }

        return new ViewMap(axes, new Shape([.. outDims]));
    }

    /// <summary>NumPy's slice.indices(n): the first index and the length of start:stop:step on an axis of n.</summary>
    public static (long Start, long Length) Resolve(SliceIndex s, long n)
    {
        long step = s.Step;
        long? start = s.Start is long a ? (s.StartFromEnd ? n - a : a) : null;
        long? stop = s.Stop is long b ? (s.StopFromEnd ? n - b : b) : null;
        long lo, hi;
        if (step > 0)
        {
            lo = start is long x ? Clamp(x < 0 ? x + n : x, 0, n) : 0;
            hi = stop is long y ? Clamp(y < 0 ? y + n : y, 0, n) : n;
            return (lo, hi > lo ? (hi - lo + step - 1) / step : 0);
        }

        lo = start is long x2 ? Clamp(x2 < 0 ? x2 + n : x2, -1, n - 1) : n - 1;
        hi = stop is long y2 ? Clamp(y2 < 0 ? y2 + n : y2, -1, n - 1) : -1;
        return (lo, lo > hi ? (lo - hi - step - 1) / -step : 0);
    }

    /// <summary>x.transpose(axes): output axis p is input axis axes[p].</summary>
    public static ViewMap Transpose(Shape shape, int[] axes)
    {
        int r = shape.Rank;
        if (axes.Length == 0)
        {
            axes = Enumerable.Range(0, r).Reverse().ToArray();
        }

        if (axes.Length != r)
        {
            throw new ArgumentException($"axes [{string.Join(", ", axes)}] do not match an array of rank {r}", nameof(axes));
        }

        var map = new AxisMap[r];
        var seen = new bool[r];
        var dims = new long[r];
        for (int p = 0; p < r; p++)
        {
            int a = Shape.NormalizeAxis(axes[p], r, nameof(axes));
            if (seen[a])
            {
                throw new ArgumentException($"repeated axis {axes[p]} in transpose axes [{string.Join(", ", axes)}]", nameof(axes));
            }

            seen[a] = true;
            map[a] = new AxisMap(p, 0, 1);
            dims[p] = shape.Dims[a];
        }

        return new ViewMap(map, new Shape(dims));
    }

    /// <summary>x broadcast to <paramref name="target"/>, which must be a NumPy broadcast of x's shape.</summary>
    public static ViewMap BroadcastTo(Shape shape, Shape target)
    {
        if (target.Rank < shape.Rank || Broadcasting.TryShape(shape, target) != target)
        {
            throw new ShapeMismatchException($"cannot broadcast an array of shape {shape} to shape {target}", "shape");
        }

        return ViewMap.Broadcast(shape, target);
    }

    /// <summary>A reshape that only inserts or removes axes of length 1 is a view; others are planned moves (null).</summary>
    public static ViewMap? UnitAxesReshape(Shape from, Shape to)
    {
        var fromReal = Enumerable.Range(0, from.Rank).Where(a => from.Dims[a] != 1).ToArray();
        var toReal = Enumerable.Range(0, to.Rank).Where(a => to.Dims[a] != 1).ToArray();
        if (fromReal.Length != toReal.Length || fromReal.Where((a, i) => from.Dims[a] != to.Dims[toReal[i]]).Any())
        {
            return null;
        }

        var axes = new AxisMap[from.Rank];
        int k = 0;
        for (int a = 0; a < from.Rank; a++)
        {
            axes[a] = from.Dims[a] == 1 ? new AxisMap(-1, 0, 0) : new AxisMap(toReal[k++], 0, 1);
        }

        return new ViewMap(axes, to);
    }

    private static long Clamp(long v, long lo, long hi) => Math.Min(Math.Max(v, lo), hi);
}
