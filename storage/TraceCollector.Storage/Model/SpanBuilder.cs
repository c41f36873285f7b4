using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace TraceCollector.Model;

/// <summary>
/// Collects a span's fields from a decoder and applies Zipkin's ingest rules in <see cref="Build"/>.
/// A builder is reusable (<see cref="Clear"/>), so a decoder can keep one per list it reads.
/// </summary>
public sealed class SpanBuilder
{
    private readonly List<Annotation> _annotations = new();
    private readonly List<KeyValuePair<string, string>> _tags = new();

    public TraceId TraceId { get; set; }
    public ulong ParentId { get; set; }
    public ulong Id { get; set; }
    public SpanKind Kind { get; set; }
    public string? Name { get; set; }
    public long Timestamp { get; set; }
    public long Duration { get; set; }
    public Endpoint? LocalEndpoint { get; set; }
    public Endpoint? RemoteEndpoint { get; set; }
    public bool Debug { get; set; }
    public bool Shared { get; set; }

    public SpanBuilder AddAnnotation(long timestamp, string value)
    {
        _annotations.Add(new Annotation(timestamp, value));
        return this;
    }

    /// <summary>Adds or replaces a tag; the last value for a key wins.</summary>
    public SpanBuilder PutTag(string key, string value)
    {
        _tags.Add(new KeyValuePair<string, string>(key, value));
        return this;
    }

    public SpanBuilder Clear()
    {
        TraceId = default;
        ParentId = 0;
        Id = 0;
        Kind = SpanKind.Unspecified;
        Name = null;
        Timestamp = 0;
        Duration = 0;
        LocalEndpoint = null;
        RemoteEndpoint = null;
        Debug = false;
        Shared = false;
        _annotations.Clear();
        _tags.Clear();
        return this;
    }

    /// <summary>Starts from an existing span, e.g. to add fields to a copy.</summary>
    public SpanBuilder From(Span span)
    {
        Clear();
        TraceId = span.TraceId;
        ParentId = span.ParentId;
        Id = span.Id;
        Kind = span.Kind;
        Name = span.Name;
        Timestamp = span.Timestamp;
        Duration = span.Duration;
        LocalEndpoint = span.LocalEndpoint;
        RemoteEndpoint = span.RemoteEndpoint;
        Debug = span.Debug;
        Shared = span.Shared;
        _annotations.AddRange(span.Annotations);
        _tags.AddRange(span.Tags);
        return this;
    }

    /// <exception cref="SpanValidationException">The trace id or span id is missing or all zeros.</exception>
    public Span Build()
    {
        if (TraceId.IsEmpty) throw new SpanValidationException("traceId", null, "traceId is missing or all zeros");
        if (Id == 0) throw new SpanValidationException("id", null, $"span id is missing or all zeros in trace {TraceId}");
        return new Span
        {
            TraceId = TraceId,
            ParentId = ParentId == Id ? 0 : ParentId,
            Id = Id,
            Kind = Kind,
            Name = NameNormalizer.Normalize(Name),
            Timestamp = Timestamp > 0 ? Timestamp : 0,
            Duration = Duration > 0 ? Duration : 0,
            LocalEndpoint = LocalEndpoint,
            RemoteEndpoint = RemoteEndpoint,
            Annotations = SortedAnnotations(),
            Tags = SortedTags(),
            Debug = Debug,
            Shared = Shared && Kind != SpanKind.Client,
        };
    }

    private ImmutableArray<Annotation> SortedAnnotations()
    {
        int n = _annotations.Count;
        if (n == 0) return ImmutableArray<Annotation>.Empty;
        var array = _annotations.ToArray();
        if (n > 1)
        {
            Array.Sort(array);
            int w = 1;
            for (int r = 1; r < n; r++)
            {
                if (!array[r].Equals(array[w - 1])) array[w++] = array[r];
            }
            if (w != n) Array.Resize(ref array, w);
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(array);
    }

    private ImmutableArray<KeyValuePair<string, string>> SortedTags()
    {
        int n = _tags.Count;
        if (n == 0) return ImmutableArray<KeyValuePair<string, string>>.Empty;
        var array = _tags.ToArray();
        if (n > 1 && !IsStrictlySorted(array))
        {
            // A stable sort keeps insertion order among equal keys, so the last one put can win.
            var keys = new int[n];
            for (int i = 0; i < n; i++) keys[i] = i;
            Array.Sort(keys, (a, b) =>
            {
                int c = string.CompareOrdinal(array[a].Key, array[b].Key);
                return c != 0 ? c : a.CompareTo(b);
            });
            var sorted = new KeyValuePair<string, string>[n];
            int w = 0;
            for (int i = 0; i < n; i++)
            {
                var tag = array[keys[i]];
                if (w > 0 && string.Equals(sorted[w - 1].Key, tag.Key, StringComparison.Ordinal)) sorted[w - 1] = tag;
                else sorted[w++] = tag;
            }
            if (w != n) Array.Resize(ref sorted, w);
            array = sorted;
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(array);
    }

    // Reporters usually send tags in key order already; that case needs no sort and no extra arrays.
    private static bool IsStrictlySorted(KeyValuePair<string, string>[] tags)
    {
        for (int i = 1; i < tags.Length; i++)
        {
            if (string.CompareOrdinal(tags[i - 1].Key, tags[i].Key) >= 0) return false;
        }
        return true;
    }
}
