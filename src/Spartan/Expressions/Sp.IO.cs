using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.IO;

namespace Spartan;

public static partial class Sp
{
    /// <summary>A lazy distributed array read from a NumPy .npy file (format 1.0, 2.0 or 3.0; bool, int32, int64,
    /// float32 or float64; either byte order; C or Fortran order). The header is checked now, so a missing, corrupt or
    /// unsupported file throws here (<see cref="IOException"/> or <see cref="InvalidDataException"/>, naming the file);
    /// each tile is read from the file by the worker that holds it when the array is evaluated, and read again if it
    /// is lost.</summary>
    /// <param name="path">The .npy file.</param>
    /// <param name="tileHint">The tile shape; null for the default tiling.</param>
    /// <param name="progress">Receives the fraction read (0 to 1) during the first evaluation.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr FromNpy(string path, Shape? tileHint = null, IProgress<double>? progress = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        NpyHeader h = NpyFile.Describe(full);
        SpartanContext ctx = SpartanContext.Current;
        long token = IOProgressHub.Register("from_npy", full, h.DataBytes, progress, ctx.Options);
        var kernel = new NpyReadKernel(full, null, h.DataOffset, h.DType, h.BigEndian, h.Fortran, h.Shape.ToArray(), h.DataOffset + h.DataBytes, token);
        return Expr.Wrap(new SourceNode(h.Shape, h.DType, kernel, tileHint, $"from_npy({Path.GetFileName(full)})", ctx, CallSite.At(file, line)));
    }

    /// <summary>A lazy distributed array read from member <paramref name="name"/> (with or without ".npy") of a NumPy
    /// .npz archive, stored or deflated. Each tile task reads its own region; a deflated member is decompressed from
    /// its start up to the tile, never held whole in memory.</summary>
    /// <param name="path">The .npz archive.</param>
    /// <param name="name">The array's name in the archive (as given to numpy.savez).</param>
    /// <param name="tileHint">The tile shape; null for the default tiling.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr FromNpz(string path, string name, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(name);
        string full = Path.GetFullPath(path);
        (string member, NpyHeader h, long length) = Npz.Describe(full, name);
        var kernel = new NpyReadKernel(full, member, h.DataOffset, h.DType, h.BigEndian, h.Fortran, h.Shape.ToArray(), length, 0);
        return Expr.Wrap(new SourceNode(h.Shape, h.DType, kernel, tileHint, $"from_npz({Path.GetFileName(full)}[{name}])", SpartanContext.Current, CallSite.At(file, line)));
    }

    /// <summary>Evaluates <paramref name="x"/> and writes it to a NumPy .npy file (format 1.0, or 2.0 for huge headers;
    /// C order, little-endian). Each worker writes its own tiles at their offsets of a temporary file, which is
    /// fsynced and then renamed over <paramref name="path"/>: a failure never leaves a partial file there.</summary>
    /// <param name="x">The array.</param>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="progress">Receives the fraction written (0 to 1).</param>
    public static void ToNpy(Expr x, string path, IProgress<double>? progress = null)
    {
        Expr.Arg(x, nameof(x));
        NoSparseStore(x, "ToNpy");
        ArgumentException.ThrowIfNullOrEmpty(path);
        DistArray d = x.Evaluate();
        NpyFile.WriteAsync(d, Path.GetFullPath(path), progress, x.Context.Options, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
    }

    /// <summary>Evaluates <paramref name="x"/> and saves it as a tiled store: the directory <paramref name="path"/>
    /// with one .npy file per tile (written by the worker holding the tile) and a checksummed manifest. The save is
    /// atomic: until the new manifest is renamed into place, the previous save stays intact and loadable.</summary>
    /// <param name="x">The array.</param>
    /// <param name="path">The store directory (created if missing).</param>
    /// <param name="progress">Receives the fraction written (0 to 1).</param>
    public static void Save(Expr x, string path, IProgress<double>? progress = null)
    {
        Expr.Arg(x, nameof(x));
        NoSparseStore(x, "Save");
        ArgumentException.ThrowIfNullOrEmpty(path);
        DistArray d = x.Evaluate();
        TiledStore.SaveAsync(d, path, progress, x.Context.Options, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
    }

    /// <summary>A lazy array loaded from a tiled store written by <see cref="Save"/>. The manifest is read and checked
    /// now; tiles are read (and their checksums verified) by the workers when the array is evaluated. Any worker count
    /// works; without a tile hint the stored tiling is kept.</summary>
    /// <param name="path">The store directory.</param>
    /// <param name="tileHint">The tile shape to load into; null keeps the stored tiling.</param>
    /// <param name="progress">Receives the fraction read (0 to 1) during each evaluation.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr Load(string path, Shape? tileHint = null, IProgress<double>? progress = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        StoreManifest m = StoreManifest.Read(path);
        int rank = m.Shape.Rank;
        return Expr.Wrap(new StoreNode(m, new long[rank], m.Shape.ToArray(), new bool[rank], tileHint, null, progress, $"load({Path.GetFileName(m.Directory)})", SpartanContext.Current, CallSite.At(file, line)));
    }

    /// <summary>A lazy array holding one region of a tiled store: only the stored tiles that meet the region are read,
    /// and of those only the checksum chunks that hold needed rows. Each entry of <paramref name="region"/> is an
    /// integer (the axis is dropped, as in NumPy) or a step-1 slice; missing trailing entries take whole axes.</summary>
    /// <param name="path">The store directory.</param>
    /// <param name="region">The region, one entry per leading axis.</param>
    public static Expr PartialLoad(string path, params SliceIndex[] region)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        StoreManifest m = StoreManifest.Read(path);
        (long[] ul, long[] lr, bool[] dropped) = TiledStore.Region(m.Shape, region);
        string label = $"partial_load({Path.GetFileName(m.Directory)}[{string.Join(", ", region)}])";
        return Expr.Wrap(new StoreNode(m, ul, lr, dropped, null, null, null, label, SpartanContext.Current, CallSite.Capture()));
    }

    /// <summary>Evaluates <paramref name="x"/> and checkpoints it. The returned array holds the same tiles, but its
    /// lineage root is the checkpoint: if its tiles are dropped or lost, they are restored from the checkpoint
    /// instead of recomputing <paramref name="x"/>'s inputs. <see cref="CheckpointMode.Disk"/> saves a tiled store
    /// under <see cref="SpartanOptions.CheckpointDirectory"/> (or the temp directory); <see cref="CheckpointMode.Replica"/>
    /// keeps a second copy of every tile on the next worker.</summary>
    /// <param name="x">The array.</param>
    /// <param name="mode">Where the checkpoint lives.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static DistArray Checkpoint(Expr x, CheckpointMode mode = CheckpointMode.Disk, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(x, nameof(x));
        NoSparseStore(x, "Checkpoint");
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown CheckpointMode");
        }

        return Checkpoints.CreateAsync(x, mode, CallSite.At(file, line), CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
    }

    /// <summary>Stores hold dense tiles only: a sparse array is refused with the two ways to keep it.</summary>
    private static void NoSparseStore(Expr x, string op)
    {
        if (x.IsSparse)
        {
            throw new ArgumentException($"{op} does not support sparse arrays yet (stores hold dense tiles); store x.ToDense(), or keep x.ToCoo()'s triples (e.g. as three .npy files) and rebuild with Sp.SparseFromCoo", nameof(x));
        }
    }
}
