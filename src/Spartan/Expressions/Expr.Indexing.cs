using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

public abstract partial class Expr
{
    /// <summary>Basic indexing: <c>x[1..5, ..]</c>, <c>x[^1]</c>, <c>x[Sp.Slice(0, null, 2)]</c>, <c>x[Sp.NewAxis, ..]</c>.
    /// A view: nothing is copied until a consumer reads it, and then only the regions it reads.</summary>
    public Expr this[params SliceIndex[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            return Wrap(ViewNode.Create(Node, ViewBuilder.Index(Shape, index), CallSite.Capture()));
        }
    }

    /// <summary>x[i]: the sub-array at index i of axis 0 (the axis is dropped).</summary>
    public Expr this[int index] => this[[SliceIndex.At(index)]];

    /// <summary>x[i]: the sub-array at index i of axis 0 (the axis is dropped).</summary>
    public Expr this[long index] => this[[SliceIndex.At(index)]];

    /// <summary>x[mask] with a Bool array of x's shape: the selected elements in row-major order (1-d).
    /// x[indices] with an Int32/Int64 array: the rows of x at those indices along axis 0 (negative indices wrap).</summary>
    public Expr this[Expr selector]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(selector);
            CallSite site = CallSite.Capture();
            return selector.DType switch
            {
                DType.Bool => Wrap(Selection.Mask(Node, selector.Node, site)),
                DType.Int32 or DType.Int64 => Wrap(Selection.Take(Node, selector.Node, site)),
                _ => throw new ArgumentException($"an index array must be Bool (a mask) or Int32/Int64 (indices), not {selector.DType.Name()}", nameof(selector)),
            };
        }
    }

    /// <summary>The transpose (axes reversed); a view.</summary>
    public Expr T => Transpose();

    /// <summary>Permutes the axes (reversed when none are given); a view.</summary>
    public Expr Transpose(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        return Wrap(ViewNode.Create(Node, ViewBuilder.Transpose(Shape, axes), CallSite.Capture()));
    }

    /// <summary>The same elements in a new shape (row-major order). Adding or removing axes of length 1 is a view;
    /// anything else is a planned movement that copies each tile's contiguous run once.</summary>
    public Expr Reshape(Shape shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (shape.Size != Size)
        {
            throw new ShapeMismatchException($"cannot reshape an array of size {Size} (shape {Shape}) into shape {shape}", nameof(shape));
        }

        CallSite site = CallSite.At(file, line);
        if (shape == Shape)
        {
            return Wrap(Node);
        }

        ViewMap? view = ViewBuilder.UnitAxesReshape(Shape, shape);
        return Wrap(view is not null ? ViewNode.Create(Node, view, site) : new ReshapeNode(Node, shape, site));
    }

    /// <summary>Reshape with NumPy's -1 for one inferred extent: <c>x.Reshape(-1, 4)</c>.</summary>
    public Expr Reshape(params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        int unknown = Array.IndexOf(dims, -1L);
        if (unknown >= 0)
        {
            if (dims.Count(d => d == -1) > 1)
            {
                throw new ArgumentException($"can only specify one unknown dimension in ({string.Join(", ", dims)})", nameof(dims));
            }

            long known = dims.Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
            if (known == 0 || Size % known != 0)
            {
                throw new ShapeMismatchException($"cannot reshape an array of size {Size} into shape ({string.Join(", ", dims)})", nameof(dims));
            }

            dims = (long[])dims.Clone();
            dims[unknown] = Size / known;
        }

        return Reshape(new Shape(dims));
    }

    /// <summary>The elements as a 1-d array in row-major order.</summary>
    public Expr Ravel([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reshape(new Shape(Size), file, line);

    /// <summary>A new array equal to this one with <paramref name="region"/> replaced by <paramref name="value"/>
    /// (broadcast over the region). This array is unchanged.</summary>
    public Expr Assign(Expr value, params SliceIndex[] region)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(region);
        return Wrap(Selection.Assign(Node, value.Node, ViewBuilder.Index(Shape, region), CallSite.Capture()));
    }
}
