using TraceCollector.Model;

namespace TraceCollector.Storage;

/// <summary>
/// The pieces of one span gathered during a merge. The first piece's fields win; later pieces fill
/// what it lacks, add their annotations and tags, and complete the endpoints field by field.
/// </summary>
internal sealed class SpanFragments
{
    private readonly Span _first;
    private SpanBuilder? _merged;

    public SpanFragments(Span first, bool shared)
    {
        _first = first;
        Shared = shared;
        Kind = first.Kind;
        ParentId = first.ParentId;
        LocalEndpoint = first.LocalEndpoint;
    }

    public bool Shared { get; }

    public SpanKind Kind { get; private set; }

    public ulong ParentId { get; private set; }

    public Endpoint? LocalEndpoint { get; private set; }

    public bool Accepts(Span span, bool shared) =>
        shared == Shared
        && (Kind == SpanKind.Unspecified || span.Kind == SpanKind.Unspecified || span.Kind == Kind)
        && EndpointsAgree(LocalEndpoint, span.LocalEndpoint);

    public void Add(Span span)
    {
        if (span.Equals(_first) && _merged is null) return;
        var b = _merged ??= new SpanBuilder().From(_first);
        if (b.ParentId == 0) b.ParentId = span.ParentId;
        if (b.Kind == SpanKind.Unspecified) b.Kind = span.Kind;
        b.Name ??= span.Name;
        if (b.Timestamp == 0) b.Timestamp = span.Timestamp;
        if (b.Duration == 0) b.Duration = span.Duration;
        b.LocalEndpoint = MergeEndpoints(b.LocalEndpoint, span.LocalEndpoint);
        b.RemoteEndpoint = MergeEndpoints(b.RemoteEndpoint, span.RemoteEndpoint);
        foreach (var a in span.Annotations) b.AddAnnotation(a.Timestamp, a.Value);
        foreach (var t in span.Tags) b.PutTag(t.Key, t.Value);
        b.Debug |= span.Debug;
        Kind = b.Kind;
        ParentId = b.ParentId;
        LocalEndpoint = b.LocalEndpoint;
    }

    public Span Build(TraceId traceId, ulong clientParentId)
    {
        ulong parentId = Shared && ParentId == 0 ? clientParentId : ParentId;
        if (_merged is null)
        {
            if (_first.TraceId == traceId && _first.Shared == Shared && _first.ParentId == parentId) return _first;
            return _first with { TraceId = traceId, Shared = Shared, ParentId = parentId };
        }
        _merged.TraceId = traceId;
        _merged.Shared = Shared;
        _merged.ParentId = parentId;
        return _merged.Build();
    }

    private static bool EndpointsAgree(Endpoint? a, Endpoint? b) =>
        a is null || b is null
        || (Agree(a.ServiceName, b.ServiceName) && Agree(a.Ipv4, b.Ipv4) && Agree(a.Ipv6, b.Ipv6)
            && (a.Port == 0 || b.Port == 0 || a.Port == b.Port));

    private static bool Agree(string? a, string? b) => a is null || b is null || a == b;

    private static Endpoint? MergeEndpoints(Endpoint? kept, Endpoint? other)
    {
        if (kept is null) return other;
        if (other is null || kept.Equals(other)) return kept;
        return Endpoint.Create(kept.ServiceName ?? other.ServiceName, kept.Ipv4 ?? other.Ipv4, kept.Ipv6 ?? other.Ipv6,
            kept.Port != 0 ? kept.Port : other.Port);
    }
}
