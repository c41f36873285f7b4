namespace TraceCollector.Cql.Protocol;

/// <summary>Flags of &lt;query_parameters&gt; (section 4.1.4).</summary>
[Flags]
public enum QueryFlags : byte
{
    None = 0,
    Values = 0x01,
    SkipMetadata = 0x02,
    PageSize = 0x04,
    WithPagingState = 0x08,
    WithSerialConsistency = 0x10,
    WithDefaultTimestamp = 0x20,
    WithNamesForValues = 0x40,
}

/// <summary>The &lt;query_parameters&gt; shared by QUERY and EXECUTE.</summary>
public sealed record QueryParameters
{
    public Consistency Consistency { get; init; } = Consistency.LocalOne;
    public BoundValues Values { get; init; } = BoundValues.Empty;
    public bool SkipMetadata { get; init; }

    /// <summary>0 or less: no paging (the server returns everything).</summary>
    public int PageSize { get; init; }

    public byte[]? PagingState { get; init; }
    public Consistency? SerialConsistency { get; init; }

    /// <summary>Microseconds since the epoch.</summary>
    public long? DefaultTimestamp { get; init; }
}

/// <summary>One statement of a BATCH: a query string (kind 0) or a prepared id (kind 1), with its values.</summary>
public readonly record struct BatchEntry(string? Query, byte[]? PreparedId, BoundValues Values);

/// <summary>Encodes request bodies (section 4.1). Every method appends to the writer; the frame header is the connection's job.</summary>
public static class RequestEncoder
{
    public static void WriteStartup(CqlBodyWriter w, IReadOnlyList<KeyValuePair<string, string>> options) => w.WriteStringMap(options);

    public static void WriteAuthResponse(CqlBodyWriter w, ReadOnlySpan<byte> token) => w.WriteBytes(token);

    public static void WritePrepare(CqlBodyWriter w, string query) => w.WriteLongString(query);

    public static void WriteRegister(CqlBodyWriter w, IReadOnlyList<string> eventTypes) => w.WriteStringList(eventTypes);

    public static void WriteQuery(CqlBodyWriter w, string query, QueryParameters parameters)
    {
        w.WriteLongString(query);
        WriteParameters(w, parameters);
    }

    public static void WriteExecute(CqlBodyWriter w, ReadOnlySpan<byte> preparedId, QueryParameters parameters)
    {
        w.WriteShortBytes(preparedId);
        WriteParameters(w, parameters);
    }

    public static void WriteParameters(CqlBodyWriter w, QueryParameters p)
    {
        var flags = QueryFlags.None;
        if (p.Values.Count > 0) flags |= QueryFlags.Values;
        if (p.SkipMetadata) flags |= QueryFlags.SkipMetadata;
        if (p.PageSize > 0) flags |= QueryFlags.PageSize;
        if (p.PagingState is not null) flags |= QueryFlags.WithPagingState;
        if (p.SerialConsistency is not null) flags |= QueryFlags.WithSerialConsistency;
        if (p.DefaultTimestamp is not null) flags |= QueryFlags.WithDefaultTimestamp;
        w.WriteConsistency(p.Consistency);
        w.WriteByte((byte)flags);
        if (p.Values.Count > 0)
        {
            w.WriteShort(checked((ushort)p.Values.Count));
            w.WriteRaw(p.Values.Encoded);
        }
        if (p.PageSize > 0) w.WriteInt(p.PageSize);
        if (p.PagingState is not null) w.WriteBytes(p.PagingState);
        if (p.SerialConsistency is { } serial) w.WriteConsistency(serial);
        if (p.DefaultTimestamp is { } ts) w.WriteLong(ts);
    }

    public static void WriteBatch(CqlBodyWriter w, BatchType type, IReadOnlyList<BatchEntry> entries, Consistency consistency,
        Consistency? serialConsistency = null, long? defaultTimestamp = null)
    {
        w.WriteByte((byte)type);
        w.WriteShort(checked((ushort)entries.Count));
        foreach (var e in entries)
        {
            if (e.PreparedId is { } id)
            {
                w.WriteByte(1);
                w.WriteShortBytes(id);
            }
            else
            {
                w.WriteByte(0);
                w.WriteLongString(e.Query ?? throw new ArgumentException("a batch entry needs a query or a prepared id"));
            }
            w.WriteShort(checked((ushort)e.Values.Count));
            w.WriteRaw(e.Values.Encoded);
        }
        w.WriteConsistency(consistency);
        var flags = QueryFlags.None;
        if (serialConsistency is not null) flags |= QueryFlags.WithSerialConsistency;
        if (defaultTimestamp is not null) flags |= QueryFlags.WithDefaultTimestamp;
        w.WriteByte((byte)flags);
        if (serialConsistency is { } serial) w.WriteConsistency(serial);
        if (defaultTimestamp is { } ts) w.WriteLong(ts);
    }
}
