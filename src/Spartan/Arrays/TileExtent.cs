namespace Spartan;

/// <summary>A box inside an array: <see cref="Ul"/> inclusive, <see cref="Lr"/> exclusive, in global coordinates.</summary>
public sealed class TileExtent : IEquatable<TileExtent>
{
    private readonly long[] _ul;
    private readonly long[] _lr;

    /// <summary>Creates an extent of an array of shape <paramref name="arrayShape"/>; the box must lie inside it.</summary>
    public TileExtent(long[] ul, long[] lr, Shape arrayShape)
    {
        ArgumentNullException.ThrowIfNull(ul);
        ArgumentNullException.ThrowIfNull(lr);
        if (ul.Length != arrayShape.Rank || lr.Length != arrayShape.Rank)
        {
            throw new ArgumentException($"corners of rank {ul.Length}/{lr.Length} do not match an array of shape {arrayShape}", nameof(ul));
        }

        for (int i = 0; i < ul.Length; i++)
        {
            if (ul[i] < 0 || lr[i] < ul[i] || lr[i] > arrayShape.Dims[i])
            {
                throw new ArgumentOutOfRangeException(nameof(lr), $"extent [{string.Join(", ", ul)}]..[{string.Join(", ", lr)}] does not lie inside shape {arrayShape} on axis {i}");
            }
        }

        _ul = (long[])ul.Clone();
        _lr = (long[])lr.Clone();
        ArrayShape = arrayShape;
        var dims = new long[ul.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = lr[i] - ul[i];
        }

        Shape = new Shape(dims);
    }

    /// <summary>The extent covering a whole array.</summary>
    public static TileExtent Whole(Shape arrayShape) => new(new long[arrayShape.Rank], arrayShape.ToArray(), arrayShape);

    /// <summary>Upper-left corner, inclusive.</summary>
    public long[] Ul => (long[])_ul.Clone();

    /// <summary>Lower-right corner, exclusive.</summary>
    public long[] Lr => (long[])_lr.Clone();

    internal ReadOnlySpan<long> UlSpan => _ul;

    internal ReadOnlySpan<long> LrSpan => _lr;

    /// <summary>The shape of the box.</summary>
    public Shape Shape { get; }

    /// <summary>The shape of the array the box lies in.</summary>
    public Shape ArrayShape { get; }

    /// <summary>Number of elements in the box.</summary>
    public long Size => Shape.Size;

    /// <summary>Whether <paramref name="other"/> lies entirely inside this box.</summary>
    public bool Contains(TileExtent other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckSameArray(other);
        for (int i = 0; i < _ul.Length; i++)
        {
            if (other._ul[i] < _ul[i] || other._lr[i] > _lr[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The overlap of two boxes of the same array, or null when they do not overlap.</summary>
    public TileExtent? Intersect(TileExtent other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckSameArray(other);
        var ul = new long[_ul.Length];
        var lr = new long[_ul.Length];
        for (int i = 0; i < ul.Length; i++)
        {
            ul[i] = Math.Max(_ul[i], other._ul[i]);
            lr[i] = Math.Min(_lr[i], other._lr[i]);
            if (lr[i] <= ul[i] && !(lr[i] == ul[i] && _lr[i] == _ul[i] && other._lr[i] == other._ul[i]))
            {
                return null;
            }
        }

        return new TileExtent(ul, lr, ArrayShape);
    }

    /// <summary>The box as one slice per axis (start..stop, step 1).</summary>
    public SliceIndex[] ToSlices()
    {
        var s = new SliceIndex[_ul.Length];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = SliceIndex.Range(_ul[i], _lr[i]);
        }

        return s;
    }

    /// <summary>This box in the coordinates of <paramref name="outer"/>, which must contain it.</summary>
    internal long[] OffsetIn(TileExtent outer)
    {
        var o = new long[_ul.Length];
        for (int i = 0; i < o.Length; i++)
        {
            o[i] = _ul[i] - outer._ul[i];
        }

        return o;
    }

    /// <inheritdoc/>
    public bool Equals(TileExtent? other) =>
        other is not null && ArrayShape == other.ArrayShape && _ul.AsSpan().SequenceEqual(other._ul) && _lr.AsSpan().SequenceEqual(other._lr);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TileExtent);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (long v in _ul)
        {
            h.Add(v);
        }

        foreach (long v in _lr)
        {
            h.Add(v);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", _ul)}]..[{string.Join(", ", _lr)}] of {ArrayShape}";

    private void CheckSameArray(TileExtent other)
    {
        if (other.ArrayShape != ArrayShape)
        {
            throw new ArgumentException($"extent of shape {other.ArrayShape} compared with an extent of shape {ArrayShape}", nameof(other));
        }
    }
}
