using TraceCollector.Collector.Otlp.Mapping;
using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Decoding;

/// <summary>What both OTLP decoders carry through one request: the reused buffers, the spans mapped so far and the rejections.</summary>
internal sealed class OtlpDecodeState
{
    public readonly List<Span> Spans = new();
    public readonly OtlpOrigin Origin = new();
    public readonly OtlpSpanFields Fields = new();
    public readonly SpanBuilder Builder = new();
    private int _rejected;
    private string? _rejectionReason;

    /// <summary>Maps the span just read into <see cref="Fields"/>, keeping it or counting its rejection.</summary>
    public void MapCurrentSpan()
    {
        if (OtlpToZipkin.TryMap(Origin, Fields, Builder, out var span, out string? rejection)) Spans.Add(span!);
        else
        {
            _rejected++;
            _rejectionReason ??= rejection;
        }
    }

    public OtlpBatch ToBatch() => new(Spans, _rejected, _rejectionReason);

    /// <summary>An event's attributes as one JSON object, as the annotation value carries them.</summary>
    public static string? EventAttributesJson(List<KeyValuePair<string, string>>? attributes) =>
        attributes is not { Count: > 0 } ? null : AttributeFormatter.ToJson(attributes, static (w, attrs) =>
        {
            w.WriteStartObject();
            foreach (var kv in attrs) w.WriteString(kv.Key, kv.Value);
            w.WriteEndObject();
        });
}
