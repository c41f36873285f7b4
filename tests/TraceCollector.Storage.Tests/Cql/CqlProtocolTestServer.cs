using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TraceCollector.Cql;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;

namespace TraceCollector.Storage.Tests.Cql;

/// <summary>
/// A scripted peer that speaks CQL native protocol v4 framing on loopback: not a Cassandra. It
/// answers the handshake (OPTIONS, STARTUP, optional PasswordAuthenticator, REGISTER) and the
/// discovery queries (system.local, system.peers_v2) itself, and hands every other request to the
/// test's <see cref="Handler"/>. Requests are handled concurrently, so replies may go out in any order.
/// </summary>
internal sealed class CqlProtocolTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, TestConnection> _connections = new();
    private int _nextConnectionId;

    public CqlProtocolTestServer(IPAddress? address = null, int port = 0)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, port);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _ = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    public string DataCenter { get; set; } = "dc1";

    public List<long> Tokens { get; set; } = [0];

    /// <summary>Rows of system.peers_v2: the other scripted servers of a "cluster".</summary>
    public List<(IPEndPoint EndPoint, string DataCenter, List<long> Tokens)> Peers { get; } = [];

    public bool OfferLz4 { get; set; } = true;

    public (string User, string Password)? RequiredCredentials { get; set; }

    /// <summary>While true, new connections are closed as soon as they are accepted.</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>Answers requests the server does not handle itself; the default refuses them as Invalid.</summary>
    public Func<TestRequest, Task<Reply>> Handler { get; set; } = r => Task.FromResult(Reply.Error(CqlErrorCodes.Invalid, $"no script for {r.Opcode}"));

    public int ConnectionsAccepted => Volatile.Read(ref _nextConnectionId);

    public int OpenConnections => _connections.Count;

    /// <summary>Every request handed to <see cref="Handler"/>, in arrival order.</summary>
    public ConcurrentQueue<TestRequest> Received { get; } = new();

    public bool AnyCompressedRequest { get; private set; }

    public void DropAllConnections()
    {
        foreach (var c in _connections.Values) c.Close();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            int id = Interlocked.Increment(ref _nextConnectionId);
            if (RefuseConnections)
            {
                client.Dispose();
                continue;
            }
            var connection = new TestConnection(this, client, id);
            _connections[id] = connection;
            _ = connection.RunAsync(_stop.Token).ContinueWith(_ => _connections.TryRemove(id, out var _), TaskScheduler.Default);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAllConnections();
        return ValueTask.CompletedTask;
    }

    private sealed class TestConnection(CqlProtocolTestServer server, TcpClient client, int id)
    {
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private readonly Stream _stream = client.GetStream();
        private volatile bool _compress;

        public int Id => id;

        public void Close() => client.Dispose();

        public async Task RunAsync(CancellationToken ct)
        {
            var header = new byte[FrameHeader.Size];
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    int got = await _stream.ReadAtLeastAsync(header, FrameHeader.Size, throwOnEndOfStream: false, ct);
                    if (got < FrameHeader.Size) return;
                    var h = FrameHeader.Read(header);
                    var body = new byte[h.BodyLength];
                    await _stream.ReadExactlyAsync(body, ct);
                    if ((h.Flags & FrameFlags.Compression) != 0)
                    {
                        server.AnyCompressedRequest = true;
                        body = FrameCodec.Decompress(body);
                        h = h with { Flags = h.Flags & ~FrameFlags.Compression, BodyLength = body.Length };
                    }
                    var frame = FrameCodec.ParseRequest(h, body);
                    var request = new TestRequest(this.Id, h, body, frame.MessageStart);
                    _ = Task.Run(() => AnswerAsync(request), ct);
                }
            }
            catch (Exception)
            {
            }
            finally
            {
                client.Dispose();
            }
        }

        private async Task AnswerAsync(TestRequest request)
        {
            Reply reply;
            try
            {
                reply = await server.AnswerAsync(request, this);
            }
            catch (Exception e)
            {
                reply = Reply.Error(CqlErrorCodes.ServerError, e.Message);
            }
            if (reply.CloseConnection)
            {
                Close();
                return;
            }
            if (reply.NoAnswer) return;
            await SendAsync(request.Header.Stream, reply);
            if (request.Opcode == Opcode.Startup && request.StartupOptions().TryGetValue("COMPRESSION", out var c) && c == "lz4") _compress = true;
        }

        public async Task SendAsync(short stream, Reply reply)
        {
            using var frame = new CqlBodyWriter(reply.Body.Length + 16);
            FrameCodec.WriteFrame(frame, FrameHeader.ResponseBit | 4, reply.Flags, stream, reply.Opcode, reply.Body, _compress);
            await _writeLock.WaitAsync();
            try
            {
                await _stream.WriteAsync(frame.WrittenMemory);
            }
            catch (Exception)
            {
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    private Task<Reply> AnswerAsync(TestRequest request, TestConnection connection)
    {
        if (request.Header.Version != 4) return Task.FromResult(Reply.Error(CqlErrorCodes.ProtocolError, $"Invalid or unsupported protocol version ({request.Header.Version})"));
        switch (request.Opcode)
        {
            case Opcode.Options:
                var supported = new List<KeyValuePair<string, IReadOnlyList<string>>> { new("CQL_VERSION", ["3.0.0"]) };
                if (OfferLz4) supported.Add(new("COMPRESSION", ["lz4"]));
                return Task.FromResult(Reply.Build(Opcode.Supported, w => w.WriteStringMultimap(supported)));
            case Opcode.Startup:
                return Task.FromResult(RequiredCredentials is null
                    ? Reply.Build(Opcode.Ready, _ => { })
                    : Reply.Build(Opcode.Authenticate, w => w.WriteString("org.apache.cassandra.auth.PasswordAuthenticator")));
            case Opcode.AuthResponse:
                var expected = TraceCollector.Cql.Connection.CqlConnection.PlainToken(RequiredCredentials!.Value.User, RequiredCredentials.Value.Password);
                var reader = new CqlBodyReader(request.Message);
                var token = reader.ReadBytes();
                return Task.FromResult(token is not null && token.AsSpan().SequenceEqual(expected)
                    ? Reply.Build(Opcode.AuthSuccess, w => w.WriteNullBytes())
                    : Reply.Error(CqlErrorCodes.BadCredentials, "Provided username and/or password are incorrect"));
            case Opcode.Register:
                return Task.FromResult(Reply.Build(Opcode.Ready, _ => { }));
            case Opcode.Query when request.QueryText() == TraceCollector.Cql.Cluster.CqlSession.LocalQuery:
                return Task.FromResult(Reply.Rows(
                    [("data_center", CqlType.Text), ("rack", CqlType.Text), ("tokens", CqlType.Set(CqlType.Text)), ("release_version", CqlType.Text)],
                    [[DataCenter, "rack1", Tokens.ConvertAll(t => (object?)t.ToString(System.Globalization.CultureInfo.InvariantCulture)), "4.1.0"]]));
            case Opcode.Query when request.QueryText() == TraceCollector.Cql.Cluster.CqlSession.PeersV2Query:
                return Task.FromResult(Reply.Rows(
                    [("peer", CqlType.Inet), ("peer_port", CqlType.Int), ("native_address", CqlType.Inet), ("native_port", CqlType.Int),
                     ("data_center", CqlType.Text), ("rack", CqlType.Text), ("tokens", CqlType.Set(CqlType.Text))],
                    Peers.Select(p => new object?[] { p.EndPoint.Address, 7000, p.EndPoint.Address, p.EndPoint.Port, p.DataCenter, "rack1",
                        p.Tokens.ConvertAll(t => (object?)t.ToString(System.Globalization.CultureInfo.InvariantCulture)) }).ToArray()));
            default:
                Received.Enqueue(request);
                return Handler(request);
        }
    }
}

/// <summary>A request as the test server received it, with decoders for its body.</summary>
internal sealed record TestRequest(int ConnectionId, FrameHeader Header, byte[] Body, int MessageStart)
{
    public Opcode Opcode => Header.Opcode;

    public ReadOnlySpan<byte> Message => Body.AsSpan(MessageStart);

    public Dictionary<string, string> StartupOptions()
    {
        var r = new CqlBodyReader(Message);
        return r.ReadStringMap();
    }

    /// <summary>The query of a QUERY or PREPARE.</summary>
    public string QueryText()
    {
        var r = new CqlBodyReader(Message);
        return r.ReadLongString();
    }

    public byte[] ExecuteId()
    {
        var r = new CqlBodyReader(Message);
        return r.ReadShortBytes();
    }

    /// <summary>The &lt;query_parameters&gt; of a QUERY or EXECUTE.</summary>
    public DecodedParameters Parameters()
    {
        var r = new CqlBodyReader(Message);
        if (Opcode == Opcode.Query) r.ReadLongString();
        else r.ReadShortBytes();
        return DecodedParameters.Read(ref r);
    }

    public DecodedBatch Batch()
    {
        var r = new CqlBodyReader(Message);
        var type = (BatchType)r.ReadByte();
        int n = r.ReadShort();
        var entries = new List<(string? Query, byte[]? Id, List<byte[]?> Values)>();
        for (int i = 0; i < n; i++)
        {
            byte kind = r.ReadByte();
            string? q = kind == 0 ? r.ReadLongString() : null;
            byte[]? id = kind == 1 ? r.ReadShortBytes() : null;
            int count = r.ReadShort();
            var values = new List<byte[]?>();
            for (int v = 0; v < count; v++) values.Add(DecodedParameters.ReadValue(ref r));
            entries.Add((q, id, values));
        }
        var consistency = r.ReadConsistency();
        return new DecodedBatch(type, entries, consistency);
    }
}

internal sealed record DecodedBatch(BatchType Type, List<(string? Query, byte[]? Id, List<byte[]?> Values)> Entries, Consistency Consistency);

/// <summary>Query parameters decoded by the test server. A not-set value is the sentinel <see cref="Unset"/>.</summary>
internal sealed record DecodedParameters(Consistency Consistency, QueryFlags Flags, List<byte[]?> Values, int PageSize, byte[]? PagingState)
{
    public static readonly byte[] Unset = [0xDE, 0xAD];

    public static DecodedParameters Read(ref CqlBodyReader r)
    {
        var consistency = r.ReadConsistency();
        var flags = (QueryFlags)r.ReadByte();
        var values = new List<byte[]?>();
        if ((flags & QueryFlags.Values) != 0)
        {
            int n = r.ReadShort();
            for (int i = 0; i < n; i++) values.Add(ReadValue(ref r));
        }
        int pageSize = (flags & QueryFlags.PageSize) != 0 ? r.ReadInt() : 0;
        byte[]? paging = (flags & QueryFlags.WithPagingState) != 0 ? r.ReadBytes() : null;
        return new DecodedParameters(consistency, flags, values, pageSize, paging);
    }

    public static byte[]? ReadValue(ref CqlBodyReader r)
    {
        int n = r.ReadInt();
        if (n == -2) return Unset;
        return n < 0 ? null : r.ReadRaw(n).ToArray();
    }
}

/// <summary>A scripted response.</summary>
internal sealed record Reply(Opcode Opcode, byte[] Body, FrameFlags Flags = FrameFlags.None)
{
    /// <summary>Never answer (the client's timeout is under test).</summary>
    public bool NoAnswer { get; init; }

    /// <summary>Close the connection instead of answering.</summary>
    public bool CloseConnection { get; init; }

    public static Reply Silence() => new(Opcode.Error, []) { NoAnswer = true };

    public static Reply Hangup() => new(Opcode.Error, []) { CloseConnection = true };

    public static Reply Build(Opcode opcode, Action<CqlBodyWriter> write, FrameFlags flags = FrameFlags.None)
    {
        using var w = new CqlBodyWriter();
        write(w);
        return new Reply(opcode, w.ToArray(), flags);
    }

    public static Reply Void() => Build(Opcode.Result, w => w.WriteInt((int)ResultKind.Void));

    public static Reply Error(int code, string message, Action<CqlBodyWriter>? extra = null) => Build(Opcode.Error, w =>
    {
        w.WriteInt(code);
        w.WriteString(message);
        extra?.Invoke(w);
    });

    public static Reply Rows((string Name, CqlType Type)[] columns, object?[][] rows, byte[]? pagingState = null, string keyspace = "ks", string table = "t") =>
        Build(Opcode.Result, w =>
        {
            w.WriteInt((int)ResultKind.Rows);
            WriteRowsMetadata(w, columns, pagingState, keyspace, table);
            w.WriteInt(rows.Length);
            foreach (var row in rows)
            {
                for (int i = 0; i < columns.Length; i++) CqlValueCodec.WriteValue(w, columns[i].Type, row[i]);
            }
        });

    /// <summary>Rows whose cells are given already serialised (null for a null cell).</summary>
    public static Reply RawRows((string Name, CqlType Type)[] columns, IReadOnlyList<byte[]?[]> rows) =>
        Build(Opcode.Result, w =>
        {
            w.WriteInt((int)ResultKind.Rows);
            WriteRowsMetadata(w, columns, null, "ks", "t");
            w.WriteInt(rows.Count);
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    if (cell is null || ReferenceEquals(cell, DecodedParameters.Unset)) w.WriteNullBytes();
                    else w.WriteBytes(cell);
                }
            }
        });

    public static void WriteRowsMetadata(CqlBodyWriter w, (string Name, CqlType Type)[] columns, byte[]? pagingState, string keyspace, string table)
    {
        var flags = RowsFlags.GlobalTablesSpec | (pagingState is null ? 0 : RowsFlags.HasMorePages);
        w.WriteInt((int)flags);
        w.WriteInt(columns.Length);
        if (pagingState is not null) w.WriteBytes(pagingState);
        w.WriteString(keyspace);
        w.WriteString(table);
        foreach (var (name, type) in columns)
        {
            w.WriteString(name);
            type.Write(w);
        }
    }

    public static Reply Prepared(byte[] id, (string Name, CqlType Type)[] variables, int[] partitionKeyIndexes, (string Name, CqlType Type)[] resultColumns,
        string keyspace = "ks", string table = "t") => Build(Opcode.Result, w =>
    {
        w.WriteInt((int)ResultKind.Prepared);
        w.WriteShortBytes(id);
        w.WriteInt((int)RowsFlags.GlobalTablesSpec);
        w.WriteInt(variables.Length);
        w.WriteInt(partitionKeyIndexes.Length);
        foreach (var i in partitionKeyIndexes) w.WriteShort((ushort)i);
        w.WriteString(keyspace);
        w.WriteString(table);
        foreach (var (name, type) in variables)
        {
            w.WriteString(name);
            type.Write(w);
        }
        if (resultColumns.Length == 0)
        {
            w.WriteInt((int)RowsFlags.NoMetadata);
            w.WriteInt(0);
        }
        else
        {
            WriteRowsMetadata(w, resultColumns, null, keyspace, table);
        }
    });

    public static Reply SchemaChange(string change, string target, string keyspace, string name) => Build(Opcode.Result, w =>
    {
        w.WriteInt((int)ResultKind.SchemaChange);
        w.WriteString(change);
        w.WriteString(target);
        w.WriteString(keyspace);
        if (target != "KEYSPACE") w.WriteString(name);
    });
}
