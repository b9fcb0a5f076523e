using System.Runtime.CompilerServices;

namespace Spartan;

/// <summary>The extent of an n-d array along each axis. Immutable, with value equality; <c>default</c> is the 0-d shape.</summary>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public readonly struct Shape : IEquatable<Shape>
{
    private readonly long[]? _dims;
    private readonly long _size;

    /// <summary>Builds a shape; every extent must be non-negative and the element count must fit in a long.</summary>
    public Shape(params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(dims), dims[i], $"axis {i} of shape ({string.Join(", ", dims)}) is negative");
            }

            if (dims[i] != 0 && size > long.MaxValue / dims[i])
            {
                throw new ArgumentOutOfRangeException(nameof(dims), $"shape ({string.Join(", ", dims)}) has more than {long.MaxValue} elements");
            }

            size *= dims[i];
        }

        _dims = (long[])dims.Clone();
        _size = size;
    }

    /// <summary>Collection-expression builder: <c>Shape s = [3, 4];</c>.</summary>
    public static Shape Create(ReadOnlySpan<long> dims) => new(dims.ToArray());

    /// <summary>The 0-d shape of a scalar.</summary>
    public static Shape Scalar => new([]);

    /// <summary>Number of axes.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Number of elements (1 for a 0-d shape).</summary>
    public long Size => _dims is null ? 1 : _size;

    /// <summary>The extent of an axis; negative axes count from the end.</summary>
    public long this[int axis] => Dims[NormalizeAxis(axis, Rank, nameof(axis))];

    internal ReadOnlySpan<long> Dims => _dims ?? [];

    /// <summary>A copy of the extents.</summary>
    public long[] ToArray() => Dims.ToArray();

    /// <summary>Row-major strides, in elements.</summary>
    internal long[] Strides()
    {
        var s = new long[Rank];
        long acc = 1;
        for (int i = Rank - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= Dims[i];
        }

        return s;
    }

    /// <summary>The row-major flat position of a multi-index.</summary>
    internal long FlatIndex(ReadOnlySpan<long> index)
    {
        long f = 0;
        for (int a = 0; a < index.Length; a++)
        {
            f = f * Dims[a] + index[a];
        }

        return f;
    }

    /// <summary>The multi-index of a row-major flat position (the inverse of <see cref="FlatIndex"/>).</summary>
    internal long[] Unflat(long flat)
    {
        var idx = new long[Rank];
        for (int a = Rank - 1; a >= 0; a--)
        {
            idx[a] = flat % Dims[a];
            flat /= Dims[a];
        }

        return idx;
    }

    /// <summary>The shape with one axis removed (or set to 1 when <paramref name="keep"/>).</summary>
    internal Shape WithoutAxis(int axis, bool keep = false)
    {
        var d = new List<long>(Dims.ToArray());
        if (keep)
        {
            d[axis] = 1;
        }
        else
        {
            d.RemoveAt(axis);
        }

        return new Shape([.. d]);
    }

    /// <summary>Resolves a possibly negative axis against a rank, or throws naming the argument.</summary>
    public static int NormalizeAxis(int axis, int rank, string paramName)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(paramName, axis, $"axis {axis} is out of range for an array of rank {rank}");
        }

        return a;
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (long d in Dims)
        {
            h.Add(d);
        }

        return h.ToHashCode();
    }

    /// <summary>NumPy's spelling: "(3, 4)", "(5,)", "()".</summary>
    public override string ToString() => Rank == 1 ? $"({Dims[0]},)" : $"({string.Join(", ", Dims.ToArray())})";

    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>A 1-d shape.</summary>
    public static implicit operator Shape(int n) => new(n);

    /// <summary>A 1-d shape.</summary>
    public static implicit operator Shape(long n) => new(n);

    /// <summary>A 2-d shape.</summary>
    public static implicit operator Shape((int, int) d) => new(d.Item1, d.Item2);

    /// <summary>A 2-d shape.</summary>
    public static implicit operator Shape((long, long) d) => new(d.Item1, d.Item2);

    /// <summary>A 3-d shape.</summary>
    public static implicit operator Shape((int, int, int) d) => new(d.Item1, d.Item2, d.Item3);

    /// <summary>A 4-d shape.</summary>
    public static implicit operator Shape((int, int, int, int) d) => new(d.Item1, d.Item2, d.Item3, d.Item4);

    /// <summary>A shape from extents.</summary>
    public static implicit operator Shape(long[] d) => new(d);

    /// <summary>A shape from extents.</summary>
    public static implicit operator Shape(int[] d) => new(Array.ConvertAll(d, x => (long)x));
}
