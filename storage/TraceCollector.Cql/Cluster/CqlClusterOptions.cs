using TraceCollector.Cql.Connection;
using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql.Cluster;

/// <summary>How a session finds and uses the cluster; the defaults follow Zipkin's Cassandra storage.</summary>
public sealed record CqlClusterOptions
{
    /// <summary>CASSANDRA_CONTACT_POINTS: host or host:port entries.</summary>
    public IReadOnlyList<string> ContactPoints { get; init; } = ["localhost"];

    public int DefaultPort { get; init; } = 9042;

    /// <summary>CASSANDRA_LOCAL_DC; null takes the data centre of the first contact point reached.</summary>
    public string? LocalDataCenter { get; init; }

    public CqlConnectionOptions Connection { get; init; } = new();

    /// <summary>CASSANDRA_MAX_CONNECTIONS: connections kept to each local host.</summary>
    public int ConnectionsPerHost { get; init; } = 8;

    /// <summary>When an idempotent read has no answer after this long, the next host is asked too; null disables.</summary>
    public TimeSpan? SpeculativeDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    public Consistency DefaultConsistency { get; init; } = Consistency.LocalOne;

    public int DefaultPageSize { get; init; } = 5000;
}
