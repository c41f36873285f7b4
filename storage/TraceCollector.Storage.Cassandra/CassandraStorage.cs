using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TraceCollector.Cql;
using TraceCollector.Cql.Cluster;
using TraceCollector.Cql.Protocol;
using TraceCollector.Model;

namespace TraceCollector.Storage.Cassandra;

/// <summary>
/// STORAGE_TYPE=cassandra3: spans in Zipkin's Cassandra schema, over our own CQL client. Writes are
/// prepared, idempotent (deterministic ts_uuid) and grouped into unlogged batches only when the
/// statements share a partition; reads page and merge through <see cref="TraceMerger"/>. Dependency
/// links are computed here (see <see cref="DependencyAggregator"/>) instead of by Zipkin's Spark job.
/// The session connects lazily and retries on the next call after a failure.
/// </summary>
public sealed partial class CassandraStorage : ISpanStorage
{
    private const long MicrosPerDay = 86_400_000_000L;

    private readonly CassandraStorageOptions _options;
    private readonly StorageOptions _storage;
    private readonly ILogger _logger;
    private readonly SpanRows _rows;
    private readonly SemaphoreSlim _inFlight;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ConcurrentDictionary<string, long> _recentNames = new(StringComparer.Ordinal);
    private readonly DependencyAggregator _dependencies;
    private (CqlSession Session, CassandraStatements Statements)? _ready;

    public CassandraStorage(CassandraStorageOptions options, StorageOptions storage, ILoggerFactory logs)
    {
        _options = options;
        _storage = storage;
        _logger = logs.CreateLogger<CassandraStorage>();
        _rows = new SpanRows(options.Keyspace, storage.StrictTraceId, storage.SearchEnabled);
        _inFlight = new SemaphoreSlim(Math.Max(1, options.MaxInFlight));
        _dependencies = new DependencyAggregator(this, options.DependencyQuietPeriod, _logger);
    }

    private async Task<(CqlSession Session, CassandraStatements Statements)> ReadyAsync(CancellationToken ct)
    {
        if (_ready is { } ready) return ready;
        await _connectLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ready is { } again) return again;
            var session = await CqlSession.ConnectAsync(_options.Cluster, _logger, ct).ConfigureAwait(false);
            try
            {
                await CassandraSchema.ApplyAsync(session, _options, _storage.SearchEnabled, _logger, ct).ConfigureAwait(false);
                var statements = await CassandraStatements.PrepareAsync(session, _options.Keyspace, _rows, _storage.SearchEnabled, ct).ConfigureAwait(false);
                _ready = (session, statements);
                _logger.LogInformation("Cassandra store ready: keyspace {Keyspace}, data centre {Dc}, {Hosts} local hosts",
                    _options.Keyspace, session.LocalDataCenter, session.LocalHosts.Count());
                return _ready.Value;
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Runs a statement within the store's in-flight bound.</summary>
    private async Task<CqlResult> RunAsync(CqlSession session, CqlStatement statement, CancellationToken ct)
    {
        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await session.ExecuteAsync(statement, ct).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public async ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default)
    {
        if (spans.Count == 0) return;
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var plan = new WritePlan();
        var values = new BoundValues.Builder();
        var traces = new HashSet<TraceId>();
        foreach (var span in spans)
        {
            long tsMicros = SpanRows.TimestampMicros(span);
            var tsUuid = SpanRows.DeterministicTimeUuid(span, tsMicros);
            string traceKey = _rows.PartitionOf(span.TraceId);
            plan.Add("span", traceKey, st.InsertSpan.Bind(_rows.Bind(span, tsUuid, values)));
            traces.Add(_storage.StrictTraceId ? span.TraceId : span.TraceId.ToLow64());
            if (_storage.SearchEnabled && span.LocalServiceName is { } service) PlanIndexes(plan, st, values, span, service, traceKey, tsMicros, tsUuid);
        }
        try
        {
            await Task.WhenAll(plan.Statements().Select(s => RunAsync(session, s, cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            // The name rows of this call may not be stored: let the next span with the same names write them again.
            foreach (var key in plan.NameKeys) _recentNames.TryRemove(key, out _);
            throw;
        }
        _dependencies.Touch(traces);
    }

    private void PlanIndexes(WritePlan plan, CassandraStatements st, BoundValues.Builder values, Span span, string service, string traceKey, long tsMicros, Guid tsUuid)
    {
        string spanName = span.Name ?? "";
        string? remote = span.RemoteServiceName;
        if (FirstSightOfName("s", service, spanName, plan)) plan.Add("span_by_service", service, st.InsertSpanName!.Bind(values.AddText(service).AddText(spanName).Build()));
        if (remote is not null && FirstSightOfName("r", service, remote, plan))
        {
            plan.Add("remote_service_by_service", service, st.InsertRemoteServiceName!.Bind(values.AddText(service).AddText(remote).Build()));
        }
        if (tsMicros == 0) return;
        int bucket = (int)(tsMicros / MicrosPerDay);
        long durationMs = span.Duration / 1000;
        void ByServiceSpan(string name)
        {
            values.AddText(service).AddText(name).AddInt(bucket).AddUuid(tsUuid).AddText(traceKey);
            if (span.Duration != 0) values.AddBigint(durationMs); else values.AddUnset();
            plan.Add("trace_by_service_span", $"{service}\u2591{name}\u2591{bucket}", st.InsertTraceByServiceSpan!.Bind(values.Build()));
        }
        ByServiceSpan(spanName);
        // Zipkin's quirk, kept for compatibility: only named spans get the blank row, remote and autocomplete rows.
        if (spanName.Length == 0) return;
        ByServiceSpan("");
        if (remote is not null)
        {
            plan.Add("trace_by_service_remote_service", $"{service}\u2591{remote}\u2591{bucket}",
                st.InsertTraceByRemoteService!.Bind(values.AddText(service).AddText(remote).AddInt(bucket).AddUuid(tsUuid).AddText(traceKey).Build()));
        }
        foreach (var key in _storage.AutocompleteKeys)
        {
            if (span.TryGetTag(key, out var tagValue) && FirstSightOfName("a", key, tagValue, plan))
            {
                plan.Add("autocomplete_tags", key, st.InsertAutocompleteTag!.Bind(values.AddText(key).AddText(tagValue).Build()));
            }
        }
    }

    /// <summary>Like Zipkin's DelayLimiter: a name row is written at most once an hour, over at most 20000 recent names.</summary>
    private bool FirstSightOfName(string kind, string a, string b, WritePlan plan)
    {
        string key = $"{kind}\u2591{a}\u2591{b}";
        long now = Environment.TickCount64;
        if (_recentNames.TryGetValue(key, out long until) && until > now) return false;
        if (_recentNames.Count >= 20_000) _recentNames.Clear();
        _recentNames[key] = now + (long)TimeSpan.FromHours(1).TotalMilliseconds;
        plan.NameKeys.Add(key);
        return true;
    }

    /// <summary>The statements of one call, grouped by (table, partition): a group becomes one unlogged batch.</summary>
    private sealed class WritePlan
    {
        private readonly Dictionary<(string Table, string Partition), List<CqlStatement>> _groups = new();

        public List<string> NameKeys { get; } = [];

        public void Add(string table, string partition, CqlStatement statement)
        {
            if (!_groups.TryGetValue((table, partition), out var list)) _groups[(table, partition)] = list = [];
            list.Add(statement);
        }

        public IEnumerable<CqlStatement> Statements()
        {
            foreach (var group in _groups.Values)
            {
                if (group.Count == 1) yield return group[0];
                else
                {
                    // Batches of at most 100 keep a single mutation small enough for Cassandra's batch size warnings.
                    for (int i = 0; i < group.Count; i += 100)
                    {
                        yield return new BatchStatement(group.GetRange(i, Math.Min(100, group.Count - i))) { IsIdempotent = true };
                    }
                }
            }
        }
    }

    public async ValueTask<StorageHealth> CheckAsync(CancellationToken cancellationToken = default)
    {
        const string component = "cassandra3";
        try
        {
            var (session, _) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
            return session.LocalHosts.Any(h => h.IsUp)
                ? StorageHealth.Up(component)
                : StorageHealth.Down(component, $"no Cassandra node of data centre {session.LocalDataCenter} is reachable");
        }
        catch (Exception e) when (e is CqlException or InvalidOperationException)
        {
            return StorageHealth.Down(component, e.Message);
        }
    }

    /// <summary>Drops the whole keyspace: for tests that made a keyspace of their own.</summary>
    internal async Task DropKeyspaceAsync(CancellationToken ct = default)
    {
        var (session, _) = await ReadyAsync(ct).ConfigureAwait(false);
        await session.ExecuteAsync(new SimpleStatement($"DROP KEYSPACE IF EXISTS {_options.Keyspace}"), ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _dependencies.DisposeAsync().ConfigureAwait(false);
        if (_ready is { } ready) await ready.Session.DisposeAsync().ConfigureAwait(false);
    }
}
