using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql.Connection;

/// <summary>
/// One connection to one node: many requests in flight, each on its own stream id, responses matched
/// back by id in whatever order they arrive. A single writer loop coalesces frames into few socket
/// writes; a single reader loop completes the waiting requests. Any I/O failure closes the connection
/// and fails everything outstanding with <see cref="CqlConnectionException"/>.
/// </summary>
public sealed class CqlConnection : IAsyncDisposable
{
    private sealed class Waiter() : TaskCompletionSource<CqlFrame>(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly CqlConnectionOptions _options;
    private readonly StreamIdPool<Waiter> _streams;
    private readonly SemaphoreSlim _slots;
    private readonly Channel<CqlBodyWriter> _outgoing = Channel.CreateUnbounded<CqlBodyWriter>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _compress;
    private int _orphans;

    private CqlConnection(TcpClient client, Stream stream, IPEndPoint endPoint, CqlConnectionOptions options)
    {
        _client = client;
        _stream = stream;
        EndPoint = endPoint;
        _options = options;
        _streams = new StreamIdPool<Waiter>(options.MaxRequestsPerConnection);
        _slots = new SemaphoreSlim(options.MaxRequestsPerConnection, options.MaxRequestsPerConnection);
    }

    public IPEndPoint EndPoint { get; }

    public int ProtocolVersion => _options.ProtocolVersion;

    /// <summary>Whether frames after STARTUP are LZ4-compressed.</summary>
    public bool IsCompressed => _compress;

    public int InFlight => _streams.InUse;

    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>Completes when the connection closes, with the failure that closed it (null for a deliberate close).</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Server-pushed events (stream -1), after a REGISTER.</summary>
    public event Action<CqlEvent>? EventReceived;

    /// <summary>Connects, negotiates TLS, OPTIONS, STARTUP (with LZ4 when offered) and authentication.</summary>
    /// <exception cref="CqlConnectionException">The node cannot be reached or the handshake failed.</exception>
    /// <exception cref="AuthenticationException">The credentials were refused or are missing.</exception>
    public static async Task<CqlConnection> OpenAsync(IPEndPoint endPoint, CqlConnectionOptions options, CancellationToken ct = default)
    {
        var client = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
        CqlConnection? connection = null;
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                connectTimeout.CancelAfter(options.ConnectTimeout);
                try
                {
                    await client.ConnectAsync(endPoint, connectTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new CqlConnectionException($"connecting to {endPoint} timed out after {options.ConnectTimeout.TotalSeconds:0.#} s");
                }
            }
            Stream stream = client.GetStream();
            if (options.UseSsl) stream = await AuthenticateTlsAsync(stream, endPoint, options, ct).ConfigureAwait(false);
            connection = new CqlConnection(client, stream, endPoint, options);
            connection.Start();
            await connection.HandshakeAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            else client.Dispose();
            if (e is CqlException or OperationCanceledException) throw;
            throw new CqlConnectionException($"cannot connect to {endPoint}: {e.Message}", e);
        }
    }

    private static async Task<Stream> AuthenticateTlsAsync(Stream inner, IPEndPoint endPoint, CqlConnectionOptions options, CancellationToken ct)
    {
        var validate = options.CertificateValidation ?? ((_, _, _, errors) =>
            errors == SslPolicyErrors.None || (!options.SslHostnameValidation && errors == SslPolicyErrors.RemoteCertificateNameMismatch));
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, validate);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = endPoint.Address.ToString() }, ct).ConfigureAwait(false);
        return ssl;
    }

    private void Start()
    {
        _ = Task.Run(WriteLoopAsync);
        _ = Task.Run(ReadLoopAsync);
    }

    private async Task HandshakeAsync(CancellationToken ct)
    {
        var supported = ResponseDecoder.DecodeSupported(Expect(await SendAsync(Opcode.Options, ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false), Opcode.Supported).Message);
        bool lz4 = _options.Compression && supported.TryGetValue("COMPRESSION", out var algorithms) && algorithms.Contains("lz4", StringComparer.OrdinalIgnoreCase);
        var startup = new List<KeyValuePair<string, string>> { new("CQL_VERSION", "3.0.0") };
        if (lz4) startup.Add(new("COMPRESSION", "lz4"));
        using var body = new CqlBodyWriter();
        RequestEncoder.WriteStartup(body, startup);
        var response = SendAsync(Opcode.Startup, body.WrittenMemory, ct);
        // Section 5: compression applies from the frame after STARTUP, including the server's answer to it.
        _compress = lz4;
        var ready = await response.ConfigureAwait(false);
        if (ready.Header.Opcode == Opcode.Authenticate) await AuthenticateAsync(ResponseDecoder.DecodeAuthenticate(ready.Message), ct).ConfigureAwait(false);
        else Expect(ready, Opcode.Ready);
    }

    /// <summary>PasswordAuthenticator's SASL PLAIN exchange: the token is NUL user NUL password.</summary>
    private async Task AuthenticateAsync(string authenticator, CancellationToken ct)
    {
        if (_options.Username is null || _options.Password is null)
        {
            throw new AuthenticationException($"{EndPoint} requires authentication ({authenticator}); set CASSANDRA_USERNAME and CASSANDRA_PASSWORD");
        }
        byte[] token = PlainToken(_options.Username, _options.Password);
        for (int round = 0; round < 16; round++)
        {
            using var body = new CqlBodyWriter();
            RequestEncoder.WriteAuthResponse(body, token);
            var reply = await SendAsync(Opcode.AuthResponse, body.WrittenMemory, ct).ConfigureAwait(false);
            if (reply.Header.Opcode == Opcode.AuthSuccess) return;
            Expect(reply, Opcode.AuthChallenge);
        }
        throw new AuthenticationException($"{EndPoint}: authentication did not finish after 16 challenges");
    }

    public static byte[] PlainToken(string username, string password)
    {
        var token = new byte[Encoding.UTF8.GetByteCount(username) + Encoding.UTF8.GetByteCount(password) + 2];
        int n = Encoding.UTF8.GetBytes(username, token.AsSpan(1));
        Encoding.UTF8.GetBytes(password, token.AsSpan(n + 2));
        return token;
    }

    /// <summary>Registers for TOPOLOGY_CHANGE, STATUS_CHANGE and/or SCHEMA_CHANGE events.</summary>
    public async Task RegisterAsync(IReadOnlyList<string> eventTypes, CancellationToken ct = default)
    {
        using var body = new CqlBodyWriter();
        RequestEncoder.WriteRegister(body, eventTypes);
        Expect(await SendAsync(Opcode.Register, body.WrittenMemory, ct).ConfigureAwait(false), Opcode.Ready);
    }

    /// <summary>Sends a QUERY, PREPARE, EXECUTE or BATCH and decodes the RESULT; an ERROR is thrown as its typed exception.</summary>
    public async Task<CqlResult> ExecuteAsync(Opcode opcode, ReadOnlyMemory<byte> body, IReadOnlyList<ColumnSpec>? knownColumns = null, CancellationToken ct = default)
    {
        var frame = await SendAsync(opcode, body, ct).ConfigureAwait(false);
        Expect(frame, Opcode.Result);
        return ResponseDecoder.DecodeResult(frame.Body, frame.MessageStart, knownColumns);
    }

    private static CqlFrame Expect(CqlFrame frame, Opcode expected)
    {
        if (frame.Header.Opcode == Opcode.Error) throw ResponseDecoder.DecodeError(frame.Message);
        if (frame.Header.Opcode != expected) throw new CqlProtocolViolationException($"expected {expected}, got {frame.Header.Opcode}");
        return frame;
    }

    /// <summary>
    /// Sends one request frame and waits for its response (ERROR included, not thrown). The body is
    /// copied before the first await, so the caller may reuse it as soon as this returns a task.
    /// </summary>
    /// <exception cref="CqlRequestTimeoutException">No response within the request timeout.</exception>
    public Task<CqlFrame> SendAsync(Opcode opcode, ReadOnlyMemory<byte> body, CancellationToken ct = default)
    {
        if (IsClosed) return Task.FromException<CqlFrame>(ClosedError());
        var frame = new CqlBodyWriter(body.Length + FrameHeader.Size + 16);
        FrameCodec.WriteFrame(frame, (byte)_options.ProtocolVersion, FrameFlags.None, 0, opcode, body.Span, _compress && opcode != Opcode.Startup);
        return SendFrameAsync(frame, opcode, ct);
    }

    private async Task<CqlFrame> SendFrameAsync(CqlBodyWriter frame, Opcode opcode, CancellationToken ct)
    {
        var waiter = new Waiter();
        short stream;
        try
        {
            if (!await _slots.WaitAsync(_options.RequestTimeout, ct).ConfigureAwait(false))
            {
                throw new CqlRequestTimeoutException($"{opcode} to {EndPoint}: all {_options.MaxRequestsPerConnection} stream ids stayed busy for {_options.RequestTimeout.TotalMilliseconds:0} ms");
            }
            if (!_streams.TryAcquire(waiter, out stream)) throw new CqlProtocolViolationException("stream id pool out of step with its semaphore");
        }
        catch
        {
            frame.Dispose();
            throw;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(frame.SpanAt(2, 2), stream);
        if (IsClosed || !_outgoing.Writer.TryWrite(frame))
        {
            frame.Dispose();
            if (_streams.Release(stream) is not null) _slots.Release();
            throw ClosedError();
        }
        try
        {
            return await waiter.Task.WaitAsync(_options.RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            NoteOrphan();
            throw new CqlRequestTimeoutException($"{opcode} to {EndPoint} got no response within {_options.RequestTimeout.TotalMilliseconds:0} ms");
        }
        catch (OperationCanceledException)
        {
            NoteOrphan();
            throw;
        }
    }

    // A request abandoned by its caller keeps its stream id until the late response (if any) arrives.
    // When half the ids are held that way the node is not answering: close and let the pool reconnect.
    private void NoteOrphan()
    {
        if (Interlocked.Increment(ref _orphans) > _options.MaxRequestsPerConnection / 2)
        {
            Close(new CqlConnectionException($"{EndPoint} left {_orphans} requests unanswered"));
        }
    }

    private async Task WriteLoopAsync()
    {
        var output = new BufferedStream(_stream, 64 * 1024);
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    try
                    {
                        await output.WriteAsync(frame.WrittenMemory, _shutdown.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        frame.Dispose();
                    }
                }
                await output.FlushAsync(_shutdown.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Close(e is OperationCanceledException ? null : new CqlConnectionException($"writing to {EndPoint} failed: {e.Message}", e));
        }
        finally
        {
            while (_outgoing.Reader.TryRead(out var left)) left.Dispose();
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[FrameHeader.Size];
        try
        {
            while (true)
            {
                var read = await FrameCodec.ReadFrameAsync(_stream, header, _shutdown.Token).ConfigureAwait(false);
                if (read is not { } frame)
                {
                    Close(new CqlConnectionException($"{EndPoint} closed the connection"));
                    return;
                }
                var parsed = FrameCodec.ParseResponse(frame.Header, frame.Body);
                if (frame.Header.Stream < 0)
                {
                    if (frame.Header.Opcode == Opcode.Event) RaiseEvent(parsed);
                    continue;
                }
                var waiter = _streams.Release(frame.Header.Stream);
                if (waiter is null) continue;
                _slots.Release();
                if (!waiter.TrySetResult(parsed)) Interlocked.Decrement(ref _orphans);
            }
        }
        catch (Exception e)
        {
            Close(e is OperationCanceledException ? null
                : e as CqlException ?? new CqlConnectionException($"reading from {EndPoint} failed: {e.Message}", e));
        }
    }

    private void RaiseEvent(CqlFrame frame)
    {
        CqlEvent ev;
        try
        {
            ev = ResponseDecoder.DecodeEvent(frame.Message);
        }
        catch (CqlProtocolViolationException)
        {
            return;
        }
        EventReceived?.Invoke(ev);
    }

    private Exception ClosedError() =>
        new CqlConnectionException($"connection to {EndPoint} is closed" + (_closed.Task.IsCompleted && _closed.Task.Result is { } why ? $": {why.Message}" : ""), _closed.Task.IsCompleted ? _closed.Task.Result : null);

    private void Close(Exception? reason)
    {
        if (!_closed.TrySetResult(reason)) return;
        _outgoing.Writer.TryComplete();
        _shutdown.Cancel();
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
        }
        _client.Dispose();
        var error = ClosedError();
        foreach (var waiter in _streams.DrainAll())
        {
            _slots.Release();
            waiter.TrySetException(error);
        }
    }

    public ValueTask DisposeAsync()
    {
        Close(null);
        return ValueTask.CompletedTask;
    }
}
