using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Spartan.Cluster.Security;
using Spartan.Runtime;

namespace Spartan.Cluster.DataPlane;

/// <summary>
/// The wire format of the data plane (docs/cluster.md, "Data plane"): tile region reads between worker processes, and
/// from the driver, over plain TCP instead of Orleans messages.
/// <para>Connection preamble: the server sends <c>"SPDP"</c>, a version byte and a 32-byte random nonce; the client
/// answers with HMAC-SHA256(key, nonce), the key derived from the cluster secret; the server answers one byte, 1 when
/// the proof is right (else it closes the connection). Then any number of requests, one at a time: a fixed header
/// (session, tile id, rank) and the region (array shape, upper-left, lower-right), all little-endian; the response is
/// a status byte, then either the array (dtype, shape, byte length, raw bytes straight from the tile buffer) or an
/// error (kind, worker index, UTF-8 message).</para>
/// </summary>
internal static class DataPlaneProtocol
{
    public const uint Magic = 0x50445053; // "SPDP" little-endian
    public const byte Version = 1;
    public const int NonceBytes = 32;
    public const int ProofBytes = 32;
    public const int PreambleBytes = 4 + 1 + NonceBytes;
    public const int MaxRank = 32;

    /// <summary>Socket send and receive buffers: large, so that a tile streams without waiting on small windows.</summary>
    public const int SocketBufferBytes = 4 << 20;

    public static void Tune(Socket s)
    {
        s.NoDelay = true;
        s.SendBufferSize = SocketBufferBytes;
        s.ReceiveBufferSize = SocketBufferBytes;
    }

    /// <summary>Request header: magic, session (16), tile id (array long, index, worker, incarnation), rank.</summary>
    public const int RequestHeaderBytes = 4 + 16 + 8 + 4 + 4 + 4 + 4;

    /// <summary>The longest error message accepted.</summary>
    public const int MaxMessageBytes = 64 << 10;

    public const byte StatusOk = 0;
    public const byte StatusError = 1;

    public const byte ErrorSpartan = 1;
    public const byte ErrorKeyNotFound = 2;
    public const byte ErrorArgument = 3;
    public const byte ErrorInvalidOperation = 4;
    public const byte ErrorWorkerLost = 5;

    /// <summary>The HMAC key of a cluster: a hash of its secret (a fixed key when there is none, which then only
    /// guards against stray connections, as Orleans does without a secret).</summary>
    public static byte[] Key(string? secret) => SHA256.HashData(Encoding.UTF8.GetBytes("spartan data plane key\n" + (secret ?? "")));

    public static void Proof(byte[] key, ReadOnlySpan<byte> nonce, Span<byte> proof) => HMACSHA256.HashData(key, nonce, proof);

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes; false when the peer closed first.</summary>
    public static bool ReadExactly(Socket s, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = s.Receive(buffer, SocketFlags.None);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes from a stream (plain or TLS); false when the peer
    /// closed first.</summary>
    public static bool ReadExactly(Stream s, Span<byte> buffer) => s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;

    public static void WriteAll(Stream s, ReadOnlySpan<byte> buffer) => s.Write(buffer);

    public static void WriteAll(Socket s, ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            buffer = buffer[s.Send(buffer, SocketFlags.None)..];
        }
    }

    /// <summary>The server's stream on an accepted socket: the socket itself, or TLS on it when the cluster uses TLS
    /// (the peer must present the cluster certificate). Null when the TLS handshake fails or times out.</summary>
    public static async Task<Stream?> OpenServerAsync(Socket socket, ClusterTls? tls)
    {
        var plain = new NetworkStream(socket, ownsSocket: false);
        if (tls is null)
        {
            return plain;
        }

        var ssl = new SslStream(plain, leaveInnerStreamOpen: false);
        try
        {
            using var cts = new CancellationTokenSource(ClusterTls.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(tls.ServerOptions(), cts.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or SocketException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>The client's stream on a connected socket: plain, or TLS presenting the cluster certificate.</summary>
    /// <exception cref="SpartanException">The worker does not accept this certificate, or does not speak TLS.</exception>
    public static Stream OpenClient(Socket socket, ClusterTls? tls, IPEndPoint endpoint)
    {
        var plain = new NetworkStream(socket, ownsSocket: false);
        if (tls is null)
        {
            return plain;
        }

        var ssl = new SslStream(plain, leaveInnerStreamOpen: false);
        try
        {
            using var cts = new CancellationTokenSource(ClusterTls.HandshakeTimeout);
            ssl.AuthenticateAsClientAsync(tls.ClientOptions(endpoint.Address.ToString()), cts.Token).GetAwaiter().GetResult();
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or OperationCanceledException)
        {
            ssl.Dispose();
            throw new SpartanException($"the worker's data plane at {endpoint} refused TLS with {tls.Source}, or this process does not trust its certificate ({e.Message})", e);
        }
        catch
        {
            ssl.Dispose();
            throw;
        }
    }

    /// <summary>Parses "host:port" of a data endpoint.</summary>
    public static IPEndPoint ParseEndpoint(string endpoint) =>
        IPEndPoint.TryParse(endpoint, out IPEndPoint? ep) && ep.Port > 0
            ? ep
            : throw new SpartanException($"bad data plane endpoint '{endpoint}'");
}

/// <summary>The socket failed (refused, reset, closed mid-message): the peer process is gone or unreachable.</summary>
internal sealed class DataPlaneBrokenException(string message, Exception? inner) : Exception(message, inner);

/// <summary>
/// The data plane server of a worker process: a TCP listener on the advertised address (any address when that is not
/// loopback) that serves region reads of this process's tiles. Each connection runs on its own thread-pool loop; a
/// read that must itself wait (a lazy region reading a peer) only blocks that connection.
/// </summary>
internal sealed class DataPlaneServer : IDisposable
{
    private readonly Socket _listener;
    private readonly byte[] _key;
    private readonly ClusterTls? _tls;
    private readonly Func<Guid, LocalWorker> _sessions;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private long _reads;
    private long _bytes;
    private long _rejected;

    public DataPlaneServer(IPAddress advertised, int port, string? secret, Func<Guid, LocalWorker> sessions, ClusterTls? tls = null)
    {
        _key = DataPlaneProtocol.Key(secret);
        _tls = tls;
        _sessions = sessions;
        IPAddress bind = IPAddress.IsLoopback(advertised) ? advertised
            : advertised.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(bind, port));
        }
        catch (SocketException e)
        {
            _listener.Dispose();
            throw new SpartanException($"the data plane cannot listen on {bind}:{port}: {e.Message}", e);
        }

        _listener.Listen(128);
        Endpoint = new IPEndPoint(advertised, ((IPEndPoint)_listener.LocalEndPoint!).Port).ToString();
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>"ip:port" that peers connect to.</summary>
    public string Endpoint { get; }

    /// <summary>Region reads served.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Data bytes sent.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Connections refused for a wrong proof of the secret.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (Socket s in _open.Keys)
        {
            s.Dispose();
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            DataPlaneProtocol.Tune(s);
            _open[s] = 0;
            _ = Task.Run(() => Serve(s));
        }
    }

    private async Task Serve(Socket socket)
    {
        Stream? s = null;
        try
        {
            s = await DataPlaneProtocol.OpenServerAsync(socket, _tls).ConfigureAwait(false);
            if (s is null || !Handshake(socket, s))
            {
                Interlocked.Increment(ref _rejected);
                return;
            }

            byte[] header = new byte[DataPlaneProtocol.RequestHeaderBytes + (3 * 8 * DataPlaneProtocol.MaxRank)];
            while (!_stop.IsCancellationRequested)
            {
                if (!DataPlaneProtocol.ReadExactly(s, header.AsSpan(0, DataPlaneProtocol.RequestHeaderBytes)))
                {
                    return;
                }

                ReadOnlySpan<byte> h = header;
                if (BinaryPrimitives.ReadUInt32LittleEndian(h) != DataPlaneProtocol.Magic)
                {
                    return; // not our protocol: drop the connection
                }

                var session = new Guid(h.Slice(4, 16));
                var id = new TileId(
                    BinaryPrimitives.ReadInt64LittleEndian(h[20..]),
                    BinaryPrimitives.ReadInt32LittleEndian(h[28..]),
                    BinaryPrimitives.ReadInt32LittleEndian(h[32..]),
                    BinaryPrimitives.ReadInt32LittleEndian(h[36..]));
                int rank = BinaryPrimitives.ReadInt32LittleEndian(h[40..]);
                if (rank is < 0 or > DataPlaneProtocol.MaxRank)
                {
                    return;
                }

                Span<byte> dims = header.AsSpan(DataPlaneProtocol.RequestHeaderBytes, 3 * 8 * rank);
                if (!DataPlaneProtocol.ReadExactly(s, dims))
                {
                    return;
                }

                TileExtent region;
                try
                {
                    long[] shape = new long[rank], ul = new long[rank], lr = new long[rank];
                    for (int i = 0; i < rank; i++)
                    {
                        shape[i] = BinaryPrimitives.ReadInt64LittleEndian(dims[(8 * i)..]);
                        ul[i] = BinaryPrimitives.ReadInt64LittleEndian(dims[(8 * (rank + i))..]);
                        lr[i] = BinaryPrimitives.ReadInt64LittleEndian(dims[(8 * ((2 * rank) + i))..]);
                    }

                    region = new TileExtent(ul, lr, new Shape(shape));
                }
                catch (ArgumentException)
                {
                    return; // a malformed region: drop the connection
                }

                TileLease lease;
                try
                {
                    lease = await _sessions(session).GetRegionAsync(id, region).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    SendError(s, e);
                    continue;
                }

                using (lease)
                {
                    if (lease.Data.Csr is not null)
                    {
                        // Checked before a byte is sent, so the connection stays in step.
                        SendError(s, new NotSupportedException($"tile {id} is a sparse (CSR) tile, which cannot cross the cluster data plane yet; read the array as ToDense()"));
                        continue;
                    }

                    SendArray(s, lease.Data);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, or failed the TLS handshake.
        }
        finally
        {
            _open.TryRemove(socket, out _);
            s?.Dispose();
            socket.Dispose();
        }
    }

    private bool Handshake(Socket socket, Stream s)
    {
        Span<byte> preamble = stackalloc byte[DataPlaneProtocol.PreambleBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(preamble, DataPlaneProtocol.Magic);
        preamble[4] = DataPlaneProtocol.Version;
        RandomNumberGenerator.Fill(preamble[5..]);
        socket.ReceiveTimeout = 30_000;
        DataPlaneProtocol.WriteAll(s, preamble);
        Span<byte> proof = stackalloc byte[DataPlaneProtocol.ProofBytes];
        Span<byte> expected = stackalloc byte[DataPlaneProtocol.ProofBytes];
        if (!DataPlaneProtocol.ReadExactly(s, proof))
        {
            return false;
        }

        DataPlaneProtocol.Proof(_key, preamble[5..], expected);
        if (!CryptographicOperations.FixedTimeEquals(proof, expected))
        {
            return false;
        }

        socket.ReceiveTimeout = 0;
        DataPlaneProtocol.WriteAll(s, [1]);
        return true;
    }

    private void SendArray(Stream s, NDArray a)
    {
        ReadOnlySpan<byte> data = a.AsBytes();
        int rank = a.Shape.Rank;
        Span<byte> head = stackalloc byte[1 + 1 + 4 + (8 * DataPlaneProtocol.MaxRank) + 8];
        head[0] = DataPlaneProtocol.StatusOk;
        head[1] = (byte)a.DType;
        BinaryPrimitives.WriteInt32LittleEndian(head[2..], rank);
        for (int i = 0; i < rank; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(head[(6 + (8 * i))..], a.Shape[i]);
        }

        int n = 6 + (8 * rank);
        BinaryPrimitives.WriteInt64LittleEndian(head[n..], data.Length);
        DataPlaneProtocol.WriteAll(s, head[..(n + 8)]);
        DataPlaneProtocol.WriteAll(s, data);
        Interlocked.Increment(ref _reads);
        Interlocked.Add(ref _bytes, data.Length);
    }

    private static void SendError(Stream s, Exception e)
    {
        (byte kind, int worker) = e switch
        {
            WorkerLostException l => (DataPlaneProtocol.ErrorWorkerLost, l.WorkerId),
            KeyNotFoundException => (DataPlaneProtocol.ErrorKeyNotFound, -1),
            ArgumentException => (DataPlaneProtocol.ErrorArgument, -1),
            InvalidOperationException => (DataPlaneProtocol.ErrorInvalidOperation, -1),
            _ => (DataPlaneProtocol.ErrorSpartan, -1),
        };
        string text = e.Message;
        if (text.Length > DataPlaneProtocol.MaxMessageBytes / 4)
        {
            text = text[..(DataPlaneProtocol.MaxMessageBytes / 4)];
        }

        byte[] message = Encoding.UTF8.GetBytes(text);
        byte[] frame = new byte[1 + 1 + 4 + 4 + message.Length];
        frame[0] = DataPlaneProtocol.StatusError;
        frame[1] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(2), worker);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(6), message.Length);
        message.CopyTo(frame, 10);
        DataPlaneProtocol.WriteAll(s, frame);
    }
}

/// <summary>
/// The client side of the data plane to one worker: a pool of authenticated connections, each carrying one request at
/// a time. Responses are received straight into the result array's buffer after their header is checked against the
/// region that was asked for, so nothing is allocated from an unchecked length.
/// </summary>
internal sealed class DataPlaneClient : IDisposable
{
    private readonly IPEndPoint _endpoint;
    private readonly byte[] _key;
    private readonly ClusterTls? _tls;
    private readonly ConcurrentBag<Connection> _idle = [];
    private volatile bool _disposed;

    public DataPlaneClient(string endpoint, string? secret, ClusterTls? tls = null)
    {
        _endpoint = DataPlaneProtocol.ParseEndpoint(endpoint);
        _key = DataPlaneProtocol.Key(secret);
        _tls = tls;
    }

    /// <summary>Reads a region of a tile on the worker; the caller maps the exceptions (a <see cref="DataPlaneBrokenException"/>
    /// means the socket failed).</summary>
    public NDArray Read(Guid session, TileId id, TileExtent region, bool fresh = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Connection c = Rent(fresh);
        bool reusable = false;
        try
        {
            NDArray result = Exchange(c.Stream, session, id, region);
            reusable = true;
            return result;
        }
        catch (RemoteReadException e)
        {
            reusable = true; // the server answered a well-formed error: the connection is fine
            throw e.Inner;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            throw new DataPlaneBrokenException($"the data plane connection to {_endpoint} failed: {e.Message}", e);
        }
        finally
        {
            if (reusable && !_disposed)
            {
                _idle.Add(c);
            }
            else
            {
                c.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out Connection? c))
        {
            c.Dispose();
        }
    }

    private Connection Rent(bool fresh)
    {
        while (!fresh && _idle.TryTake(out Connection? c))
        {
            if (c.Socket.Connected)
            {
                return c;
            }

            c.Dispose();
        }

        var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        Stream? stream = null;
        try
        {
            DataPlaneProtocol.Tune(socket);
            socket.Connect(_endpoint);
            stream = DataPlaneProtocol.OpenClient(socket, _tls, _endpoint);
            Span<byte> preamble = stackalloc byte[DataPlaneProtocol.PreambleBytes];
            if (!DataPlaneProtocol.ReadExactly(stream, preamble))
            {
                throw new DataPlaneBrokenException($"the data plane at {_endpoint} closed the connection before its preamble", null);
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(preamble) != DataPlaneProtocol.Magic || preamble[4] != DataPlaneProtocol.Version)
            {
                throw new SpartanException($"{_endpoint} does not speak Spartan data plane version {DataPlaneProtocol.Version}: run the same Spartan version everywhere");
            }

            Span<byte> proof = stackalloc byte[DataPlaneProtocol.ProofBytes];
            DataPlaneProtocol.Proof(_key, preamble[5..], proof);
            DataPlaneProtocol.WriteAll(stream, proof);
            Span<byte> ok = stackalloc byte[1];
            if (!DataPlaneProtocol.ReadExactly(stream, ok) || ok[0] != 1)
            {
                throw new SpartanException($"the worker's data plane at {_endpoint} refused this process's secret (SpartanOptions.Secret, SPARTAN_SECRET or --secret)");
            }

            return new Connection(socket, stream);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            stream?.Dispose();
            socket.Dispose();
            throw new DataPlaneBrokenException($"cannot reach the data plane at {_endpoint}: {e.Message}", e);
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A pooled connection: the socket (to see whether it is still connected) and the stream requests go
    /// over (the socket's own, or TLS on top of it).</summary>
    private sealed record Connection(Socket Socket, Stream Stream) : IDisposable
    {
        public void Dispose()
        {
            Stream.Dispose();
            Socket.Dispose();
        }
    }

    private static NDArray Exchange(Stream s, Guid session, TileId id, TileExtent region)
    {
        int rank = region.Shape.Rank;
        if (rank > DataPlaneProtocol.MaxRank)
        {
            throw new ArgumentException($"a region of rank {rank} is beyond the data plane's {DataPlaneProtocol.MaxRank}", nameof(region));
        }

        Span<byte> request = stackalloc byte[DataPlaneProtocol.RequestHeaderBytes + (3 * 8 * DataPlaneProtocol.MaxRank)];
        BinaryPrimitives.WriteUInt32LittleEndian(request, DataPlaneProtocol.Magic);
        session.TryWriteBytes(request.Slice(4, 16));
        BinaryPrimitives.WriteInt64LittleEndian(request[20..], id.Array);
        BinaryPrimitives.WriteInt32LittleEndian(request[28..], id.Index);
        BinaryPrimitives.WriteInt32LittleEndian(request[32..], id.Worker);
        BinaryPrimitives.WriteInt32LittleEndian(request[36..], id.Incarnation);
        BinaryPrimitives.WriteInt32LittleEndian(request[40..], rank);
        int o = DataPlaneProtocol.RequestHeaderBytes;
        ReadOnlySpan<long> ul = region.UlSpan, lr = region.LrSpan;
        for (int i = 0; i < rank; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(request[(o + (8 * i))..], region.ArrayShape[i]);
            BinaryPrimitives.WriteInt64LittleEndian(request[(o + (8 * (rank + i)))..], ul[i]);
            BinaryPrimitives.WriteInt64LittleEndian(request[(o + (8 * ((2 * rank) + i)))..], lr[i]);
        }

        DataPlaneProtocol.WriteAll(s, request[..(o + (24 * rank))]);

        Span<byte> head = stackalloc byte[6];
        Need(DataPlaneProtocol.ReadExactly(s, head[..2]));
        if (head[0] == DataPlaneProtocol.StatusError)
        {
            throw new RemoteReadException(ReadError(s, head[1]));
        }

        if (head[0] != DataPlaneProtocol.StatusOk || head[1] > (byte)DType.Float64)
        {
            throw new IOException($"bad data plane response (status {head[0]}, dtype {head[1]})");
        }

        var dtype = (DType)head[1];
        Need(DataPlaneProtocol.ReadExactly(s, head[2..6]));
        if (BinaryPrimitives.ReadInt32LittleEndian(head[2..]) != rank)
        {
            throw new IOException("data plane response of another rank than the region asked for");
        }

        Span<byte> dims = stackalloc byte[(8 * rank) + 8];
        Need(DataPlaneProtocol.ReadExactly(s, dims));
        Shape shape = region.Shape;
        for (int i = 0; i < rank; i++)
        {
            if (BinaryPrimitives.ReadInt64LittleEndian(dims[(8 * i)..]) != shape[i])
            {
                throw new IOException("data plane response of another shape than the region asked for");
            }
        }

        long bytes = BinaryPrimitives.ReadInt64LittleEndian(dims[(8 * rank)..]);
        if (shape.Size > Array.MaxLength || bytes != shape.Size * dtype.SizeOf())
        {
            throw new IOException($"data plane response of {bytes} bytes for {dtype.Name()}{shape}");
        }

        NDArray a = NDArray.Uninitialized(shape, dtype);
        Need(DataPlaneProtocol.ReadExactly(s, a.AsBytes()));
        return a;
    }

    private static Exception ReadError(Stream s, byte kind)
    {
        Span<byte> head = stackalloc byte[8];
        Need(DataPlaneProtocol.ReadExactly(s, head));
        int worker = BinaryPrimitives.ReadInt32LittleEndian(head);
        int length = BinaryPrimitives.ReadInt32LittleEndian(head[4..]);
        if (length is < 0 or > DataPlaneProtocol.MaxMessageBytes)
        {
            throw new IOException($"data plane error message of {length} bytes");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            Need(DataPlaneProtocol.ReadExactly(s, buffer.AsSpan(0, length)));
            string message = Encoding.UTF8.GetString(buffer, 0, length);
            return kind switch
            {
                DataPlaneProtocol.ErrorWorkerLost => new WorkerLostException(worker, message, null),
                DataPlaneProtocol.ErrorKeyNotFound => new KeyNotFoundException(message),
                DataPlaneProtocol.ErrorArgument => new ArgumentException(message),
                DataPlaneProtocol.ErrorInvalidOperation => new InvalidOperationException(message),
                _ => new SpartanException(message),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Need(bool complete)
    {
        if (!complete)
        {
            throw new IOException("the data plane peer closed the connection mid-response");
        }
    }

    private sealed class RemoteReadException(Exception inner) : Exception(inner.Message)
    {
        public Exception Inner { get; } = inner;
    }
}
