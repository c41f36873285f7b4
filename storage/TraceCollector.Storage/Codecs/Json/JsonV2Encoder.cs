using System.Text.Encodings.Web;
using System.Text.Json;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Writes spans as Zipkin writes JSON v2 (V2SpanWriter): compact, fields in Zipkin's order, absent
/// and empty fields omitted, ids in lower-case hex, debug and shared only when true.
/// </summary>
public static class JsonV2Encoder
{
    /// <summary>Options for writers that carry Zipkin JSON: UTF-8 text as is, only what JSON requires escaped.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode("traceId");
    private static readonly JsonEncodedText ParentIdName = JsonEncodedText.Encode("parentId");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText KindName = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText DurationName = JsonEncodedText.Encode("duration");
    private static readonly JsonEncodedText LocalEndpointName = JsonEncodedText.Encode("localEndpoint");
    private static readonly JsonEncodedText RemoteEndpointName = JsonEncodedText.Encode("remoteEndpoint");
    private static readonly JsonEncodedText AnnotationsName = JsonEncodedText.Encode("annotations");
    private static readonly JsonEncodedText TagsName = JsonEncodedText.Encode("tags");
    private static readonly JsonEncodedText DebugName = JsonEncodedText.Encode("debug");
    private static readonly JsonEncodedText SharedName = JsonEncodedText.Encode("shared");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText ServiceNameName = JsonEncodedText.Encode("serviceName");
    private static readonly JsonEncodedText Ipv4Name = JsonEncodedText.Encode("ipv4");
    private static readonly JsonEncodedText Ipv6Name = JsonEncodedText.Encode("ipv6");
    private static readonly JsonEncodedText PortName = JsonEncodedText.Encode("port");
    private static readonly JsonEncodedText[] KindValues =
    [
        default,
        JsonEncodedText.Encode("CLIENT"),
        JsonEncodedText.Encode("SERVER"),
        JsonEncodedText.Encode("PRODUCER"),
        JsonEncodedText.Encode("CONSUMER"),
    ];

    public static void WriteSpan(Utf8JsonWriter writer, Span span)
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
        if (span.Kind is > SpanKind.Unspecified and <= SpanKind.Consumer) writer.WriteString(KindName, KindValues[(int)span.Kind]);
        if (!string.IsNullOrEmpty(span.Name)) writer.WriteString(NameName, span.Name);
        if (span.Timestamp > 0) writer.WriteNumber(TimestampName, span.Timestamp);
        if (span.Duration > 0) writer.WriteNumber(DurationName, span.Duration);
        if (span.LocalEndpoint is { } local)
        {
            writer.WritePropertyName(LocalEndpointName);
            WriteEndpoint(writer, local);
        }
        if (span.RemoteEndpoint is { } remote)
        {
            writer.WritePropertyName(RemoteEndpointName);
            WriteEndpoint(writer, remote);
        }
        if (span.Annotations.Length > 0)
        {
            writer.WriteStartArray(AnnotationsName);
            foreach (var annotation in span.Annotations)
            {
                writer.WriteStartObject();
                writer.WriteNumber(TimestampName, annotation.Timestamp);
                writer.WriteString(ValueName, annotation.Value);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (span.Tags.Length > 0)
        {
            writer.WriteStartObject(TagsName);
            foreach (var tag in span.Tags) writer.WriteString(tag.Key, tag.Value);
            writer.WriteEndObject();
        }
        if (span.Debug) writer.WriteBoolean(DebugName, true);
        if (span.Shared) writer.WriteBoolean(SharedName, true);
        writer.WriteEndObject();
    }

    /// <summary>Writes an endpoint object (serviceName, ipv4, ipv6, port), as both JSON versions lay it out.</summary>
    public static void WriteEndpoint(Utf8JsonWriter writer, Endpoint endpoint)
    {
        writer.WriteStartObject();
        if (!string.IsNullOrEmpty(endpoint.ServiceName)) writer.WriteString(ServiceNameName, endpoint.ServiceName);
        if (endpoint.Ipv4 is not null) writer.WriteString(Ipv4Name, endpoint.Ipv4);
        if (endpoint.Ipv6 is not null) writer.WriteString(Ipv6Name, endpoint.Ipv6);
        if (endpoint.Port > 0) writer.WriteNumber(PortName, endpoint.Port);
        writer.WriteEndObject();
    }

    public static void WriteSpans(Utf8JsonWriter writer, IReadOnlyList<Span> spans)
    {
        writer.WriteStartArray();
        for (int i = 0; i < spans.Count; i++) WriteSpan(writer, spans[i]);
        writer.WriteEndArray();
    }

    public static byte[] EncodeList(IReadOnlyList<Span> spans) => Encode(spans, WriteSpans);

    /// <summary>Runs a JSON writing step over this thread's pooled buffer and returns a copy of what it wrote.</summary>
    internal static byte[] Encode<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = PooledBufferWriter.RentForThread();
        var writer = t_writer;
        t_writer = null;
        if (writer is null) writer = new Utf8JsonWriter(buffer, WriterOptions);
        else writer.Reset(buffer);
        try
        {
            write(writer, value);
            writer.Flush();
            return buffer.ToArray();
        }
        finally
        {
            writer.Reset();
            t_writer = writer;
            PooledBufferWriter.ReturnForThread(buffer);
        }
    }
}
