using TraceCollector.Cql.Cluster;

namespace TraceCollector.Storage.Cassandra;

/// <summary>The Cassandra store's settings, named as Zipkin names them (CASSANDRA_*).</summary>
public sealed record CassandraStorageOptions
{
    /// <summary>CASSANDRA_KEYSPACE.</summary>
    public string Keyspace { get; init; } = "zipkin2";

    /// <summary>CASSANDRA_ENSURE_SCHEMA: create what is missing; when false, fail if the span table (or, with search, span_by_service) is missing.</summary>
    public bool EnsureSchema { get; init; } = true;

    /// <summary>CASSANDRA_INDEX_FETCH_MULTIPLIER: index rows read per requested trace.</summary>
    public int IndexFetchMultiplier { get; init; } = 3;

    /// <summary>Statements in flight at once from this store (writes are held back beyond it).</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>How long a trace must be quiet before its dependency links are recomputed.</summary>
    public TimeSpan DependencyQuietPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Contact points, local DC, credentials, TLS, connections per host.</summary>
    public CqlClusterOptions Cluster { get; init; } = new();
}
