using System.Text;
using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.TestSupport;
using static TraceCollector.Tests.Codecs.CodecAssert;

namespace TraceCollector.Tests.Codecs;

/// <summary>v1 JSON decoding and its conversion to v2, case by case as Zipkin's V1SpanConverter converts.</summary>
public class JsonV1Tests
{
    private const string Frontend = """{"serviceName":"frontend","ipv4":"172.17.0.13"}""";
    private const string Backend = """{"serviceName":"backend","ipv4":"172.17.0.9"}""";

    private static IReadOnlyList<Span> DecodeV1(string json) => SpanDecoder.DecodeList(SpanEncoding.JsonV1, Encoding.UTF8.GetBytes(json));

    private static readonly Endpoint FrontendEndpoint = Endpoint.Create("frontend", "172.17.0.13", null, 0)!;
    private static readonly Endpoint BackendEndpoint = Endpoint.Create("backend", "172.17.0.9", null, 0)!;

    [Fact]
    public void A_span_with_both_rpc_sides_becomes_a_client_and_a_shared_server_span()
    {
        var spans = DecodeV1($$$"""
            [{"traceId":"1","parentId":"3","id":"2","name":"GET","timestamp":1000,"duration":500,
              "annotations":[{"timestamp":1000,"value":"cs","endpoint":{{{Frontend}}}},{"timestamp":1100,"value":"sr","endpoint":{{{Backend}}}},
                             {"timestamp":1400,"value":"ss","endpoint":{{{Backend}}}},{"timestamp":1500,"value":"cr","endpoint":{{{Frontend}}}}],
              "binaryAnnotations":[{"key":"http.path","value":"/api","endpoint":{{{Frontend}}}},{"key":"srv/finagle.version","value":"6.45.0","endpoint":{{{Backend}}}},
                                   {"key":"ca","value":true,"endpoint":{"serviceName":"frontend","ipv4":"172.17.0.13","port":63840}},
                                   {"key":"sa","value":true,"endpoint":{"serviceName":"backend","ipv4":"172.17.0.9","port":8080}}]}]
            """);

        Assert.Equal(2, spans.Count);
        var client = spans[0];
        Assert.Equal(SpanKind.Client, client.Kind);
        Assert.Equal("get", client.Name);
        Assert.Equal(3UL, client.ParentId);
        Assert.Equal(FrontendEndpoint, client.LocalEndpoint);
        Assert.Equal(Endpoint.Create("backend", "172.17.0.9", null, 8080), client.RemoteEndpoint);
        Assert.Equal((1000L, 500L), (client.Timestamp, client.Duration));
        Assert.False(client.Shared);
        Assert.Equal(["http.path"], client.Tags.Select(t => t.Key));
        Assert.Empty(client.Annotations);

        var server = spans[1];
        Assert.Equal(SpanKind.Server, server.Kind);
        Assert.True(server.Shared);
        Assert.Equal(BackendEndpoint, server.LocalEndpoint);
        // Finagle's "ca" names the client's own service, so it stays as the remote endpoint here.
        Assert.Equal(Endpoint.Create("frontend", "172.17.0.13", null, 63840), server.RemoteEndpoint);
        Assert.Equal((1100L, 300L), (server.Timestamp, server.Duration));
        Assert.Equal(["srv/finagle.version"], server.Tags.Select(t => t.Key));
        Assert.Equal(client.Id, server.Id);
    }

    [Fact]
    public void A_server_only_span_without_its_own_timestamp_is_shared()
    {
        var span = Assert.Single(DecodeV1($$$"""
            [{"traceId":"1","id":"2","name":"get","annotations":[{"timestamp":1100,"value":"sr","endpoint":{{{Backend}}}},{"timestamp":1400,"value":"ss","endpoint":{{{Backend}}}}],
              "binaryAnnotations":[{"key":"ca","value":true,"endpoint":{{{Frontend}}}}]}]
            """));
        Assert.Equal(SpanKind.Server, span.Kind);
        Assert.True(span.Shared);
        Assert.Equal((1100L, 300L), (span.Timestamp, span.Duration));
        Assert.Equal(FrontendEndpoint, span.RemoteEndpoint);
    }

    [Fact]
    public void Loopback_rpc_with_one_service_still_makes_two_spans()
    {
        var spans = DecodeV1($$$"""
            [{"traceId":"1","id":"2","name":"get","timestamp":1000,"duration":500,
              "annotations":[{"timestamp":1000,"value":"cs","endpoint":{{{Frontend}}}},{"timestamp":1100,"value":"sr","endpoint":{{{Frontend}}}},
                             {"timestamp":1400,"value":"ss","endpoint":{{{Frontend}}}},{"timestamp":1500,"value":"cr","endpoint":{{{Frontend}}}}]}]
            """);
        Assert.Equal([SpanKind.Client, SpanKind.Server], spans.Select(s => s.Kind));
        Assert.True(spans[1].Shared);
        Assert.Equal((1100L, 300L), (spans[1].Timestamp, spans[1].Duration));
    }

    [Fact]
    public void A_finagle_ca_with_the_servers_own_service_name_loses_the_name()
    {
        var span = Assert.Single(DecodeV1($$$"""
            [{"traceId":"1","id":"2","annotations":[{"timestamp":1100,"value":"sr","endpoint":{{{Backend}}}},{"timestamp":1400,"value":"ss","endpoint":{{{Backend}}}}],
              "binaryAnnotations":[{"key":"ca","value":true,"endpoint":{"serviceName":"backend","ipv4":"10.0.0.1","port":5000}}]}]
            """));
        Assert.Equal(Endpoint.Create(null, "10.0.0.1", null, 5000), span.RemoteEndpoint);
    }

    [Fact]
    public void An_lc_marker_makes_a_local_span_with_its_endpoint_and_no_tag()
    {
        var span = Assert.Single(DecodeV1($$$"""
            [{"traceId":"1","id":"2","name":"compute","timestamp":1000,"duration":20,"binaryAnnotations":[{"key":"lc","value":"","endpoint":{{{Frontend}}}}]}]
            """));
        Assert.Equal(SpanKind.Unspecified, span.Kind);
        Assert.Equal(FrontendEndpoint, span.LocalEndpoint);
        Assert.Equal((1000L, 20L), (span.Timestamp, span.Duration));
        Assert.Empty(span.Tags);
    }

    [Fact]
    public void A_local_span_without_any_endpoint_keeps_its_timing_and_tags()
    {
        // zipkin-js has sent local spans whose binary annotations carry no endpoint.
        var span = Assert.Single(DecodeV1("""
            [{"traceId":"1","id":"2","name":"step","timestamp":1000,"duration":20,"binaryAnnotations":[{"key":"lc","value":"worker"}],
              "annotations":[{"timestamp":1005,"value":"checkpoint"}]}]
            """));
        Assert.Null(span.LocalEndpoint);
        Assert.Equal((1000L, 20L), (span.Timestamp, span.Duration));
        Assert.True(span.TryGetTag("lc", out var lc) && lc == "worker");
        Assert.Equal([new Annotation(1005, "checkpoint")], span.Annotations.ToArray());
    }

    [Fact]
    public void Messaging_spans_take_kind_timing_and_broker_address_from_ms_mr_ws_wr_and_ma()
    {
        var spans = DecodeV1($$$"""
            [{"traceId":"1","id":"2","name":"send","annotations":[{"timestamp":1000,"value":"ms","endpoint":{{{Frontend}}}},{"timestamp":1010,"value":"ws","endpoint":{{{Frontend}}}}],
              "binaryAnnotations":[{"key":"ma","value":true,"endpoint":{"serviceName":"kafka","ipv4":"10.0.0.5","port":9092}}]},
             {"traceId":"1","id":"3","parentId":"2","name":"receive","annotations":[{"timestamp":1100,"value":"wr","endpoint":{{{Backend}}}},{"timestamp":1150,"value":"mr","endpoint":{{{Backend}}}}],
              "binaryAnnotations":[{"key":"ma","value":true,"endpoint":{"serviceName":"kafka","ipv4":"10.0.0.5","port":9092}}]}]
            """);
        var kafka = Endpoint.Create("kafka", "10.0.0.5", null, 9092);
        Assert.Equal(SpanKind.Producer, spans[0].Kind);
        Assert.Equal((1000L, 10L), (spans[0].Timestamp, spans[0].Duration));
        Assert.Equal(kafka, spans[0].RemoteEndpoint);
        Assert.Equal(SpanKind.Consumer, spans[1].Kind);
        Assert.Equal((1100L, 50L), (spans[1].Timestamp, spans[1].Duration));
        Assert.Equal(kafka, spans[1].RemoteEndpoint);
        Assert.Equal(BackendEndpoint, spans[1].LocalEndpoint);
    }

    [Fact]
    public void Addresses_without_core_annotations_set_the_remote_endpoint()
    {
        var spans = DecodeV1($$$"""
            [{"traceId":"1","id":"2","binaryAnnotations":[{"key":"sa","value":true,"endpoint":{{{Backend}}}}]},
             {"traceId":"1","id":"3","binaryAnnotations":[{"key":"ca","value":true,"endpoint":{{{Frontend}}}}]},
             {"traceId":"1","id":"4","binaryAnnotations":[{"key":"ca","value":true,"endpoint":{{{Frontend}}}},{"key":"sa","value":true,"endpoint":{{{Backend}}}}]}]
            """);
        Assert.Equal((SpanKind.Unspecified, BackendEndpoint), (spans[0].Kind, spans[0].RemoteEndpoint));
        Assert.Equal((SpanKind.Server, FrontendEndpoint), (spans[1].Kind, spans[1].RemoteEndpoint));
        Assert.Equal((FrontendEndpoint, BackendEndpoint), (spans[2].LocalEndpoint, spans[2].RemoteEndpoint));
    }

    [Fact]
    public void Accepts_py_zipkins_address_value_of_one()
    {
        var span = Assert.Single(DecodeV1($$$"""
            [{"traceId":"1","id":"2","annotations":[{"timestamp":1000,"value":"cs","endpoint":{{{Frontend}}}}],
              "binaryAnnotations":[{"key":"sa","value":"1","endpoint":{{{Backend}}}}]}]
            """));
        Assert.Equal(BackendEndpoint, span.RemoteEndpoint);
        Assert.Empty(span.Tags);
    }

    [Fact]
    public void A_lone_client_send_is_a_one_way_client_span()
    {
        var span = Assert.Single(DecodeV1($$$"""[{"traceId":"1","id":"2","annotations":[{"timestamp":1000,"value":"cs","endpoint":{{{Frontend}}}}]}]"""));
        Assert.Equal(SpanKind.Client, span.Kind);
        Assert.Equal((1000L, 0L), (span.Timestamp, span.Duration));
    }

    [Fact]
    public void Core_annotations_without_an_endpoint_are_plain_events()
    {
        var span = Assert.Single(DecodeV1("""[{"traceId":"1","id":"2","annotations":[{"timestamp":1000,"value":"cs"}]}]"""));
        Assert.Equal(SpanKind.Unspecified, span.Kind);
        Assert.Equal([new Annotation(1000, "cs")], span.Annotations.ToArray());
    }

    [Fact]
    public void Ignores_numeric_binary_annotation_values_and_nulls()
    {
        var span = Assert.Single(DecodeV1("""
            [{"traceId":"1","id":"2","parentId":null,"debug":true,"binaryAnnotations":[{"key":"n","value":5},{"key":"s","value":"x","endpoint":null}]}]
            """));
        Assert.True(span.Debug);
        Assert.Equal(["s"], span.Tags.Select(t => t.Key));
    }

    [Theory]
    [InlineData("""[{"traceId":"1","id":"2","annotations":[{"value":"cs"}]}]""", "$[0].annotations[0]")]
    [InlineData("""[{"traceId":"1","id":"2","binaryAnnotations":[{"value":"x"}]}]""", "$[0].binaryAnnotations[0]")]
    [InlineData("""[{"traceId":"1","id":"0"}]""", "$[0]")]
    [InlineData("""[{"id":"2"}]""", "$[0]")]
    [InlineData("""[{"traceId":"1","id":"2"},{"traceId":"q","id":"2"}]""", "$[1].traceId")]
    public void Names_where_a_bad_v1_span_went_wrong(string json, string where)
    {
        var error = Assert.Throws<SpanFormatException>(() => DecodeV1(json));
        Assert.Contains(where, error.Message);
    }

    [Fact]
    public void Encodes_kind_timing_and_addresses_as_core_annotations()
    {
        var span = new SpanBuilder
        {
            TraceId = new TraceId(0, 1), Id = 2, Kind = SpanKind.Client, Name = "get", Timestamp = 1000, Duration = 500,
            LocalEndpoint = FrontendEndpoint, RemoteEndpoint = BackendEndpoint,
        }.PutTag("http.path", "/api").Build();

        Assert.Equal(
            """[{"traceId":"0000000000000001","id":"0000000000000002","name":"get","timestamp":1000,"duration":500,"annotations":[{"timestamp":1000,"value":"cs","endpoint":{"serviceName":"frontend","ipv4":"172.17.0.13"}},{"timestamp":1500,"value":"cr","endpoint":{"serviceName":"frontend","ipv4":"172.17.0.13"}}],"binaryAnnotations":[{"key":"http.path","value":"/api","endpoint":{"serviceName":"frontend","ipv4":"172.17.0.13"}},{"key":"sa","value":true,"endpoint":{"serviceName":"backend","ipv4":"172.17.0.9"}}]}]""",
            Encoding.UTF8.GetString(JsonV1Encoder.EncodeList([span])));
    }
}
