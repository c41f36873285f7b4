using TraceCollector.Cql.Cluster;

namespace TraceCollector.Storage.Cassandra;

/// <summary>Every statement the store runs, prepared once the session is up. All are idempotent: the writes carry deterministic keys.</summary>
internal sealed class CassandraStatements
{
    public required PreparedStatement InsertSpan { get; init; }
    public required PreparedStatement SelectSpans { get; init; }
    public required PreparedStatement InsertTraceDependency { get; init; }
    public required PreparedStatement SelectTraceDependencies { get; init; }
    public required PreparedStatement SelectDailyDependencies { get; init; }
    public PreparedStatement? InsertTraceByServiceSpan { get; init; }
    public PreparedStatement? InsertTraceByRemoteService { get; init; }
    public PreparedStatement? InsertSpanName { get; init; }
    public PreparedStatement? InsertRemoteServiceName { get; init; }
    public PreparedStatement? InsertAutocompleteTag { get; init; }
    public PreparedStatement? SelectTraceIdsBySpan { get; init; }
    public PreparedStatement? SelectTraceIdsByRemoteService { get; init; }
    public PreparedStatement? SelectServiceNames { get; init; }
    public PreparedStatement? SelectSpanNames { get; init; }
    public PreparedStatement? SelectRemoteServiceNames { get; init; }
    public PreparedStatement? SelectAutocompleteValues { get; init; }

    public static async Task<CassandraStatements> PrepareAsync(CqlSession session, string ks, SpanRows rows, bool search, CancellationToken ct)
    {
        Task<PreparedStatement> P(string cql) => session.PrepareAsync(cql, idempotent: true, ct);
        Task<PreparedStatement>? S(string cql) => search ? P(cql) : null;
        var insertSpan = P(rows.InsertCql);
        var selectSpans = P(rows.SelectCql);
        var insertDependency = P($"INSERT INTO {ks}.trace_dependency (day, shard, trace_id, links) VALUES (?, ?, ?, ?)");
        var selectDependencies = P($"SELECT links FROM {ks}.trace_dependency WHERE day = ? AND shard = ?");
        var selectDaily = P($"SELECT parent, child, errors, calls FROM {ks}.dependency WHERE day = ?");
        var byServiceSpan = S($"INSERT INTO {ks}.trace_by_service_span (service, span, bucket, ts, trace_id, duration) VALUES (?, ?, ?, ?, ?, ?)");
        var byRemote = S($"INSERT INTO {ks}.trace_by_service_remote_service (service, remote_service, bucket, ts, trace_id) VALUES (?, ?, ?, ?, ?)");
        var spanName = S($"INSERT INTO {ks}.span_by_service (service, span) VALUES (?, ?)");
        var remoteName = S($"INSERT INTO {ks}.remote_service_by_service (service, remote_service) VALUES (?, ?)");
        var autocomplete = S($"INSERT INTO {ks}.autocomplete_tags (key, value) VALUES (?, ?)");
        var idsBySpan = S($"SELECT trace_id, ts, duration FROM {ks}.trace_by_service_span WHERE service = ? AND span = ? AND bucket = ? AND ts >= ? AND ts <= ?");
        var idsByRemote = S($"SELECT trace_id, ts FROM {ks}.trace_by_service_remote_service WHERE service = ? AND remote_service = ? AND bucket = ? AND ts >= ? AND ts <= ?");
        var services = S($"SELECT DISTINCT service FROM {ks}.span_by_service");
        var spanNames = S($"SELECT span FROM {ks}.span_by_service WHERE service = ? LIMIT 10000");
        var remoteNames = S($"SELECT remote_service FROM {ks}.remote_service_by_service WHERE service = ? LIMIT 1000");
        var values = S($"SELECT value FROM {ks}.autocomplete_tags WHERE key = ? LIMIT 10000");
        async Task<PreparedStatement?> Opt(Task<PreparedStatement>? t) => t is null ? null : await t.ConfigureAwait(false);
        return new CassandraStatements
        {
            InsertSpan = await insertSpan.ConfigureAwait(false),
            SelectSpans = await selectSpans.ConfigureAwait(false),
            InsertTraceDependency = await insertDependency.ConfigureAwait(false),
            SelectTraceDependencies = await selectDependencies.ConfigureAwait(false),
            SelectDailyDependencies = await selectDaily.ConfigureAwait(false),
            InsertTraceByServiceSpan = await Opt(byServiceSpan).ConfigureAwait(false),
            InsertTraceByRemoteService = await Opt(byRemote).ConfigureAwait(false),
            InsertSpanName = await Opt(spanName).ConfigureAwait(false),
            InsertRemoteServiceName = await Opt(remoteName).ConfigureAwait(false),
            InsertAutocompleteTag = await Opt(autocomplete).ConfigureAwait(false),
            SelectTraceIdsBySpan = await Opt(idsBySpan).ConfigureAwait(false),
            SelectTraceIdsByRemoteService = await Opt(idsByRemote).ConfigureAwait(false),
            SelectServiceNames = await Opt(services).ConfigureAwait(false),
            SelectSpanNames = await Opt(spanNames).ConfigureAwait(false),
            SelectRemoteServiceNames = await Opt(remoteNames).ConfigureAwait(false),
            SelectAutocompleteValues = await Opt(values).ConfigureAwait(false),
        };
    }
}
