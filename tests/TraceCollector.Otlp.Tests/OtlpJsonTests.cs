using System.Text;
using Google.Protobuf;
using TraceCollector.Collector.Otlp.Decoding;
using TraceCollector.Model;
using TraceCollector.Otlp.Proto.Common;
using TraceCollector.Otlp.Proto.Trace;
using static TraceCollector.Otlp.Tests.OtlpRequests;
using ProtoSpan = TraceCollector.Otlp.Proto.Trace.Span;

namespace TraceCollector.Otlp.Tests;

/// <summary>OTLP/JSON: hex ids, enums as numbers or names, 64-bit integers as strings, and the same spans as protobuf.</summary>
public class OtlpJsonTests
{
    // The shape of the OTLP specification's JSON example, with both enum spellings and both number spellings.
    private const string Example = """
    {
      "resourceSpans": [{
        "resource": { "attributes": [
          { "key": "service.name", "value": { "stringValue": "Order-Service" } },
          { "key": "host.name", "value": { "stringValue": "web-1" } } ] },
        "scopeSpans": [{
          "scope": { "name": "OpenTelemetry.Instrumentation.AspNetCore", "version": "1.9.0" },
          "spans": [{
            "traceId": "5B8EFFF798038103D269B633813FC60C",
            "spanId": "eee19b7ec3c1b174",
            "parentSpanId": "eee19b7ec3c1b173",
            "name": "GET /Orders",
            "kind": "SPAN_KIND_CLIENT",
            "startTimeUnixNano": "1700000000123456789",
            "endTimeUnixNano": 1700000000125956789,
            "attributes": [
              { "key": "peer.service", "value": { "stringValue": "inventory" } },
              { "key": "http.status_code", "value": { "intValue": "200" } },
              { "key": "retry", "value": { "boolValue": true } },
              { "key": "ids", "value": { "arrayValue": { "values": [ { "intValue": 1 }, { "stringValue": "x" } ] } } },
              { "key": "nested", "value": { "kvlistValue": { "values": [ { "value": { "doubleValue": 2.5 }, "key": "w" } ] } } }
            ],
            "events": [ { "timeUnixNano": "1700000000124456789", "name": "retrying", "attributes": [ { "key": "attempt", "value": { "intValue": 2 } } ] } ],
            "status": { "code": 2, "message": "timeout" },
            "droppedAttributesCount": 1
          }, {
            "traceId": "5b8efff798038103d269b633813fc60c",
            "spanId": "0000000000000000",
            "name": "rejected"
          }]
        }]
      }]
    }
    """;

    [Fact]
    public void The_specification_shaped_example_decodes_with_every_rule()
    {
        var batch = OtlpJsonDecoder.Decode(Encoding.UTF8.GetBytes(Example));
        Assert.Equal(1, batch.Rejected);
        Assert.Equal("span_id is all zeros", batch.RejectionReason);
        var span = Assert.Single(batch.Spans);
        Assert.Equal("5b8efff798038103d269b633813fc60c", span.TraceId.ToString());
        Assert.Equal(SpanKind.Client, span.Kind);
        Assert.Equal("order-service", span.LocalServiceName);
        Assert.Equal("inventory", span.RemoteServiceName);
        Assert.Equal(1_700_000_000_123_456L, span.Timestamp);
        Assert.Equal(2_500L, span.Duration);
        Assert.True(span.TryGetTag("http.status_code", out var status) && status == "200");
        Assert.True(span.TryGetTag("retry", out var retry) && retry == "true");
        Assert.True(span.TryGetTag("ids", out var ids) && ids == "[1,\"x\"]");
        Assert.True(span.TryGetTag("nested", out var nested) && nested == "{\"w\":2.5}");
        Assert.True(span.TryGetTag("host.name", out var host) && host == "web-1");
        Assert.True(span.TryGetTag("error", out var error) && error == "timeout");
        Assert.True(span.TryGetTag("otel.status_code", out var code) && code == "ERROR");
        Assert.True(span.TryGetTag("otel.dropped_attributes_count", out var dropped) && dropped == "1");
        Assert.Equal("\"retrying\": {\"attempt\":\"2\"}", Assert.Single(span.Annotations).Value);
    }

    [Fact]
    public void Json_and_protobuf_of_the_same_request_give_the_same_spans()
    {
        var proto = Span(ProtoSpan.Types.SpanKind.Producer, Attr("messaging.system", "kafka"), Attr("peer.service", "broker"));
        proto.Status = new Status { Code = Status.Types.StatusCode.Ok };
        var fromProto = Assert.Single(OtlpProtobufDecoder.Decode(Request("billing", proto).ToByteArray()).Spans);
        string json = $$$"""
        {"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"{{{Convert.ToHexString(TraceIdBytes)}}}","span_id":"{{{Convert.ToHexString(SpanIdBytes)}}}",
          "parent_span_id":"{{{Convert.ToHexString(ParentIdBytes)}}}","name":"GET /Orders","kind":4,"start_time_unix_nano":"{{{StartNanos}}}",
          "end_time_unix_nano":"{{{StartNanos + 2_500_000}}}","attributes":[{"key":"messaging.system","value":{"string_value":"kafka"}},
          {"key":"peer.service","value":{"string_value":"broker"}}],"status":{"code":"STATUS_CODE_OK"}}],
          "scope":{"name":"OpenTelemetry.Instrumentation.AspNetCore","version":"1.9.0"}}],
          "resource":{"attributes":[{"key":"service.name","value":{"string_value":"billing"}}]}}]}
        """;
        var fromJson = Assert.Single(OtlpJsonDecoder.Decode(Encoding.UTF8.GetBytes(json)).Spans);
        Assert.Equal(fromProto, fromJson);
    }

    [Theory]
    [InlineData("", "does not contain any JSON")]
    [InlineData("[]", "should be an object")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"SPAN_KIND_SIDEWAYS\"}]}]}]}", "kind has unknown value")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}", "startTimeUnixNano should be an unsigned integer")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"x\"", "at byte")]
    [InlineData("{\"resourceSpans\":7}", "should be an array")]
    public void Malformed_json_is_a_format_error_naming_the_problem(string json, string expected)
    {
        var e = Assert.Throws<SpanFormatException>(() => OtlpJsonDecoder.Decode(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, e.Message);
        Assert.Contains("at byte", e.Message);
    }

    [Fact]
    public void An_empty_request_has_no_spans() =>
        Assert.Empty(OtlpJsonDecoder.Decode("{}"u8).Spans);
}
