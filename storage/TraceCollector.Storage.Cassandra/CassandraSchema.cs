using Microsoft.Extensions.Logging;
using TraceCollector.Cql;
using TraceCollector.Cql.Cluster;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;

namespace TraceCollector.Storage.Cassandra;

/// <summary>
/// Zipkin's Cassandra schema (zipkin2-schema.cql, -indexes, -upgrade-1, -upgrade-2), with the keyspace
/// name substituted, plus one table of ours: trace_dependency, the dependency links of each trace,
/// which replaces Zipkin's external Spark job. Same tables, columns, TTLs and compaction, so either
/// server reads what the other wrote.
/// </summary>
internal static class CassandraSchema
{
    private const string Options = "AND gc_grace_seconds = 3600 AND read_repair_chance = 0 AND dclocal_read_repair_chance = 0";
    private const string Leveled = "compaction = {'class': 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy', 'unchecked_tombstone_compaction': 'true', 'tombstone_threshold': '0.2'}";
    private const string RowCacheAll = "caching = {'rows_per_partition': 'ALL'}";
    private const string TimeWindow = "compaction = {'class': 'org.apache.cassandra.db.compaction.TimeWindowCompactionStrategy'}";

    public static CqlType EndpointType(string ks) => CqlType.Udt(ks, "endpoint", ("service", CqlType.Text), ("ipv4", CqlType.Inet), ("ipv6", CqlType.Inet), ("port", CqlType.Int));

    public static CqlType AnnotationType(string ks) => CqlType.Udt(ks, "annotation", ("ts", CqlType.Bigint), ("v", CqlType.Text));

    public static CqlType DependencyLinkType(string ks) => CqlType.Udt(ks, "dependency_link", ("parent", CqlType.Text), ("child", CqlType.Text), ("calls", CqlType.Bigint), ("errors", CqlType.Bigint));

    public static IReadOnlyList<string> Core(string ks) =>
    [
        $"CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': '1'}} AND durable_writes = false",
        $"CREATE TYPE IF NOT EXISTS {ks}.endpoint (service text, ipv4 inet, ipv6 inet, port int)",
        $"CREATE TYPE IF NOT EXISTS {ks}.annotation (ts bigint, v text)",
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.span (trace_id text, ts_uuid timeuuid, id text, trace_id_high text, parent_id text, kind text, span text,
            ts bigint, duration bigint, l_ep endpoint, r_ep endpoint, annotations list<frozen<annotation>>, tags map<text,text>, shared boolean, debug boolean,
            PRIMARY KEY (trace_id, ts_uuid, id))
        WITH CLUSTERING ORDER BY (ts_uuid DESC) AND {TimeWindow} AND default_time_to_live = 604800 {Options}
            AND speculative_retry = '95percentile' AND comment = 'Primary table for holding trace data'
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.dependency (day date, parent text, child text, errors bigint, calls bigint, PRIMARY KEY (day, parent, child))
        WITH {Leveled} AND default_time_to_live = 259200 {Options} AND comment = 'Holder for each days generation of zipkin2.DependencyLink'
        """,
        $"CREATE TYPE IF NOT EXISTS {ks}.dependency_link (parent text, child text, calls bigint, errors bigint)",
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.trace_dependency (day date, shard int, trace_id text, links frozen<list<frozen<dependency_link>>>,
            PRIMARY KEY ((day, shard), trace_id))
        WITH {Leveled} AND default_time_to_live = 259200 {Options}
            AND comment = 'TraceCollector: dependency links of each trace, summed per day at read time (no Spark job needed)'
        """,
    ];

    public static IReadOnlyList<string> Search(string ks) =>
    [
        $"ALTER TABLE {ks}.span ADD l_service text",
        $"ALTER TABLE {ks}.span ADD annotation_query text",
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.trace_by_service_span (service text, span text, bucket int, ts timeuuid, trace_id text, duration bigint,
            PRIMARY KEY ((service, span, bucket), ts))
        WITH CLUSTERING ORDER BY (ts DESC) AND {TimeWindow} AND default_time_to_live = 259200 {Options}
            AND speculative_retry = '95percentile' AND comment = 'Secondary table for looking up a trace by a service, or service and span.'
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.span_by_service (service text, span text, PRIMARY KEY (service, span))
        WITH {Leveled} AND {RowCacheAll} AND default_time_to_live = 259200 {Options}
            AND speculative_retry = '95percentile' AND comment = 'Secondary table for looking up span names by a service name.'
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.remote_service_by_service (service text, remote_service text, PRIMARY KEY (service, remote_service))
        WITH {Leveled} AND {RowCacheAll} AND default_time_to_live = 259200 {Options}
            AND speculative_retry = '95percentile' AND comment = 'Secondary table for looking up remote service names by a service name.'
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.trace_by_service_remote_service (service text, remote_service text, bucket int, ts timeuuid, trace_id text,
            PRIMARY KEY ((service, remote_service, bucket), ts))
        WITH CLUSTERING ORDER BY (ts DESC) AND {TimeWindow} AND default_time_to_live = 259200 {Options}
            AND speculative_retry = '95percentile' AND comment = 'Secondary table for looking up a trace by a remote service.'
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {ks}.autocomplete_tags (key text, value text, PRIMARY KEY (key, value))
        WITH {Leveled} AND {RowCacheAll} AND default_time_to_live = 259200 {Options}
            AND speculative_retry = '95percentile' AND comment = 'Secondary table for looking up tag key and values for a service'
        """,
        $"CREATE CUSTOM INDEX IF NOT EXISTS ON {ks}.span (annotation_query) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {{'mode': 'PREFIX', 'analyzed': 'true', 'analyzer_class': 'org.apache.cassandra.index.sasi.analyzer.DelimiterAnalyzer', 'delimiter': '░'}}",
        $"CREATE CUSTOM INDEX IF NOT EXISTS ON {ks}.span (l_service) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {{'mode': 'PREFIX'}}",
        $"CREATE CUSTOM INDEX IF NOT EXISTS ON {ks}.trace_by_service_span (duration) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {{'mode': 'PREFIX'}}",
    ];

    public const string TablesQuery = "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?";

    /// <summary>Creates what is missing (ensure) or checks that the needed tables exist (validate).</summary>
    public static async Task ApplyAsync(CqlSession session, CassandraStorageOptions options, bool searchEnabled, ILogger logger, CancellationToken ct)
    {
        string ks = options.Keyspace;
        var tables = await ExistingTablesAsync(session, ks, ct).ConfigureAwait(false);
        if (!options.EnsureSchema)
        {
            if (!tables.Contains("span")) throw new InvalidOperationException($"{ks}.span does not exist and CASSANDRA_ENSURE_SCHEMA=false");
            if (searchEnabled && !tables.Contains("span_by_service")) throw new InvalidOperationException($"{ks}.span_by_service does not exist and CASSANDRA_ENSURE_SCHEMA=false; set SEARCH_ENABLED=false or create the index tables");
            return;
        }
        // Cassandra 4 dropped the read-repair chance options (zipkin-contract 6).
        bool modern = session.ReleaseVersion is { } v && int.TryParse(v.Split('.')[0], out int major) && major >= 4;
        var statements = new List<string>(Core(ks));
        if (searchEnabled) statements.AddRange(Search(ks));
        foreach (var raw in statements)
        {
            string cql = modern ? raw.Replace(" AND read_repair_chance = 0 AND dclocal_read_repair_chance = 0", "", StringComparison.Ordinal) : raw;
            if (cql.StartsWith("ALTER TABLE", StringComparison.Ordinal) && tables.Contains("span") && await HasColumnAsync(session, ks, cql, ct).ConfigureAwait(false)) continue;
            try
            {
                await session.ExecuteAsync(new SimpleStatement(cql) { Consistency = Consistency.One }, ct).ConfigureAwait(false);
            }
            catch (CqlServerException e) when (cql.Contains("SASIIndex", StringComparison.Ordinal) && e is ConfigErrorException or InvalidQueryException)
            {
                // SASI must be enabled in cassandra.yaml on 4.x; without it only annotation search by SASI is lost.
                logger.LogWarning("Cassandra refused a SASI index ({Error}); set enable_sasi_indexes: true in cassandra.yaml", e.Message);
            }
        }
    }

    private static async Task<HashSet<string>> ExistingTablesAsync(CqlSession session, string ks, CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var statement = new SimpleStatement(TablesQuery) { Values = new BoundValues.Builder().AddText(ks).Build(), IsIdempotent = true };
        await foreach (var page in session.ExecutePagesAsync(statement, ct).ConfigureAwait(false))
        {
            foreach (var row in page) if (row.GetString(0) is { } n) names.Add(n);
        }
        return names;
    }

    private static async Task<bool> HasColumnAsync(CqlSession session, string ks, string alter, CancellationToken ct)
    {
        string column = alter.Split(' ')[^2];
        var statement = new SimpleStatement("SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'span'")
        {
            Values = new BoundValues.Builder().AddText(ks).Build(),
            IsIdempotent = true,
        };
        await foreach (var page in session.ExecutePagesAsync(statement, ct).ConfigureAwait(false))
        {
            foreach (var row in page) if (row.GetString(0) == column) return true;
        }
        return false;
    }
}
