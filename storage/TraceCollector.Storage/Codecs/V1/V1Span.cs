using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>An annotation of Zipkin's v1 model, where each event names the endpoint that logged it.</summary>
internal readonly record struct V1Annotation(long Timestamp, string Value, Endpoint? Endpoint);

/// <summary>A v1 binary annotation: a tag when <see cref="StringValue"/> is set, else an address ("ca", "sa", "ma").</summary>
internal readonly record struct V1BinaryAnnotation(string Key, string? StringValue, Endpoint? Endpoint);

/// <summary>
/// A span as the v1 formats (JSON v1, thrift) carry it, before <see cref="V1SpanConverter"/> turns it
/// into v2 spans. Reused from one span to the next by a decoder.
/// </summary>
internal sealed class V1Span
{
    public TraceId TraceId;
    public ulong ParentId;
    public ulong Id;
    public string? Name;
    public long Timestamp;
    public long Duration;
    public bool Debug;
    public readonly List<V1Annotation> Annotations = new();
    public readonly List<V1BinaryAnnotation> BinaryAnnotations = new();

    public V1Span Clear()
    {
        TraceId = default;
        ParentId = Id = 0;
        Name = null;
        Timestamp = Duration = 0;
        Debug = false;
        Annotations.Clear();
        BinaryAnnotations.Clear();
        return this;
    }

    /// <summary>An address annotation; Zipkin ignores one without an endpoint rather than failing the span.</summary>
    public void AddAddress(string key, Endpoint? endpoint)
    {
        if (endpoint is not null && key is "ca" or "sa" or "ma") BinaryAnnotations.Add(new V1BinaryAnnotation(key, null, endpoint));
    }

    /// <summary>The checks and ordering Zipkin's V1Span applies when built: non-zero ids, events by time, binary annotations by key.</summary>
    /// <returns>An error message, or null when the span is valid.</returns>
    public string? Validate()
    {
        if (TraceId.Low == 0) return "traceId is missing or its low 64 bits are zero";
        if (Id == 0) return "span id is missing or zero";
        SortStable(Annotations, static (a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : string.CompareOrdinal(a.Value, b.Value));
        SortStable(BinaryAnnotations, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return null;
    }

    // Insertion sort: the lists are short, and a stable order decides which of two equal events wins, as in Java's sort.
    private static void SortStable<T>(List<T> list, Comparison<T> compare)
    {
        for (int i = 1; i < list.Count; i++)
        {
            T item = list[i];
            int j = i - 1;
            while (j >= 0 && compare(list[j], item) > 0)
            {
                list[j + 1] = list[j];
                j--;
            }
            list[j + 1] = item;
        }
    }
}
