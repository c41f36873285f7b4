using System.Buffers.Binary;
using System.Net;
using TraceCollector.Collector.Otlp.Decoding;
using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// The batch as an OTLP ExportTraceServiceRequest (protobuf) for POST /v1/traces, shaped as an SDK
/// exports it: one ResourceSpans per service (resource attribute service.name), its spans in one
/// ScopeSpans. Tags are string attributes, the annotation an event, and a client's remote endpoint
/// the peer attributes our OTLP-to-Zipkin mapping reads. Ids are raw big-endian bytes, as OTLP sends them.
/// </summary>
internal sealed class OtlpBatchTemplate : BatchTemplate
{
    /// <summary>Attributes a client span carries for its remote endpoint; the mapping also keeps them as tags, which JSON v2 does not have.</summary>
    public static readonly string[] PeerAttributes = ["peer.service", "network.peer.address", "network.peer.port"];

    // Field numbers from Proto/opentelemetry/proto (trace.proto, common.proto, resource.proto, trace_service.proto).
    private const int RequestResourceSpans = 1;
    private const int ResourceSpansResource = 1, ResourceSpansScopeSpans = 2;
    private const int ResourceAttributes = 1;
    private const int ScopeSpansSpans = 2;
    private const int SpanTraceId = 1, SpanSpanId = 2, SpanParentSpanId = 4, SpanName = 5, SpanKind = 6;
    private const int SpanStartTime = 7, SpanEndTime = 8, SpanAttributes = 9, SpanEvents = 11;
    private const int EventTime = 1, EventName = 2;
    private const int KeyValueKey = 1, KeyValueValue = 2;
    private const int AnyValueString = 1, AnyValueInt = 3;
    private const ulong KindServer = 2, KindClient = 3;

    public OtlpBatchTemplate(int traces, int spansPerTrace, long timestampMicros)
        : base(traces, spansPerTrace, Encode(traces, spansPerTrace, timestampMicros))
    {
    }

    public override string Path => "v1/traces";

    public override string ContentType => "application/x-protobuf";

    public override HttpStatusCode Accepted => HttpStatusCode.OK;

    public override bool IsBackPressure(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    public override IReadOnlyList<Span> Decode(byte[] body)
    {
        var batch = OtlpProtobufDecoder.Decode(body);
        if (batch.Rejected > 0) throw new InvalidDataException($"the collector's OTLP mapping rejected {batch.Rejected} spans: {batch.RejectionReason}");
        return batch.Spans;
    }

    protected override void WriteTraceId(byte[] destination, int at, ulong high, ulong low)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination.AsSpan(at), high);
        BinaryPrimitives.WriteUInt64BigEndian(destination.AsSpan(at + 8), low);
    }

    protected override void WriteSpanId(byte[] destination, int at, ulong id) => BinaryPrimitives.WriteUInt64BigEndian(destination.AsSpan(at), id);

    private static EncodedBatch Encode(int traces, int spansPerTrace, long timestampMicros)
    {
        var request = new ProtoTemplateWriter();
        var written = new List<LoadSpan>(traces * spansPerTrace);
        foreach (string service in LoadSpan.Services)
        {
            var scopeSpans = new ProtoTemplateWriter();
            int before = written.Count;
            for (int t = 0; t < traces; t++)
            {
                for (int k = 0; k < spansPerTrace; k++)
                {
                    var span = new LoadSpan(t, k, timestampMicros);
                    if (span.LocalService != service) continue;
                    scopeSpans.WriteMessage(ScopeSpansSpans, EncodeSpan(span));
                    written.Add(span);
                }
            }
            // With fewer spans per trace than services, some services have no spans and no ResourceSpans.
            if (written.Count == before) continue;
            var resource = new ProtoTemplateWriter();
            resource.WriteMessage(ResourceAttributes, StringAttribute("service.name", service));
            var resourceSpans = new ProtoTemplateWriter();
            resourceSpans.WriteMessage(ResourceSpansResource, resource);
            resourceSpans.WriteMessage(ResourceSpansScopeSpans, scopeSpans);
            request.WriteMessage(RequestResourceSpans, resourceSpans);
        }

        // The placeholders come out in the order the spans were written: trace id, span id, then parent id unless a root.
        var ids = new List<IdOffsets>(written.Count);
        int next = 0;
        foreach (var span in written)
        {
            int traceAt = request.Placeholders[next++];
            int spanAt = request.Placeholders[next++];
            int parentAt = span.IsRoot ? -1 : request.Placeholders[next++];
            ids.Add(new IdOffsets(traceAt, spanAt, parentAt, span.Trace, span.Index));
        }
        return new EncodedBatch(request.Written.ToArray(), ids);
    }

    private static ProtoTemplateWriter EncodeSpan(LoadSpan span)
    {
        var proto = new ProtoTemplateWriter();
        proto.WritePlaceholder(SpanTraceId, 16);
        proto.WritePlaceholder(SpanSpanId, 8);
        if (!span.IsRoot) proto.WritePlaceholder(SpanParentSpanId, 8);
        proto.WriteString(SpanName, span.Name);
        proto.WriteVarint(SpanKind, span.IsClient ? KindClient : KindServer);
        proto.WriteFixed64(SpanStartTime, Nanos(span.StartMicros));
        proto.WriteFixed64(SpanEndTime, Nanos(span.StartMicros + span.DurationMicros));
        foreach (var (key, value) in span.Tags) proto.WriteMessage(SpanAttributes, StringAttribute(key, value));
        if (span.IsClient)
        {
            proto.WriteMessage(SpanAttributes, StringAttribute(PeerAttributes[0], span.RemoteService));
            proto.WriteMessage(SpanAttributes, StringAttribute(PeerAttributes[1], span.RemoteIpv4));
            proto.WriteMessage(SpanAttributes, IntAttribute(PeerAttributes[2], LoadSpan.RemotePort));
            var annotation = new ProtoTemplateWriter();
            annotation.WriteFixed64(EventTime, Nanos(span.AnnotationMicros));
            annotation.WriteString(EventName, LoadSpan.AnnotationValue);
            proto.WriteMessage(SpanEvents, annotation);
        }
        return proto;
    }

    private static ProtoTemplateWriter StringAttribute(string key, string value)
    {
        var any = new ProtoTemplateWriter();
        any.WriteString(AnyValueString, value);
        return Attribute(key, any);
    }

    private static ProtoTemplateWriter IntAttribute(string key, long value)
    {
        var any = new ProtoTemplateWriter();
        any.WriteVarint(AnyValueInt, (ulong)value);
        return Attribute(key, any);
    }

    private static ProtoTemplateWriter Attribute(string key, ProtoTemplateWriter value)
    {
        var keyValue = new ProtoTemplateWriter();
        keyValue.WriteString(KeyValueKey, key);
        keyValue.WriteMessage(KeyValueValue, value);
        return keyValue;
    }

    private static ulong Nanos(long micros) => (ulong)micros * 1000;
}
