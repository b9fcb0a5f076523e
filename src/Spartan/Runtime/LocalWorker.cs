using System.Collections.Concurrent;

namespace Spartan.Runtime;

/// <summary>
/// An in-process worker: its own tile store, kernels run on the shared <see cref="KernelPool"/>. Inputs held by
/// other workers are read through their <see cref="IWorker"/> interface, exactly as a remote worker would.
/// </summary>
public sealed class LocalWorker : IWorker
{
    private readonly ConcurrentDictionary<TileId, StoredTile> _tiles = new();
    private readonly Func<int, IWorker> _peers;
    private long _bytes;
    private long _tasksRun;
    private long _bytesFetched;
    private int _dead;

    /// <summary>Creates worker <paramref name="id"/>; <paramref name="peers"/> resolves other workers by id.</summary>
    public LocalWorker(int id, Func<int, IWorker> peers, int incarnation = 0)
    {
        Id = id;
        Incarnation = incarnation;
        _peers = peers;
    }

    /// <inheritdoc/>
    public int Id { get; }

    /// <inheritdoc/>
    public int Incarnation { get; }

    /// <summary>Whether <see cref="Kill"/> was called.</summary>
    public bool IsDead => Volatile.Read(ref _dead) != 0;

    /// <summary>Total bytes of element data read from other workers (for tests and Explain).</summary>
    public long BytesFetched => Interlocked.Read(ref _bytesFetched);

    /// <inheritdoc/>
    public Task CreateAsync(TileId id, StoredTile tile, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tile);
        ThrowIfDead();
        Store(id, tile);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task DestroyAsync(IReadOnlyList<TileId> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (TileId id in ids)
        {
            if (_tiles.TryRemove(id, out StoredTile? t))
            {
                Interlocked.Add(ref _bytes, -t.Data.Bytes);
                Pressure.Remove(t.Data.Bytes);
                if (t.Data.Pooled)
                {
                    BufferPool.Return(t.Data);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<TileLease> GetRegionAsync(TileId id, TileExtent region, CancellationToken ct = default)
    {
        ThrowIfDead();
        StoredTile t = Get(id);
        if (!t.Extent.Contains(region))
        {
            throw new ArgumentOutOfRangeException(nameof(region), $"region {region} is not inside tile {id} at {t.Extent}");
        }

        return Task.FromResult(new TileLease(Regions.Extract(t.Data, t.Extent, region)));
    }

    /// <inheritdoc/>
    public Task UpdateAsync(TileId id, TileExtent region, NDArray data, ReduceOp reducer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfDead();
        StoredTile t = Get(id);
        if (!t.Extent.Contains(region) || data.Shape != region.Shape || data.DType != t.Data.DType)
        {
            throw new ArgumentException($"update of {region} with {data.DType.Name()} data of shape {data.Shape} does not fit tile {id} at {t.Extent}", nameof(data));
        }

        // Tiles are immutable once stored (leases may alias them), so an update writes a new buffer.
        NDArray next = NDArray.Uninitialized(t.Data.Shape, t.Data.DType);
        Array.Copy(t.Data.Buffer, next.Buffer, t.Data.Buffer.Length);
        NDArray current = Regions.Extract(next, t.Extent, region);
        NDArray merged = reducer == ReduceOp.Replace ? data : Accumulate.Apply(reducer, current, data);
        Regions.Paste(merged, region, next, t.Extent);
        Store(id, new StoredTile(t.Extent, next));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<TileResult[]> RunAsync(IReadOnlyList<TileTask> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfDead();
        var results = new TileResult[batch.Sum(t => t.Outputs.Length)];
        var offsets = new int[batch.Count];
        for (int i = 1; i < batch.Count; i++)
        {
            offsets[i] = offsets[i - 1] + batch[i - 1].Outputs.Length;
        }

        await KernelPool.Shared.ForEach(batch.Count, i =>
        {
            ct.ThrowIfCancellationRequested();
            TileTask task = batch[i];
            NDArray[] outputs = Execute(task);
            for (int o = 0; o < outputs.Length; o++)
            {
                Store(task.Outputs[o], new StoredTile(task.OutputExtents[o], outputs[o]));
                results[offsets[i] + o] = new TileResult(task.Outputs[o], outputs[o].Bytes);
            }
        }).ConfigureAwait(false);
        Interlocked.Add(ref _tasksRun, batch.Count);
        return results;
    }

    /// <inheritdoc/>
    public Task<NDArray> TileOpAsync(TileTask task, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ThrowIfDead();
        return KernelPool.Shared.Run(() =>
        {
            NDArray output = Execute(task)[0];
            ThrowIfDead();
            return output;
        });
    }

    /// <inheritdoc/>
    public WorkerStatus Status() =>
        new(Id, Environment.MachineName, !IsDead, DateTimeOffset.UtcNow, _tiles.Count, Interlocked.Read(ref _bytes), Interlocked.Read(ref _tasksRun));

    internal bool Holds(TileId id) => _tiles.ContainsKey(id);

    /// <summary>Simulates the death of this worker (a test hook for failure handling): its tiles are dropped, and every
    /// later call, including the stores of tasks still running on it, throws <see cref="WorkerLostException"/>.
    /// A dead worker never comes back; later calls do nothing.</summary>
    public void Kill()
    {
        if (Interlocked.Exchange(ref _dead, 1) == 0)
        {
            DestroyAsync(_tiles.Keys.ToList()).GetAwaiter().GetResult();
        }
    }

    /// <summary>Drops every tile (the context is shutting down).</summary>
    internal void Clear() => DestroyAsync(_tiles.Keys.ToList()).GetAwaiter().GetResult();

    private NDArray[] Execute(TileTask task)
    {
        var inputs = new NDArray[task.Inputs.Length];
        var extents = new TileExtent[inputs.Length];
        // Programs address inputs through strides, so they can read a region inside a local tile in place.
        bool inPlace = task.Kernel is FusedMapKernel or ReducePartialKernel;
        for (int k = 0; k < inputs.Length; k++)
        {
            TileInput input = task.Inputs[k];
            extents[k] = input.Region;
            if (input.Lazy)
            {
                inputs[k] = NDArray.Empty(Shape.Scalar, input.DType);
            }
            else if (inPlace && input.Pieces is [{ } only] && only.Tile.Worker == Id)
            {
                StoredTile t = Get(only.Tile);
                (inputs[k], extents[k]) = (t.Data, t.Extent);
            }
            else
            {
                inputs[k] = Assemble(input);
            }
        }

        NDArray[] outputs = KernelExecutor.Run(task, inputs, (k, region) => ReadRegion(task.Inputs[k], region), extents);
        if (outputs.Length != task.Outputs.Length)
        {
            throw new InvalidOperationException($"kernel {task.Kernel.GetType().Name} returned {outputs.Length} outputs, expected {task.Outputs.Length}");
        }

        return outputs;
    }

    /// <summary>Reads a sub-region of a lazy input, from the pieces that overlap it.</summary>
    private NDArray ReadRegion(TileInput input, TileExtent region)
    {
        if (!input.Region.Contains(region))
        {
            throw new ArgumentOutOfRangeException(nameof(region), $"region {region} is outside the input {input.Region}");
        }

        var pieces = new List<TilePiece>();
        foreach (TilePiece p in input.Pieces)
        {
            if (p.Part.Intersect(region) is { } part)
            {
                pieces.Add(p with { Part = part });
            }
        }

        return Assemble(new TileInput(region, input.DType, [.. pieces]));
    }

    /// <summary>Builds one input region: a whole local tile is used in place; anything else is copied piece by piece.</summary>
    private NDArray Assemble(TileInput input)
    {
        if (input.Pieces.Length == 1)
        {
            TilePiece only = input.Pieces[0];
            if (only.Part.Equals(input.Region))
            {
                return Read(only, input.DType).Data;
            }
        }

        NDArray region = NDArray.Uninitialized(input.Region.Shape, input.DType);
        foreach (TilePiece piece in input.Pieces)
        {
            using TileLease lease = Read(piece, input.DType);
            Regions.Paste(lease.Data, piece.Part, region, input.Region);
        }

        return region;
    }

    private TileLease Read(TilePiece piece, DType dtype)
    {
        if (piece.Tile.Worker == Id)
        {
            StoredTile t = Get(piece.Tile);
            return new TileLease(Regions.Extract(t.Data, t.Extent, piece.Part));
        }

        Interlocked.Add(ref _bytesFetched, piece.Part.Size * dtype.SizeOf());
        return _peers(piece.Tile.Worker).GetRegionAsync(piece.Tile, piece.Part).GetAwaiter().GetResult();
    }

    private StoredTile Get(TileId id)
    {
        if (_tiles.TryGetValue(id, out StoredTile? t) && !IsDead)
        {
            return t;
        }

        ThrowIfDead();
        throw new KeyNotFoundException($"worker {Id} does not hold tile {id}");
    }

    private void ThrowIfDead()
    {
        if (IsDead)
        {
            throw new WorkerLostException(Id, $"worker {Id} (incarnation {Incarnation}) is lost");
        }
    }

    private void Store(TileId id, StoredTile tile)
    {
        ThrowIfDead();
        if (id.Worker != Id || id.Incarnation != Incarnation)
        {
            throw new InvalidOperationException($"tile {id} does not belong to worker {Id} incarnation {Incarnation}");
        }

        if (tile.Data.Shape != tile.Extent.Shape)
        {
            throw new ArgumentException($"tile data of shape {tile.Data.Shape} does not match its extent {tile.Extent}", nameof(tile));
        }

        StoredTile? old = null;
        _tiles.AddOrUpdate(id, tile, (_, prev) =>
        {
            old = prev;
            return tile;
        });
        if (old is not null)
        {
            Interlocked.Add(ref _bytes, -old.Data.Bytes);
            Pressure.Remove(old.Data.Bytes);
        }

        Interlocked.Add(ref _bytes, tile.Data.Bytes);
        Pressure.Add(tile.Data.Bytes);
        if (IsDead)
        {
            // Killed while storing: the write is rejected and its tile freed, like every other tile of this worker.
            DestroyAsync([id]).GetAwaiter().GetResult();
            ThrowIfDead();
        }
    }
}
