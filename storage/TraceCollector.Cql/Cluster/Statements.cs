using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql.Cluster;

/// <summary>What to run and how: consistency, paging, and whether it may be retried or sent twice.</summary>
public abstract record CqlStatement
{
    /// <summary>Null: the session default (LOCAL_ONE, as Zipkin uses).</summary>
    public Consistency? Consistency { get; init; }

    /// <summary>0: the session default page size.</summary>
    public int PageSize { get; init; }

    public byte[]? PagingState { get; init; }

    /// <summary>
    /// Running it twice has the same effect as once. Only idempotent statements are retried on another
    /// host after a timeout or sent speculatively.
    /// </summary>
    public bool IsIdempotent { get; init; }

    public Consistency? SerialConsistency { get; init; }

    /// <summary>Microseconds since the epoch, used as the write timestamp.</summary>
    public long? DefaultTimestamp { get; init; }

    /// <summary>The serialised partition key, for token-aware routing; null routes round-robin.</summary>
    public abstract byte[]? RoutingKey { get; }
}

/// <summary>A query string sent as QUERY, with positional values.</summary>
public sealed record SimpleStatement(string Cql) : CqlStatement
{
    public BoundValues Values { get; init; } = BoundValues.Empty;

    public byte[]? Routing { get; init; }

    public override byte[]? RoutingKey => Routing;
}

/// <summary>A prepared statement with its values, sent as EXECUTE.</summary>
public sealed record BoundStatement(PreparedStatement Prepared, BoundValues Values) : CqlStatement
{
    public override byte[]? RoutingKey => Prepared.RoutingKeyOf(Values);
}

/// <summary>Several statements sent as one BATCH; unlogged unless told otherwise. Routed by its first statement.</summary>
public sealed record BatchStatement(IReadOnlyList<CqlStatement> Statements) : CqlStatement
{
    public BatchType Type { get; init; } = BatchType.Unlogged;

    public override byte[]? RoutingKey => Statements.Count > 0 ? Statements[0].RoutingKey : null;
}

/// <summary>A statement prepared on the cluster: its id, bind markers and the positions of the partition key among them.</summary>
public sealed class PreparedStatement(string cql, PreparedResult prepared)
{
    public string Cql { get; } = cql;

    public byte[] Id { get; } = prepared.Id;

    public IReadOnlyList<ColumnSpec> Variables { get; } = prepared.Variables;

    public IReadOnlyList<int> PartitionKeyIndexes { get; } = prepared.PartitionKeyIndexes;

    public RowsMetadata ResultMetadata { get; } = prepared.ResultMetadata;

    /// <summary>Whether statements bound from this one are idempotent (set by who prepares it).</summary>
    public bool IsIdempotent { get; init; }

    public BoundStatement Bind(BoundValues values)
    {
        if (values.Count != Variables.Count) throw new ArgumentException($"statement has {Variables.Count} bind markers, got {values.Count} values: {Cql}");
        return new BoundStatement(this, values) { IsIdempotent = IsIdempotent };
    }

    public byte[]? RoutingKeyOf(BoundValues values)
    {
        if (PartitionKeyIndexes.Count == 0) return null;
        var parts = new byte[PartitionKeyIndexes.Count][];
        for (int i = 0; i < parts.Length; i++)
        {
            var content = values.Value(PartitionKeyIndexes[i], out int length);
            if (length < 0) return null;
            parts[i] = content.ToArray();
        }
        return Murmur3Token.RoutingKey(parts);
    }
}
