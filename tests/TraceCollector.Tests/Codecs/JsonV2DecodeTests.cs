using TraceCollector.Model;
using static TraceCollector.Tests.Codecs.CodecAssert;

namespace TraceCollector.Tests.Codecs;

public class JsonV2DecodeTests
{
    // The example span of zipkin2-api.yaml's POST /spans, with every field present.
    private const string SpecExample = """
        {"traceId":"5982fe77008310cc80f1da5e10147517","name":"get","parentId":"80f1da5e10147517","id":"a1b2c3d4e5f60718",
         "kind":"SERVER","timestamp":1502787600000000,"duration":25000,"debug":true,"shared":true,
         "localEndpoint":{"serviceName":"Frontend","ipv4":"192.168.99.1","port":8080},
         "remoteEndpoint":{"serviceName":"browser","ipv6":"2001:db8::c001","port":9000},
         "annotations":[{"timestamp":1502787600010000,"value":"ws"},{"timestamp":1502787600005000,"value":"wr"}],
         "tags":{"http.path":"/api","error":"timeout","clnt/finagle.version":"6.45.0"}}
        """;

    [Fact]
    public void Reads_every_field_of_the_spec_example()
    {
        Span span = DecodeOneV2(SpecExample);

        Assert.Equal(new TraceId(0x5982fe77008310cc, 0x80f1da5e10147517), span.TraceId);
        Assert.Equal(0x80f1da5e10147517UL, span.ParentId);
        Assert.Equal(0xa1b2c3d4e5f60718UL, span.Id);
        Assert.Equal(SpanKind.Server, span.Kind);
        Assert.Equal("get", span.Name);
        Assert.Equal(1502787600000000, span.Timestamp);
        Assert.Equal(25000, span.Duration);
        Assert.True(span.Debug);
        Assert.True(span.Shared);
        Assert.Equal(Endpoint.Create("frontend", "192.168.99.1", null, 8080), span.LocalEndpoint);
        Assert.Equal(Endpoint.Create("browser", null, "2001:db8::c001", 9000), span.RemoteEndpoint);
        Assert.Equal([new Annotation(1502787600005000, "wr"), new Annotation(1502787600010000, "ws")], span.Annotations.ToArray());
        Assert.Equal(["clnt/finagle.version", "error", "http.path"], span.Tags.Select(t => t.Key));
        Assert.True(span.TryGetTag("http.path", out var path) && path == "/api");
    }

    [Fact]
    public void Accepts_upper_case_and_short_ids_as_the_model_does()
    {
        Span span = DecodeOneV2("""{"traceId":"ABC","id":"DEF","parentId":"0000000000000000"}""");
        Assert.Equal(new TraceId(0, 0xabc), span.TraceId);
        Assert.Equal(0xdefUL, span.Id);
        Assert.Equal(0UL, span.ParentId);
    }

    [Fact]
    public void Downgrades_a_128_bit_trace_id_whose_high_half_is_zero()
    {
        Span span = DecodeOneV2("""{"traceId":"000000000000000080f1da5e10147517","id":"1"}""");
        Assert.Equal(new TraceId(0, 0x80f1da5e10147517), span.TraceId);
        Assert.Equal("80f1da5e10147517", span.TraceId.ToString());
    }

    [Fact]
    public void Ignores_nulls_skips_unknown_fields_and_reads_quoted_numbers()
    {
        Span span = DecodeOneV2("""
            {"traceId":"1","id":"2","parentId":null,"name":null,"kind":null,"future":{"a":[1,{"b":null}],"c":"d"},
             "timestamp":"1502787600000000","duration":"25","localEndpoint":{"serviceName":"a","port":"80","x":[1]},
             "annotations":null,"tags":null,"debug":null,"shared":null,"other":[[],{}]}
            """);
        Assert.Equal(0UL, span.ParentId);
        Assert.Null(span.Name);
        Assert.Equal(SpanKind.Unspecified, span.Kind);
        Assert.Equal(1502787600000000, span.Timestamp);
        Assert.Equal(25, span.Duration);
        Assert.Equal(Endpoint.Create("a", null, null, 80), span.LocalEndpoint);
    }

    [Fact]
    public void Reads_numeric_tag_values_as_their_text()
    {
        Span span = DecodeOneV2("""{"traceId":"1","id":"2","tags":{"http.status_code":404,"ratio":0.25}}""");
        Assert.True(span.TryGetTag("http.status_code", out var code) && code == "404");
        Assert.True(span.TryGetTag("ratio", out var ratio) && ratio == "0.25");
    }

    [Fact]
    public void Normalises_names_endpoints_and_flags_as_zipkin_does()
    {
        Span span = DecodeOneV2("""
            {"traceId":"1","id":"2","kind":"CLIENT","name":"GET /Users","shared":true,"debug":false,"timestamp":0,"duration":-5,
             "localEndpoint":{"serviceName":"","ipv6":"::ffff:10.0.0.1"},"remoteEndpoint":{}}
            """);
        Assert.Equal("get /users", span.Name);
        Assert.False(span.Shared);
        Assert.False(span.Debug);
        Assert.Equal(0, span.Timestamp);
        Assert.Equal(0, span.Duration);
        Assert.Equal(Endpoint.Create(null, "10.0.0.1", null, 0), span.LocalEndpoint);
        Assert.Null(span.RemoteEndpoint);
    }

    [Fact]
    public void Shares_repeated_endpoints_and_names_between_spans()
    {
        var spans = DecodeV2("""
            [{"traceId":"1","id":"2","name":"Get","localEndpoint":{"serviceName":"A","ipv4":"10.0.0.1"},"tags":{"k":"v"}},
             {"traceId":"1","id":"3","name":"Get","localEndpoint":{"serviceName":"A","ipv4":"10.0.0.1"},"tags":{"k":"v"}}]
            """);
        Assert.Same(spans[0].LocalEndpoint, spans[1].LocalEndpoint);
        Assert.Same(spans[0].Name, spans[1].Name);
        Assert.Same(spans[0].Tags[0].Value, spans[1].Tags[0].Value);
    }

    [Fact]
    public void Unescapes_escaped_text()
    {
        Span span = DecodeOneV2("""{"trace\u0049d":"1","id":"2","name":"a\"b","tags":{"k\n":"caf\u00e9"}}""");
        Assert.Equal(new TraceId(0, 1), span.TraceId);
        Assert.Equal("a\"b", span.Name);
        Assert.True(span.TryGetTag("k\n", out var v) && v == "café");
    }

    [Fact]
    public void An_empty_list_is_empty()
    {
        Assert.Empty(DecodeV2("[]"));
        Assert.Empty(DecodeV2(" [ ] "));
    }

    [Theory]
    [InlineData("""[{"traceId":"1","id":"2"},{"traceId":"xyz","id":"2"}]""", "$[1].traceId")]
    [InlineData("""[{"traceId":"1","id":"0"}]""", "$[0].id")]
    [InlineData("""[{"traceId":"1","id":"2","parentId":"12345678901234567"}]""", "$[0].parentId")]
    [InlineData("""[{"traceId":"1","id":"2","kind":"client"}]""", "$[0].kind")]
    [InlineData("""[{"traceId":"1","id":"2","timestamp":1.5}]""", "$[0].timestamp")]
    [InlineData("""[{"traceId":"1","id":"2","timestamp":"soon"}]""", "$[0].timestamp")]
    [InlineData("""[{"traceId":"1","id":"2","debug":"yes"}]""", "$[0].debug")]
    [InlineData("""[{"traceId":"1","id":"2","localEndpoint":{"port":70000}}]""", "$[0].localEndpoint.port")]
    [InlineData("""[{"traceId":"1","id":"2","remoteEndpoint":"x"}]""", "$[0].remoteEndpoint")]
    [InlineData("""[{"traceId":"1","id":"2","annotations":[{"timestamp":1,"value":"a"},{"value":"b"}]}]""", "$[0].annotations[1]")]
    [InlineData("""[{"traceId":"1","id":"2","annotations":[{"timestamp":1}]}]""", "$[0].annotations[0]")]
    [InlineData("""[{"traceId":"1","id":"2","tags":{"error":null}}]""", "$[0].tags.error")]
    [InlineData("""[{"traceId":"1","id":"2","tags":{"error":true}}]""", "$[0].tags.error")]
    [InlineData("""[{"id":"2"}]""", "$[0]")]
    [InlineData("""[{"traceId":"1"}]""", "$[0]")]
    [InlineData("""[{"traceId":"1","id":"2"},3]""", "$[1]")]
    public void Names_the_field_and_offset_of_a_bad_value(string json, string where)
    {
        var error = FailsV2(json);
        Assert.Contains(where, error.Message);
        Assert.Contains("byte offset", error.Message);
    }

    [Fact]
    public void A_null_tag_value_error_names_the_tag()
    {
        var error = FailsV2("""[{"traceId":"1","id":"2","tags":{"http.path":null}}]""");
        Assert.Contains("No value at tags.http.path", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"traceId":"1","id":"2"}""")]
    [InlineData("[")]
    [InlineData("""[{"traceId":"1","id":"2"}""")]
    [InlineData("""[{"traceId":"1","id":"2"}]]""")]
    [InlineData("""[{"traceId":"1","id":"2"}] x""")]
    [InlineData("""[{"traceId":"1",,"id":"2"}]""")]
    [InlineData("""[{"traceId":"1","id":"2","name":"\uZZZZ"}]""")]
    [InlineData("nul")]
    public void Rejects_what_is_not_a_json_list(string json)
    {
        var error = FailsV2(json);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Reports_the_byte_offset_of_malformed_json()
    {
        var error = FailsV2("""[{"traceId":"1","id":"2"},{"traceId" "1"}]""");
        Assert.Matches(@"byte offset \d+", error.Message);
    }
}
