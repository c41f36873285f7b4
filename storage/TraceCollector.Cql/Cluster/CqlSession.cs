using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TraceCollector.Cql.Connection;
using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql.Cluster;

/// <summary>
/// The entry point: a session over a cluster. It learns the nodes from system.local and
/// system.peers(_v2) over a control connection, pools connections to the nodes of the local data
/// centre, routes each statement to a replica of its partition key (Murmur3 token) and falls back
/// to the other local nodes, re-prepares on UNPREPARED, and speculatively re-sends idempotent
/// statements that are slow to answer.
/// </summary>
public sealed partial class CqlSession : IAsyncDisposable
{
    private readonly CqlClusterOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IPEndPoint, CqlHost> _hosts = new();
    private readonly ConcurrentDictionary<string, Task<PreparedStatement>> _prepared = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private volatile TokenRing _ring = new([]);
    private CqlConnection? _control;
    private int _roundRobin;

    private CqlSession(CqlClusterOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    public string LocalDataCenter { get; private set; } = "";

    public IReadOnlyCollection<CqlHost> Hosts => (IReadOnlyCollection<CqlHost>)_hosts.Values;

    public IEnumerable<CqlHost> LocalHosts => _hosts.Values.Where(IsLocal);

    public CqlClusterOptions Options => _options;

    /// <exception cref="NoHostAvailableException">No contact point answered, or none is in the local data centre.</exception>
    public static async Task<CqlSession> ConnectAsync(CqlClusterOptions options, ILogger? logger = null, CancellationToken ct = default)
    {
        var session = new CqlSession(options, logger ?? NullLogger.Instance);
        try
        {
            await session.InitializeAsync(ct).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        var errors = new Dictionary<string, Exception>();
        foreach (var endPoint in await ResolveContactPointsAsync(ct).ConfigureAwait(false))
        {
            try
            {
                var control = await CqlConnection.OpenAsync(endPoint, _options.Connection, ct).ConfigureAwait(false);
                await RefreshTopologyAsync(control, ct).ConfigureAwait(false);
                await AdoptControlAsync(control, ct).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (e is CqlException)
            {
                if (e is AuthenticationException) throw;
                errors[endPoint.ToString()] = e;
            }
        }
        if (_control is null) throw new NoHostAvailableException("no Cassandra contact point could be reached", errors);
        var local = LocalHosts.ToList();
        if (local.Count == 0)
        {
            string seen = string.Join(", ", _hosts.Values.Select(h => h.DataCenter).Distinct());
            throw new NoHostAvailableException($"no Cassandra node in local data centre '{LocalDataCenter}' (data centres seen: {seen}); check CASSANDRA_LOCAL_DC", errors);
        }
        await Task.WhenAll(local.Select(h => h.StartAsync(ct))).ConfigureAwait(false);
        if (!local.Any(h => h.IsUp)) throw new NoHostAvailableException($"no node of data centre '{LocalDataCenter}' accepted a connection", errors);
    }

    private async Task<List<IPEndPoint>> ResolveContactPointsAsync(CancellationToken ct)
    {
        var result = new List<IPEndPoint>();
        foreach (var entry in _options.ContactPoints)
        {
            var (host, port) = SplitHostPort(entry.Trim(), _options.DefaultPort);
            if (IPAddress.TryParse(host, out var ip))
            {
                result.Add(new IPEndPoint(ip, port));
                continue;
            }
            try
            {
                foreach (var a in await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false)) result.Add(new IPEndPoint(a, port));
            }
            catch (System.Net.Sockets.SocketException e)
            {
                _logger.LogWarning("Cassandra contact point {Host} does not resolve: {Error}", host, e.Message);
            }
        }
        return result;
    }

    /// <summary>Splits "host", "host:port", "[v6]:port" and bare IPv6 literals.</summary>
    public static (string Host, int Port) SplitHostPort(string entry, int defaultPort)
    {
        if (entry.StartsWith('['))
        {
            int close = entry.IndexOf(']');
            string h = entry[1..close];
            return (h, close + 2 < entry.Length && entry[close + 1] == ':' ? int.Parse(entry[(close + 2)..], System.Globalization.CultureInfo.InvariantCulture) : defaultPort);
        }
        int colon = entry.LastIndexOf(':');
        if (colon > 0 && entry.IndexOf(':') == colon)
        {
            return (entry[..colon], int.Parse(entry[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        return (entry, defaultPort);
    }

    private bool IsLocal(CqlHost host) => string.Equals(host.DataCenter, LocalDataCenter, StringComparison.Ordinal);

    /// <summary>The hosts to try for a statement, best first: local replicas of its key, then the other up local hosts in turn.</summary>
    public List<CqlHost> QueryPlan(byte[]? routingKey)
    {
        var plan = new List<CqlHost>();
        if (routingKey is not null && !_ring.IsEmpty)
        {
            plan.AddRange(_ring.Replicas(Murmur3Token.Compute(routingKey), h => IsLocal(h) && h.IsUp, 3));
        }
        var local = _hosts.Values.Where(h => IsLocal(h) && h.IsUp).OrderBy(h => h.EndPoint.ToString(), StringComparer.Ordinal).ToList();
        if (local.Count == 0) return plan;
        int start = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)local.Count);
        for (int i = 0; i < local.Count; i++)
        {
            var h = local[(start + i) % local.Count];
            if (!plan.Contains(h)) plan.Add(h);
        }
        return plan;
    }

    /// <summary>Prepares once per query string (cached) and in the background on the other local hosts.</summary>
    public Task<PreparedStatement> PrepareAsync(string cql, bool idempotent = true, CancellationToken ct = default)
    {
        var task = _prepared.GetOrAdd(cql, q => PrepareNewAsync(q, idempotent, ct));
        if (task.IsFaulted || task.IsCanceled)
        {
            _prepared.TryRemove(new KeyValuePair<string, Task<PreparedStatement>>(cql, task));
            task = _prepared.GetOrAdd(cql, q => PrepareNewAsync(q, idempotent, ct));
        }
        return task;
    }

    private async Task<PreparedStatement> PrepareNewAsync(string cql, bool idempotent, CancellationToken ct)
    {
        var plan = QueryPlan(null);
        var errors = new Dictionary<string, Exception>();
        foreach (var host in plan)
        {
            try
            {
                var result = await PrepareOnAsync(host, cql, ct).ConfigureAwait(false);
                var statement = new PreparedStatement(cql, result) { IsIdempotent = idempotent };
                foreach (var other in plan)
                {
                    if (!ReferenceEquals(other, host)) _ = PrepareOnAsync(other, cql, CancellationToken.None).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                }
                return statement;
            }
            catch (Exception e) when (e is CqlConnectionException or CqlRequestTimeoutException or CqlServerException { IsRetryableOnAnotherHost: true })
            {
                errors[host.ToString()] = e;
            }
        }
        throw new NoHostAvailableException($"cannot prepare {cql}", errors);
    }

    private static async Task<PreparedResult> PrepareOnAsync(CqlHost host, string cql, CancellationToken ct)
    {
        var connection = host.LeastBusy() ?? throw new CqlConnectionException($"{host} has no open connection");
        return await PrepareOnAsync(connection, cql, ct).ConfigureAwait(false);
    }

    private static async Task<PreparedResult> PrepareOnAsync(CqlConnection connection, string cql, CancellationToken ct)
    {
        using var body = new CqlBodyWriter(cql.Length + 8);
        RequestEncoder.WritePrepare(body, cql);
        var result = await connection.ExecuteAsync(Opcode.Prepare, body.WrittenMemory, null, ct).ConfigureAwait(false);
        return result as PreparedResult ?? throw new CqlProtocolViolationException($"PREPARE answered with a {result.Kind} result");
    }

    /// <summary>Runs a statement and returns its RESULT (a <see cref="RowSet"/> page for a SELECT).</summary>
    /// <exception cref="NoHostAvailableException">Every host that could be tried failed.</exception>
    /// <exception cref="CqlServerException">The statement itself was refused (syntax, invalid, timeouts of a non-idempotent write...).</exception>
    public Task<CqlResult> ExecuteAsync(CqlStatement statement, CancellationToken ct = default)
    {
        var plan = QueryPlan(statement.RoutingKey);
        if (plan.Count == 0)
        {
            return Task.FromException<CqlResult>(new NoHostAvailableException($"no Cassandra node of data centre '{LocalDataCenter}' is up", new Dictionary<string, Exception>()));
        }
        return statement.IsIdempotent && _options.SpeculativeDelay is { } delay && plan.Count > 1
            ? ExecuteSpeculativelyAsync(statement, plan, delay, ct)
            : ExecuteInTurnAsync(statement, plan, ct);
    }

    /// <summary>Runs a SELECT and fetches every page.</summary>
    public async IAsyncEnumerable<RowSet> ExecutePagesAsync(CqlStatement statement, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            var result = await ExecuteAsync(statement, ct).ConfigureAwait(false);
            if (result is not RowSet rows) throw new CqlProtocolViolationException($"expected rows, got a {result.Kind} result");
            yield return rows;
            if (!rows.HasMorePages) yield break;
            statement = statement with { PagingState = rows.PagingState };
        }
    }

    private async Task<CqlResult> ExecuteInTurnAsync(CqlStatement statement, List<CqlHost> plan, CancellationToken ct)
    {
        var errors = new Dictionary<string, Exception>();
        foreach (var host in plan)
        {
            try
            {
                return await ExecuteOnAsync(host, statement, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (MayTryNextHost(e, statement))
            {
                errors[host.ToString()] = e;
            }
        }
        throw new NoHostAvailableException("every Cassandra node tried failed", errors);
    }

    private async Task<CqlResult> ExecuteSpeculativelyAsync(CqlStatement statement, List<CqlHost> plan, TimeSpan delay, CancellationToken ct)
    {
        using var losers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new List<(Task<CqlResult> Task, CqlHost Host)>();
        var errors = new Dictionary<string, Exception>();
        int next = 0;
        void StartNext() { var h = plan[next++]; running.Add((ExecuteOnAsync(h, statement, losers.Token), h)); }
        StartNext();
        try
        {
            while (true)
            {
                var waits = running.ConvertAll(r => (Task)r.Task);
                Task? timer = next < plan.Count ? Task.Delay(delay, losers.Token) : null;
                if (timer is not null) waits.Add(timer);
                if (waits.Count == 0) throw new NoHostAvailableException("every Cassandra node tried failed", errors);
                var done = await Task.WhenAny(waits).ConfigureAwait(false);
                if (done == timer)
                {
                    StartNext();
                    continue;
                }
                int index = running.FindIndex(r => r.Task == done);
                var (attempt, host) = running[index];
                running.RemoveAt(index);
                if (attempt.IsCompletedSuccessfully) return attempt.Result;
                var error = attempt.Exception?.InnerException ?? new OperationCanceledException();
                if (error is OperationCanceledException && ct.IsCancellationRequested) throw error;
                if (!MayTryNextHost(error, statement)) throw error;
                errors[host.ToString()] = error;
                if (next < plan.Count) StartNext();
                else if (running.Count == 0) throw new NoHostAvailableException("every Cassandra node tried failed", errors);
            }
        }
        finally
        {
            losers.Cancel();
            foreach (var (t, _) in running) _ = t.ContinueWith(static x => _ = x.Exception, TaskScheduler.Default);
        }
    }

    private static bool MayTryNextHost(Exception e, CqlStatement statement) => e switch
    {
        NoOpenConnectionException => true,
        // The coordinator refused before doing anything: safe for every statement.
        UnavailableException or OverloadedException or IsBootstrappingException => true,
        CqlConnectionException or CqlRequestTimeoutException or ServerErrorException => statement.IsIdempotent,
        _ => false,
    };

    private sealed class NoOpenConnectionException(string message) : CqlException(message);

    private async Task<CqlResult> ExecuteOnAsync(CqlHost host, CqlStatement statement, CancellationToken ct)
    {
        var connection = host.LeastBusy() ?? throw new NoOpenConnectionException($"{host} has no open connection");
        using var body = new CqlBodyWriter(512);
        var (opcode, columns) = Encode(body, statement);
        try
        {
            return await connection.ExecuteAsync(opcode, body.WrittenMemory, columns, ct).ConfigureAwait(false);
        }
        catch (UnpreparedException unprepared)
        {
            // Section 4.2.5.4: ids are per node and lost on restart; prepare again on this node and retry once.
            string cql = FindPreparedCql(statement, unprepared.StatementId)
                ?? throw new CqlProtocolViolationException($"{host} reported an unknown statement id as unprepared");
            _logger.LogInformation("Re-preparing on {Host}: {Cql}", host, cql);
            await PrepareOnAsync(connection, cql, ct).ConfigureAwait(false);
            return await connection.ExecuteAsync(opcode, body.WrittenMemory, columns, ct).ConfigureAwait(false);
        }
    }

    private static string? FindPreparedCql(CqlStatement statement, byte[] id) => statement switch
    {
        BoundStatement b when b.Prepared.Id.AsSpan().SequenceEqual(id) => b.Prepared.Cql,
        BatchStatement batch => batch.Statements.Select(s => FindPreparedCql(s, id)).FirstOrDefault(c => c is not null),
        _ => null,
    };

    private (Opcode, IReadOnlyList<ColumnSpec>?) Encode(CqlBodyWriter body, CqlStatement statement)
    {
        var consistency = statement.Consistency ?? _options.DefaultConsistency;
        switch (statement)
        {
            case SimpleStatement s:
                RequestEncoder.WriteQuery(body, s.Cql, Parameters(statement, s.Values, consistency));
                return (Opcode.Query, null);
            case BoundStatement b:
                RequestEncoder.WriteExecute(body, b.Prepared.Id, Parameters(statement, b.Values, consistency));
                return (Opcode.Execute, b.Prepared.ResultMetadata.Columns);
            case BatchStatement batch:
                var entries = new BatchEntry[batch.Statements.Count];
                for (int i = 0; i < entries.Length; i++)
                {
                    entries[i] = batch.Statements[i] switch
                    {
                        BoundStatement b => new BatchEntry(null, b.Prepared.Id, b.Values),
                        SimpleStatement s => new BatchEntry(s.Cql, null, s.Values),
                        _ => throw new ArgumentException("a batch holds simple and bound statements only"),
                    };
                }
                RequestEncoder.WriteBatch(body, batch.Type, entries, consistency, statement.SerialConsistency, statement.DefaultTimestamp);
                return (Opcode.Batch, null);
            default:
                throw new ArgumentException($"unknown statement type {statement.GetType().Name}");
        }
    }

    private QueryParameters Parameters(CqlStatement s, BoundValues values, Consistency consistency) => new()
    {
        Consistency = consistency,
        Values = values,
        PageSize = s.PageSize > 0 ? s.PageSize : _options.DefaultPageSize,
        PagingState = s.PagingState,
        SerialConsistency = s.SerialConsistency,
        DefaultTimestamp = s.DefaultTimestamp,
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_control is not null) await _control.DisposeAsync().ConfigureAwait(false);
        foreach (var h in _hosts.Values) await h.DisposeAsync().ConfigureAwait(false);
    }
}
