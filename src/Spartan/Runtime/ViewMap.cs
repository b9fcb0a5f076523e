namespace Spartan.Runtime;

/// <summary>How one input axis is addressed from the output (domain) index: input index =
/// <see cref="Start"/> + <see cref="Step"/> * output index on axis <see cref="OutAxis"/>; with OutAxis &lt; 0 the input
/// index is fixed at Start (an integer index that dropped the axis).</summary>
/// <param name="OutAxis">The output axis, or -1.</param>
/// <param name="Start">The input index at output index 0.</param>
/// <param name="Step">The input step per output step (0 broadcasts, negative reverses).</param>
public readonly record struct AxisMap(int OutAxis, long Start, long Step);

/// <summary>
/// An affine index map from an output (view) index to an input index, one <see cref="AxisMap"/> per input axis.
/// Slices with steps, integer indices, new axes, transposes, broadcasts and diagonals are all such maps, and maps
/// compose, so a slice of a transpose of a broadcast is one map. Views are free: a consumer reads the input through
/// the map, only the regions it needs.
/// </summary>
/// <param name="Axes">One entry per input axis.</param>
/// <param name="OutShape">The view's shape.</param>
public sealed record ViewMap(AxisMap[] Axes, Shape OutShape)
{
    /// <summary>The map of NumPy broadcasting from <paramref name="outShape"/> to an operand of shape <paramref name="input"/>.</summary>
    public static ViewMap Broadcast(Shape input, Shape outShape)
    {
        int r = outShape.Rank, q = input.Rank;
        var axes = new AxisMap[q];
        for (int j = 0; j < q; j++)
        {
            int k = j + (r - q);
            axes[j] = new AxisMap(k, 0, input.Dims[j] == 1 && outShape.Dims[k] != 1 ? 0 : 1);
        }

        return new ViewMap(axes, outShape);
    }

    /// <summary>This map applied after <paramref name="outer"/>: the input of <paramref name="outer"/> is this map's output.</summary>
    public ViewMap After(ViewMap outer)
    {
        var axes = new AxisMap[Axes.Length];
        for (int j = 0; j < axes.Length; j++)
        {
            AxisMap m = Axes[j];
            if (m.OutAxis < 0)
            {
                axes[j] = m;
                continue;
            }

            // m reads intermediate axis m.OutAxis, which outer gives as outer.Start + outer.Step * o.
            AxisMap o = outer.Axes[m.OutAxis];
            axes[j] = o.OutAxis < 0
                ? new AxisMap(-1, m.Start + m.Step * o.Start, 0)
                : new AxisMap(o.OutAxis, m.Start + m.Step * o.Start, m.Step * o.Step);
        }

        return new ViewMap(axes, outer.OutShape);
    }

    /// <summary>Whether the map is the identity on an input of this shape.</summary>
    public bool IsIdentity(Shape input)
    {
        if (input != OutShape)
        {
            return false;
        }

        for (int j = 0; j < Axes.Length; j++)
        {
            if (Axes[j] != new AxisMap(j, 0, 1) && !(input.Dims[j] == 1 && Axes[j].OutAxis == j))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The box of the input that the output box <paramref name="output"/> reads.</summary>
    public TileExtent Region(TileExtent output, Shape input)
    {
        var ul = new long[Axes.Length];
        var lr = new long[Axes.Length];
        bool empty = output.Size == 0;
        for (int j = 0; j < Axes.Length; j++)
        {
            AxisMap m = Axes[j];
            if (empty)
            {
                ul[j] = lr[j] = 0;
                continue;
            }

            if (m.OutAxis < 0 || m.Step == 0)
            {
                ul[j] = m.Start;
                lr[j] = m.Start + 1;
                continue;
            }

            long a = m.Start + m.Step * output.UlSpan[m.OutAxis];
            long b = m.Start + m.Step * (output.LrSpan[m.OutAxis] - 1);
            ul[j] = Math.Min(a, b);
            lr[j] = Math.Max(a, b) + 1;
        }

        return new TileExtent(ul, lr, input);
    }

    /// <summary>The offset of output element <paramref name="domain"/>.Ul in the dense buffer of <paramref name="region"/>,
    /// and the buffer stride per output axis.</summary>
    public (long Base, long[] Strides) Layout(TileExtent domain, TileExtent region)
    {
        long[] rs = region.Shape.Strides();
        var strides = new long[domain.Shape.Rank];
        long baseOffset = 0;
        if (domain.Size == 0)
        {
            return (0, strides);
        }

        for (int j = 0; j < Axes.Length; j++)
        {
            AxisMap m = Axes[j];
            long first = m.OutAxis < 0 ? m.Start : m.Start + m.Step * domain.UlSpan[m.OutAxis];
            baseOffset += (first - region.UlSpan[j]) * rs[j];
            if (m.OutAxis >= 0)
            {
                strides[m.OutAxis] += m.Step * rs[j];
            }
        }

        return (baseOffset, strides);
    }

    /// <inheritdoc/>
    public bool Equals(ViewMap? other) => other is not null && OutShape == other.OutShape && Axes.AsSpan().SequenceEqual(other.Axes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(OutShape, Axes.Length);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", Axes.Select(m => m.OutAxis < 0 ? $"{m.Start}" : m.Step == 1 && m.Start == 0 ? $"o{m.OutAxis}" : $"{m.Start}{(m.Step >= 0 ? "+" : "")}{m.Step}*o{m.OutAxis}"));
}
