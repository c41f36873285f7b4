using Google.Protobuf;
using TraceCollector.Otlp.Proto.Collector;
using TraceCollector.Otlp.Proto.Common;
using TraceCollector.Otlp.Proto.Resource;
using TraceCollector.Otlp.Proto.Trace;
using ProtoSpan = TraceCollector.Otlp.Proto.Trace.Span;

namespace TraceCollector.Otlp.Tests;

/// <summary>Builds OTLP requests with code generated from our .proto files, independent of the hand-written decoder.</summary>
internal static class OtlpRequests
{
    public static readonly byte[] TraceIdBytes = Convert.FromHexString("5b8efff798038103d269b633813fc60c");
    public static readonly byte[] SpanIdBytes = Convert.FromHexString("eee19b7ec3c1b174");
    public static readonly byte[] ParentIdBytes = Convert.FromHexString("eee19b7ec3c1b173");
    public const ulong StartNanos = 1_700_000_000_123_456_789UL;

    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static KeyValue Attr(string key, AnyValue value) => new() { Key = key, Value = value };

    public static ProtoSpan Span(ProtoSpan.Types.SpanKind kind = ProtoSpan.Types.SpanKind.Server, params KeyValue[] attributes)
    {
        var span = new ProtoSpan
        {
            TraceId = ByteString.CopyFrom(TraceIdBytes),
            SpanId = ByteString.CopyFrom(SpanIdBytes),
            ParentSpanId = ByteString.CopyFrom(ParentIdBytes),
            Name = "GET /Orders",
            Kind = kind,
            StartTimeUnixNano = StartNanos,
            EndTimeUnixNano = StartNanos + 2_500_000, // 2.5 ms
        };
        span.Attributes.AddRange(attributes);
        return span;
    }

    public static ExportTraceServiceRequest Request(string? serviceName, params ProtoSpan[] spans) =>
        Request(serviceName, new InstrumentationScope { Name = "OpenTelemetry.Instrumentation.AspNetCore", Version = "1.9.0" }, spans);

    public static ExportTraceServiceRequest Request(string? serviceName, InstrumentationScope? scope, params ProtoSpan[] spans)
    {
        var resource = new Resource();
        if (serviceName is not null) resource.Attributes.Add(Attr("service.name", serviceName));
        var scopeSpans = new ScopeSpans { Scope = scope };
        scopeSpans.Spans.AddRange(spans);
        var resourceSpans = new ResourceSpans { Resource = resource };
        resourceSpans.ScopeSpans.Add(scopeSpans);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }
}
