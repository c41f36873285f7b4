using System.Text.Json;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Writes spans as a JSON v1 list (annotations and binaryAnnotations), converted as Zipkin's
/// V2SpanConverter does. For tests and tools that talk to v1 collectors; the query API speaks v2.
/// </summary>
public static class JsonV1Encoder
{
    private static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode("traceId");
    private static readonly JsonEncodedText ParentIdName = JsonEncodedText.Encode("parentId");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText DurationName = JsonEncodedText.Encode("duration");
    private static readonly JsonEncodedText AnnotationsName = JsonEncodedText.Encode("annotations");
    private static readonly JsonEncodedText BinaryAnnotationsName = JsonEncodedText.Encode("binaryAnnotations");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText KeyName = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText EndpointName = JsonEncodedText.Encode("endpoint");
    private static readonly JsonEncodedText DebugName = JsonEncodedText.Encode("debug");

    public static byte[] EncodeList(IReadOnlyList<Span> spans) => JsonV2Encoder.Encode(spans, WriteSpans);

    public static void WriteSpans(Utf8JsonWriter writer, IReadOnlyList<Span> spans)
    {
        var v1 = new V1Span();
        writer.WriteStartArray();
        for (int i = 0; i < spans.Count; i++) WriteSpan(writer, V2ToV1Converter.Convert(spans[i], v1));
        writer.WriteEndArray();
    }

    private static void WriteSpan(Utf8JsonWriter writer, V1Span span)
    {
        Span<byte> hex = stackalloc byte[32];
        writer.WriteStartObject();
        writer.WriteString(TraceIdName, hex[..HexId.WriteHex(span.TraceId, hex)]);
        if (span.ParentId != 0)
        {
            HexId.WriteHex(span.ParentId, hex);
            writer.WriteString(ParentIdName, hex[..16]);
        }
        HexId.WriteHex(span.Id, hex);
        writer.WriteString(IdName, hex[..16]);
        writer.WriteString(NameName, span.Name ?? "");
        if (span.Timestamp > 0) writer.WriteNumber(TimestampName, span.Timestamp);
        if (span.Duration > 0) writer.WriteNumber(DurationName, span.Duration);
        if (span.Annotations.Count > 0)
        {
            writer.WriteStartArray(AnnotationsName);
            foreach (var a in span.Annotations)
            {
                writer.WriteStartObject();
                writer.WriteNumber(TimestampName, a.Timestamp);
                writer.WriteString(ValueName, a.Value);
                WriteEndpoint(writer, a.Endpoint);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (span.BinaryAnnotations.Count > 0)
        {
            writer.WriteStartArray(BinaryAnnotationsName);
            foreach (var b in span.BinaryAnnotations)
            {
                writer.WriteStartObject();
                writer.WriteString(KeyName, b.Key);
                if (b.StringValue is null) writer.WriteBoolean(ValueName, true);
                else writer.WriteString(ValueName, b.StringValue);
                WriteEndpoint(writer, b.Endpoint);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (span.Debug) writer.WriteBoolean(DebugName, true);
        writer.WriteEndObject();
    }

    private static void WriteEndpoint(Utf8JsonWriter writer, Endpoint? endpoint)
    {
        if (endpoint is null) return;
        writer.WritePropertyName(EndpointName);
        JsonV2Encoder.WriteEndpoint(writer, endpoint);
    }
}
