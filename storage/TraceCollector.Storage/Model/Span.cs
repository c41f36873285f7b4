using System.Collections.Immutable;

namespace TraceCollector.Model;

/// <summary>
/// A Zipkin v2 span. Immutable: copies are made with <c>with</c>, and the collections are immutable
/// arrays, so a span can be shared between the pipeline, storage and the query path without copying.
/// Build spans from untrusted input with <see cref="SpanBuilder"/>, which applies Zipkin's normalisation;
/// the init accessors here trust their caller (a store reading back what it wrote).
/// </summary>
public sealed record Span
{
    public required TraceId TraceId { get; init; }

    /// <summary>0 when the span is a root.</summary>
    public ulong ParentId { get; init; }

    public required ulong Id { get; init; }

    public SpanKind Kind { get; init; }

    /// <summary>Lower-case, or null when absent.</summary>
    public string? Name { get; init; }

    /// <summary>Epoch microseconds, 0 when absent.</summary>
    public long Timestamp { get; init; }

    /// <summary>Microseconds, 0 when absent (an unfinished or one-way span).</summary>
    public long Duration { get; init; }

    public Endpoint? LocalEndpoint { get; init; }

    public Endpoint? RemoteEndpoint { get; init; }

    /// <summary>Sorted by (timestamp, value), without duplicates.</summary>
    public ImmutableArray<Annotation> Annotations { get; init; } = ImmutableArray<Annotation>.Empty;

    /// <summary>Sorted by key (ordinal), keys unique.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Tags { get; init; } = ImmutableArray<KeyValuePair<string, string>>.Empty;

    public bool Debug { get; init; }

    public bool Shared { get; init; }

    public string? LocalServiceName => LocalEndpoint?.ServiceName;

    public string? RemoteServiceName => RemoteEndpoint?.ServiceName;

    public bool TryGetTag(string key, out string value)
    {
        var tags = Tags;
        int lo = 0, hi = tags.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = string.CompareOrdinal(tags[mid].Key, key);
            if (c == 0)
            {
                value = tags[mid].Value;
                return true;
            }
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        value = "";
        return false;
    }

    public bool Equals(Span? other)
    {
        if (ReferenceEquals(this, other)) return true;
        return other is not null
            && TraceId == other.TraceId && ParentId == other.ParentId && Id == other.Id && Kind == other.Kind
            && Name == other.Name && Timestamp == other.Timestamp && Duration == other.Duration
            && Equals(LocalEndpoint, other.LocalEndpoint) && Equals(RemoteEndpoint, other.RemoteEndpoint)
            && Annotations.AsSpan().SequenceEqual(other.Annotations.AsSpan())
            && TagsEqual(Tags, other.Tags)
            && Debug == other.Debug && Shared == other.Shared;
    }

    public override int GetHashCode() =>
        HashCode.Combine(TraceId, Id, Kind, Name, Timestamp, Duration, LocalEndpoint, Annotations.Length + Tags.Length * 31);

    private static bool TagsEqual(ImmutableArray<KeyValuePair<string, string>> a, ImmutableArray<KeyValuePair<string, string>> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) || !string.Equals(a[i].Value, b[i].Value, StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
