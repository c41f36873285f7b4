using TraceCollector.Model;

namespace TraceCollector.Storage.Tests.Support;

/// <summary>Short ways to build spans for storage tests, through <see cref="SpanBuilder"/> so Zipkin's ingest rules apply.</summary>
public static class Spans
{
    public static Endpoint Service(string name, string? ipv4 = null, int port = 0) => Endpoint.Create(name, ipv4, null, port)!;

    /// <summary>A span; <paramref name="timestamp"/> and <paramref name="duration"/> are microseconds.</summary>
    public static Span Make(TraceId traceId, ulong id, ulong parentId = 0, SpanKind kind = SpanKind.Unspecified,
        string? name = null, long timestamp = 0, long duration = 0, string? local = null, string? remote = null,
        bool shared = false, IEnumerable<(string Key, string Value)>? tags = null,
        IEnumerable<(long Timestamp, string Value)>? annotations = null, Endpoint? localEndpoint = null)
    {
        var b = new SpanBuilder
        {
            TraceId = traceId,
            Id = id,
            ParentId = parentId,
            Kind = kind,
            Name = name,
            Timestamp = timestamp,
            Duration = duration,
            LocalEndpoint = localEndpoint ?? (local is null ? null : Service(local)),
            RemoteEndpoint = remote is null ? null : Service(remote),
            Shared = shared,
        };
        if (tags is not null) foreach (var (k, v) in tags) b.PutTag(k, v);
        if (annotations is not null) foreach (var (ts, v) in annotations) b.AddAnnotation(ts, v);
        return b.Build();
    }

    public static Span With(this Span span, Action<SpanBuilder> change)
    {
        var b = new SpanBuilder().From(span);
        change(b);
        return b.Build();
    }

    public static TraceId Id64(ulong low) => new(0, low);

    public static TraceId Id128(ulong high, ulong low) => new(high, low);
}
