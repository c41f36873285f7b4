using Google.Protobuf;
using TraceCollector.Collector.Otlp.Decoding;
using TraceCollector.Model;
using TraceCollector.Otlp.Proto.Common;
using TraceCollector.Otlp.Proto.Trace;
using static TraceCollector.Otlp.Tests.OtlpRequests;
using ProtoSpan = TraceCollector.Otlp.Proto.Trace.Span;
using Span = TraceCollector.Model.Span;

namespace TraceCollector.Otlp.Tests;

/// <summary>Each rule of OpenTelemetry's mapping to Zipkin, through the protobuf decoder.</summary>
public class OtlpMappingTests
{
    private static Span Single(Google.Protobuf.IMessage request)
    {
        var batch = OtlpProtobufDecoder.Decode(request.ToByteArray());
        Assert.Equal(0, batch.Rejected);
        return Assert.Single(batch.Spans);
    }

    private static string Tag(Span span, string key) => span.TryGetTag(key, out var v) ? v : throw new Xunit.Sdk.XunitException($"no tag {key}");

    [Fact]
    public void Ids_times_name_and_service_map_to_the_zipkin_fields()
    {
        var span = Single(Request("Order-Service", Span()));
        Assert.Equal("5b8efff798038103d269b633813fc60c", span.TraceId.ToString());
        Assert.Equal("eee19b7ec3c1b174", SpanId.Format(span.Id));
        Assert.Equal("eee19b7ec3c1b173", SpanId.Format(span.ParentId));
        Assert.Equal("get /orders", span.Name); // Zipkin lower-cases names
        Assert.Equal(SpanKind.Server, span.Kind);
        Assert.Equal(1_700_000_000_123_456L, span.Timestamp);
        Assert.Equal(2_500L, span.Duration);
        Assert.Equal("order-service", span.LocalServiceName);
    }

    [Theory]
    [InlineData(ProtoSpan.Types.SpanKind.Client, SpanKind.Client)]
    [InlineData(ProtoSpan.Types.SpanKind.Server, SpanKind.Server)]
    [InlineData(ProtoSpan.Types.SpanKind.Producer, SpanKind.Producer)]
    [InlineData(ProtoSpan.Types.SpanKind.Consumer, SpanKind.Consumer)]
    [InlineData(ProtoSpan.Types.SpanKind.Internal, SpanKind.Unspecified)]
    [InlineData(ProtoSpan.Types.SpanKind.Unspecified, SpanKind.Unspecified)]
    public void Span_kind_maps_and_internal_has_none(ProtoSpan.Types.SpanKind otlp, SpanKind zipkin) =>
        Assert.Equal(zipkin, Single(Request("svc", Span(otlp))).Kind);

    [Fact]
    public void A_resource_without_service_name_is_unknown_service() =>
        Assert.Equal("unknown_service", Single(Request(null, Span())).LocalServiceName);

    [Fact]
    public void Attributes_of_every_type_become_tags_with_arrays_and_maps_as_json()
    {
        var array = new AnyValue { ArrayValue = new ArrayValue() };
        array.ArrayValue.Values.Add(new AnyValue { StringValue = "a" });
        array.ArrayValue.Values.Add(new AnyValue { IntValue = 2 });
        array.ArrayValue.Values.Add(new AnyValue { BoolValue = true });
        var map = new AnyValue { KvlistValue = new KeyValueList() };
        map.KvlistValue.Values.Add(Attr("k", "v"));
        map.KvlistValue.Values.Add(Attr("n", new AnyValue { DoubleValue = 1.5 }));
        var span = Single(Request("svc", Span(ProtoSpan.Types.SpanKind.Server,
            Attr("http.method", "GET"), Attr("http.status_code", 200), Attr("ok", new AnyValue { BoolValue = false }),
            Attr("ratio", new AnyValue { DoubleValue = 0.25 }), Attr("list", array), Attr("map", map),
            Attr("raw", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }), Attr("text", "Grüße"))));
        Assert.Equal("GET", Tag(span, "http.method"));
        Assert.Equal("200", Tag(span, "http.status_code"));
        Assert.Equal("false", Tag(span, "ok"));
        Assert.Equal("0.25", Tag(span, "ratio"));
        Assert.Equal("[\"a\",2,true]", Tag(span, "list"));
        Assert.Equal("{\"k\":\"v\",\"n\":1.5}", Tag(span, "map"));
        Assert.Equal("AQID", Tag(span, "raw"));
        Assert.Equal("Grüße", Tag(span, "text"));
    }

    [Fact]
    public void Resource_attributes_become_tags_and_scope_becomes_otel_scope_tags()
    {
        var request = Request("svc", Span());
        request.ResourceSpans[0].Resource.Attributes.Add(Attr("deployment.environment", "prod"));
        var span = Single(request);
        Assert.Equal("prod", Tag(span, "deployment.environment"));
        Assert.False(span.TryGetTag("service.name", out _));
        Assert.Equal("OpenTelemetry.Instrumentation.AspNetCore", Tag(span, "otel.scope.name"));
        Assert.Equal("1.9.0", Tag(span, "otel.scope.version"));
    }

    [Fact]
    public void Error_status_sets_otel_status_code_and_the_error_tag_to_its_message()
    {
        var proto = Span();
        proto.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "connection refused" };
        var span = Single(Request("svc", proto));
        Assert.Equal("ERROR", Tag(span, "otel.status_code"));
        Assert.Equal("connection refused", Tag(span, "error"));
    }

    [Fact]
    public void Ok_status_sets_only_otel_status_code_and_unset_sets_nothing()
    {
        var ok = Span();
        ok.Status = new Status { Code = Status.Types.StatusCode.Ok };
        var okSpan = Single(Request("svc", ok));
        Assert.Equal("OK", Tag(okSpan, "otel.status_code"));
        Assert.False(okSpan.TryGetTag("error", out _));
        var unset = Single(Request("svc", Span()));
        Assert.False(unset.TryGetTag("otel.status_code", out _));
        Assert.False(unset.TryGetTag("error", out _));
    }

    [Fact]
    public void A_boolean_false_error_attribute_is_dropped() =>
        Assert.False(Single(Request("svc", Span(ProtoSpan.Types.SpanKind.Server, Attr("error", new AnyValue { BoolValue = false })))).TryGetTag("error", out _));

    [Fact]
    public void Events_become_annotations_with_attributes_as_json()
    {
        var proto = Span();
        proto.Events.Add(new ProtoSpan.Types.Event { Name = "cache miss", TimeUnixNano = StartNanos + 1_000_000 });
        var withAttributes = new ProtoSpan.Types.Event { Name = "exception", TimeUnixNano = StartNanos + 2_000_000 };
        withAttributes.Attributes.Add(Attr("exception.type", "TimeoutException"));
        proto.Events.Add(withAttributes);
        var span = Single(Request("svc", proto));
        Assert.Equal(2, span.Annotations.Length);
        Assert.Equal(new Annotation(1_700_000_000_124_456L, "cache miss"), span.Annotations[0]);
        Assert.Equal(new Annotation(1_700_000_000_125_456L, "\"exception\": {\"exception.type\":\"TimeoutException\"}"), span.Annotations[1]);
    }

    [Fact]
    public void Dropped_counts_are_noted_as_tags()
    {
        var proto = Span();
        proto.DroppedAttributesCount = 3;
        proto.DroppedEventsCount = 2;
        proto.DroppedLinksCount = 1;
        var span = Single(Request("svc", proto));
        Assert.Equal("3", Tag(span, "otel.dropped_attributes_count"));
        Assert.Equal("2", Tag(span, "otel.dropped_events_count"));
        Assert.Equal("1", Tag(span, "otel.dropped_links_count"));
    }

    [Fact]
    public void Peer_service_outranks_server_address_for_the_remote_endpoint()
    {
        var span = Single(Request("svc", Span(ProtoSpan.Types.SpanKind.Client,
            Attr("server.address", "db.internal"), Attr("peer.service", "Inventory"), Attr("server.port", 5432))));
        Assert.Equal("inventory", span.RemoteServiceName);
        Assert.Equal(5432, span.RemoteEndpoint!.Port);
    }

    [Fact]
    public void A_client_without_peer_service_names_its_remote_by_server_address()
    {
        var span = Single(Request("svc", Span(ProtoSpan.Types.SpanKind.Client, Attr("server.address", "payments.example"), Attr("server.port", 443))));
        Assert.Equal("payments.example", span.RemoteServiceName);
        Assert.Equal(443, span.RemoteEndpoint!.Port);
    }

    [Fact]
    public void Network_peer_address_and_port_give_the_remote_ip()
    {
        var span = Single(Request("svc", Span(ProtoSpan.Types.SpanKind.Client,
            Attr("net.peer.name", "cache"), Attr("network.peer.address", "10.1.2.3"), Attr("network.peer.port", 6379))));
        Assert.Equal("cache", span.RemoteServiceName);
        Assert.Equal("10.1.2.3", span.RemoteEndpoint!.Ipv4);
        Assert.Equal(6379, span.RemoteEndpoint.Port);
    }

    [Fact]
    public void A_server_span_does_not_take_its_own_server_address_as_remote()
    {
        var span = Single(Request("svc", Span(ProtoSpan.Types.SpanKind.Server, Attr("server.address", "me.example"), Attr("client.address", "2001:db8::1"))));
        Assert.Null(span.RemoteServiceName);
        Assert.Equal("2001:db8::1", span.RemoteEndpoint!.Ipv6);
    }

    [Fact]
    public void A_sub_microsecond_span_keeps_a_duration_of_one_and_an_unfinished_span_has_none()
    {
        var tiny = Span();
        tiny.EndTimeUnixNano = tiny.StartTimeUnixNano + 300;
        Assert.Equal(1, Single(Request("svc", tiny)).Duration);
        var open = Span();
        open.EndTimeUnixNano = 0;
        Assert.Equal(0, Single(Request("svc", open)).Duration);
    }

    [Fact]
    public void Spans_with_invalid_ids_are_rejected_and_counted_while_the_rest_are_kept()
    {
        var zeroTrace = Span();
        zeroTrace.TraceId = ByteString.CopyFrom(new byte[16]);
        var shortSpanId = Span();
        shortSpanId.SpanId = ByteString.CopyFrom(1, 2, 3);
        var batch = OtlpProtobufDecoder.Decode(Request("svc", Span(), zeroTrace, shortSpanId).ToByteArray());
        Assert.Single(batch.Spans);
        Assert.Equal(2, batch.Rejected);
        Assert.Equal("trace_id is all zeros", batch.RejectionReason);
    }

    [Fact]
    public void Resource_after_its_spans_on_the_wire_still_names_the_service()
    {
        // Field order on the wire is free in protobuf: write scope_spans (2) before resource (1).
        var request = Request("late-resource", Span());
        var rs = request.ResourceSpans[0];
        var scopeBytes = rs.ScopeSpans[0].ToByteArray();
        var resourceBytes = rs.Resource.ToByteArray();
        var inner = new List<byte>();
        inner.Add(0x12); inner.AddRange(Varint(scopeBytes.Length)); inner.AddRange(scopeBytes);
        inner.Add(0x0A); inner.AddRange(Varint(resourceBytes.Length)); inner.AddRange(resourceBytes);
        var outer = new List<byte> { 0x0A };
        outer.AddRange(Varint(inner.Count));
        outer.AddRange(inner);
        var span = Assert.Single(OtlpProtobufDecoder.Decode(outer.ToArray()).Spans);
        Assert.Equal("late-resource", span.LocalServiceName);
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        uint v = (uint)value;
        while (v >= 0x80) { bytes.Add((byte)(v | 0x80)); v >>= 7; }
        bytes.Add((byte)v);
        return bytes.ToArray();
    }
}
