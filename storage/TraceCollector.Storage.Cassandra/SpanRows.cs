using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using System.Text;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;
using TraceCollector.Model;

namespace TraceCollector.Storage.Cassandra;

/// <summary>
/// A span as a row of Zipkin's span table and back: trace_id (low 16 hex when STRICT_TRACE_ID=false,
/// with the high half in trace_id_high), ids as hex text, endpoints and annotations as UDTs, tags as a
/// map; absent fields are left unset (no tombstones), debug/shared written only when true.
/// </summary>
internal sealed class SpanRows(string keyspace, bool strictTraceId, bool searchEnabled)
{
    /// <summary>Zipkin's annotation_query delimiter (U+2591), the SASI DelimiterAnalyzer's token separator.</summary>
    public const char Delimiter = '░';

    private readonly CqlType _endpoint = CassandraSchema.EndpointType(keyspace);
    private readonly CqlType _annotations = CqlType.List(CassandraSchema.AnnotationType(keyspace));
    private static readonly CqlType Tags = CqlType.Map(CqlType.Text, CqlType.Text);

    public string InsertCql => searchEnabled
        ? $"INSERT INTO {keyspace}.span (trace_id, ts_uuid, id, trace_id_high, parent_id, kind, span, ts, duration, l_ep, r_ep, annotations, tags, debug, shared, l_service, annotation_query) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        : $"INSERT INTO {keyspace}.span (trace_id, ts_uuid, id, trace_id_high, parent_id, kind, span, ts, duration, l_ep, r_ep, annotations, tags, debug, shared) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    public string SelectCql => $"SELECT trace_id, trace_id_high, parent_id, id, kind, span, ts, duration, l_ep, r_ep, annotations, tags, debug, shared FROM {keyspace}.span WHERE trace_id = ? LIMIT 100000";

    /// <summary>The partition key a span's trace is stored under.</summary>
    public string PartitionOf(TraceId id) => strictTraceId ? id.ToString() : HexId.Format(id.Low);

    /// <summary>Zipkin's ts_micro: the span timestamp, else the first positive annotation timestamp, else 0.</summary>
    public static long TimestampMicros(Span span)
    {
        if (span.Timestamp > 0) return span.Timestamp;
        foreach (var a in span.Annotations) if (a.Timestamp > 0) return a.Timestamp;
        return 0;
    }

    public BoundValues Bind(Span span, Guid tsUuid, BoundValues.Builder b)
    {
        b.AddText(PartitionOf(span.TraceId));
        b.AddUuid(tsUuid);
        b.AddText(SpanId.Format(span.Id));
        if (!strictTraceId && span.TraceId.High != 0) b.AddText(HexId.Format(span.TraceId.High)); else b.AddUnset();
        if (span.ParentId != 0) b.AddText(SpanId.Format(span.ParentId)); else b.AddUnset();
        if (span.Kind != SpanKind.Unspecified) b.AddText(KindName(span.Kind)); else b.AddUnset();
        if (span.Name is not null) b.AddText(span.Name); else b.AddUnset();
        if (span.Timestamp != 0) b.AddBigint(span.Timestamp); else b.AddUnset();
        if (span.Duration != 0) b.AddBigint(span.Duration); else b.AddUnset();
        AddEndpoint(b, span.LocalEndpoint);
        AddEndpoint(b, span.RemoteEndpoint);
        if (span.Annotations.Length > 0)
        {
            var list = new List<UdtValue>(span.Annotations.Length);
            foreach (var a in span.Annotations) list.Add(new UdtValue(_annotations.Element!).Set("ts", a.Timestamp).Set("v", a.Value));
            b.Add(_annotations, list);
        }
        else b.AddUnset();
        if (span.Tags.Length > 0)
        {
            var map = new Dictionary<string, string>(span.Tags.Length, StringComparer.Ordinal);
            foreach (var (k, v) in span.Tags) map[k] = v;
            b.Add(Tags, map);
        }
        else b.AddUnset();
        if (span.Debug) b.AddBoolean(true); else b.AddUnset();
        if (span.Shared) b.AddBoolean(true); else b.AddUnset();
        if (searchEnabled)
        {
            if (span.LocalServiceName is { } service) b.AddText(service); else b.AddUnset();
            if (AnnotationQuery(span) is { } query) b.AddText(query); else b.AddUnset();
        }
        return b.Build();
    }

    private void AddEndpoint(BoundValues.Builder b, Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            b.AddUnset();
            return;
        }
        var value = new UdtValue(_endpoint)
            .Set("service", endpoint.ServiceName)
            .Set("ipv4", endpoint.Ipv4 is null ? null : IPAddress.Parse(endpoint.Ipv4))
            .Set("ipv6", endpoint.Ipv6 is null ? null : IPAddress.Parse(endpoint.Ipv6))
            .Set("port", endpoint.Port == 0 ? null : endpoint.Port);
        b.Add(_endpoint, value);
    }

    /// <summary>░value░ per annotation, then key░key=value░ per tag (values over 256 characters skipped), as Zipkin writes it; null when empty.</summary>
    public static string? AnnotationQuery(Span span)
    {
        if (span.Annotations.Length == 0 && span.Tags.Length == 0) return null;
        var sb = new StringBuilder().Append(Delimiter);
        foreach (var a in span.Annotations)
        {
            if (a.Value.Length > 256) continue;
            sb.Append(a.Value).Append(Delimiter);
        }
        foreach (var (k, v) in span.Tags)
        {
            if (v.Length > 256) continue;
            sb.Append(k).Append(Delimiter).Append(k).Append('=').Append(v).Append(Delimiter);
        }
        return sb.Length == 1 ? null : sb.ToString();
    }

    public static string KindName(SpanKind kind) => kind switch
    {
        SpanKind.Client => "CLIENT",
        SpanKind.Server => "SERVER",
        SpanKind.Producer => "PRODUCER",
        SpanKind.Consumer => "CONSUMER",
        _ => "",
    };

    private static SpanKind ParseKind(string? kind) => kind switch
    {
        "CLIENT" => SpanKind.Client,
        "SERVER" => SpanKind.Server,
        "PRODUCER" => SpanKind.Producer,
        "CONSUMER" => SpanKind.Consumer,
        _ => SpanKind.Unspecified,
    };

    /// <summary>A row of <see cref="SelectCql"/> as a span; null for a row too damaged to be one (no usable ids).</summary>
    public static Span? Read(Row row)
    {
        string? low = row.GetString(0), high = row.GetString(1), id = row.GetString(3);
        if (low is null || id is null) return null;
        string traceHex = high is { Length: > 0 } ? high + low : low;
        if (!TraceId.TryParse(traceHex, out var traceId) || !SpanId.TryParse(id, out ulong spanId)) return null;
        ulong parent = row.GetString(2) is { } p && HexId.TryParseSpanId(p, out ulong parsed) ? parsed : 0;
        var annotations = ImmutableArray<Annotation>.Empty;
        if (row.GetValue(10) is List<object?> list && list.Count > 0)
        {
            var builder = ImmutableArray.CreateBuilder<Annotation>(list.Count);
            foreach (var item in list)
            {
                if (item is UdtValue u && u[0] is long ts && u[1] is string v) builder.Add(new Annotation(ts, v));
            }
            builder.Sort();
            annotations = builder.ToImmutable();
        }
        var tags = ImmutableArray<KeyValuePair<string, string>>.Empty;
        if (row.GetValue(11) is Dictionary<object, object?> map && map.Count > 0)
        {
            var builder = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(map.Count);
            foreach (var (k, v) in map) if (k is string key && v is string value) builder.Add(new(key, value));
            builder.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            tags = builder.ToImmutable();
        }
        return new Span
        {
            TraceId = traceId,
            ParentId = parent,
            Id = spanId,
            Kind = ParseKind(row.GetString(4)),
            Name = row.GetString(5) is { Length: > 0 } name ? name : null,
            Timestamp = row.GetInt64(6) ?? 0,
            Duration = row.GetInt64(7) ?? 0,
            LocalEndpoint = ReadEndpoint(row.GetValue(8)),
            RemoteEndpoint = ReadEndpoint(row.GetValue(9)),
            Annotations = annotations,
            Tags = tags,
            Debug = row.GetBoolean(12) ?? false,
            Shared = row.GetBoolean(13) ?? false,
        };
    }

    private static Endpoint? ReadEndpoint(object? value)
    {
        if (value is not UdtValue u) return null;
        return Endpoint.Create(u[0] as string, (u[1] as IPAddress)?.ToString(), (u[2] as IPAddress)?.ToString(), u[3] is int port ? port : 0);
    }

    /// <summary>
    /// A version-1 UUID whose time is the span's timestamp in milliseconds (as Zipkin's) but whose
    /// clock-sequence and node bits are a hash of the whole span instead of random: the same span
    /// delivered twice lands on the same row and overwrites itself, while two different fragments of
    /// one span id (client and server sides, a late duration) stay separate rows for merging on read.
    /// </summary>
    public static Guid DeterministicTimeUuid(Span span, long tsMicros)
    {
        ulong hash = ContentHash(span);
        return TimeUuid(tsMicros / 1000, (hash & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL);
    }

    /// <summary>A version-1 UUID of the millisecond with the given clock-sequence-and-node half.</summary>
    public static Guid TimeUuid(long ms, ulong clockAndNode)
    {
        // 100-ns intervals since 1582-10-15, the UUID epoch.
        ulong time = (ulong)(ms * 10_000) + 0x01B21DD213814000UL;
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)time);
        BinaryPrimitives.WriteUInt16BigEndian(b[4..], (ushort)(time >> 32));
        BinaryPrimitives.WriteUInt16BigEndian(b[6..], (ushort)(((time >> 48) & 0x0FFF) | 0x1000));
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], clockAndNode);
        return new Guid(b, bigEndian: true);
    }

    /// <summary>The millisecond timestamp inside a version-1 UUID.</summary>
    public static long TimeUuidMillis(Guid uuid)
    {
        Span<byte> b = stackalloc byte[16];
        uuid.TryWriteBytes(b, bigEndian: true, out _);
        ulong time = BinaryPrimitives.ReadUInt32BigEndian(b) | ((ulong)BinaryPrimitives.ReadUInt16BigEndian(b[4..]) << 32)
            | ((ulong)(BinaryPrimitives.ReadUInt16BigEndian(b[6..]) & 0x0FFF) << 48);
        return (long)(time - 0x01B21DD213814000UL) / 10_000;
    }

    // FNV-1a over every field: stable across processes and versions (string.GetHashCode is not).
    private static ulong ContentHash(Span span)
    {
        ulong h = 14695981039346656037UL;
        void Mix(ulong v)
        {
            for (int i = 0; i < 8; i++)
            {
                h ^= (byte)(v >> (i * 8));
                h *= 1099511628211UL;
            }
        }
        void MixText(string? s)
        {
            if (s is null)
            {
                Mix(0xFFFF_FFFF_FFFF_FFFFUL);
                return;
            }
            foreach (char c in s) Mix(c);
            Mix((ulong)s.Length);
        }
        void MixEndpoint(Endpoint? e)
        {
            MixText(e?.ServiceName);
            MixText(e?.Ipv4);
            MixText(e?.Ipv6);
            Mix((ulong)(e?.Port ?? -1));
        }
        Mix(span.TraceId.High);
        Mix(span.TraceId.Low);
        Mix(span.ParentId);
        Mix(span.Id);
        Mix((ulong)span.Kind);
        MixText(span.Name);
        Mix((ulong)span.Timestamp);
        Mix((ulong)span.Duration);
        MixEndpoint(span.LocalEndpoint);
        MixEndpoint(span.RemoteEndpoint);
        foreach (var a in span.Annotations)
        {
            Mix((ulong)a.Timestamp);
            MixText(a.Value);
        }
        Mix((ulong)span.Annotations.Length);
        foreach (var (k, v) in span.Tags)
        {
            MixText(k);
            MixText(v);
        }
        Mix((ulong)span.Tags.Length);
        Mix((span.Debug ? 1UL : 0) | (span.Shared ? 2UL : 0));
        return h;
    }
}
