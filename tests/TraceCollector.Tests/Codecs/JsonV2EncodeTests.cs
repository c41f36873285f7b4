using System.Text;
using System.Text.Json;
using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.TestSupport;
using static TraceCollector.Tests.Codecs.CodecAssert;

namespace TraceCollector.Tests.Codecs;

public class JsonV2EncodeTests
{
    [Fact]
    public void Writes_fields_in_zipkins_order_with_empty_ones_omitted()
    {
        var span = new SpanBuilder
        {
            TraceId = new TraceId(0x4d1e00c0db9010db, 0x86154a4ba6e91385),
            ParentId = 0x86154a4ba6e91385,
            Id = 0x4d1e00c0db9010db,
            Kind = SpanKind.Client,
            Name = "get",
            Timestamp = 1472470996199000,
            Duration = 207000,
            LocalEndpoint = Endpoint.Create("frontend", null, "2001:db8::c001", 0),
            RemoteEndpoint = Endpoint.Create("backend", "192.168.99.101", null, 9000),
        }
            .AddAnnotation(1472470996403000, "bar").AddAnnotation(1472470996238000, "foo")
            .PutTag("http.path", "/api").PutTag("clnt/finagle.version", "6.45.0")
            .Build();

        string json = Encoding.UTF8.GetString(JsonV2Encoder.EncodeList([span]));

        Assert.Equal(
            """[{"traceId":"4d1e00c0db9010db86154a4ba6e91385","parentId":"86154a4ba6e91385","id":"4d1e00c0db9010db","kind":"CLIENT","name":"get","timestamp":1472470996199000,"duration":207000,"localEndpoint":{"serviceName":"frontend","ipv6":"2001:db8::c001"},"remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},"annotations":[{"timestamp":1472470996238000,"value":"foo"},{"timestamp":1472470996403000,"value":"bar"}],"tags":{"clnt/finagle.version":"6.45.0","http.path":"/api"}}]""",
            json);
    }

    [Fact]
    public void Writes_a_minimal_span_with_debug_and_shared_only_when_true()
    {
        var minimal = new SpanBuilder { TraceId = new TraceId(0, 1), Id = 2 }.Build();
        var flagged = new SpanBuilder { TraceId = new TraceId(0, 1), Id = 3, Kind = SpanKind.Server, Debug = true, Shared = true }.Build();

        Assert.Equal("""[{"traceId":"0000000000000001","id":"0000000000000002"},{"traceId":"0000000000000001","id":"0000000000000003","kind":"SERVER","debug":true,"shared":true}]""",
            Encoding.UTF8.GetString(JsonV2Encoder.EncodeList([minimal, flagged])));
    }

    [Fact]
    public void Writes_non_ascii_text_unescaped_and_escapes_what_json_requires()
    {
        var span = new SpanBuilder { TraceId = new TraceId(0, 1), Id = 2, Name = "个人信息查询" }.PutTag("q", "a\"b\\c\n").Build();
        string json = Encoding.UTF8.GetString(JsonV2Encoder.EncodeList([span]));
        Assert.Contains("\"name\":\"个人信息查询\"", json);
        Assert.Contains("""
            "q":"a\"b\\c\n"
            """.Trim(), json);
    }

    [Fact]
    public void WriteSpan_writes_into_a_callers_writer()
    {
        var span = new SpanBuilder { TraceId = new TraceId(0, 1), Id = 2 }.Build();
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) JsonV2Encoder.WriteSpan(writer, span);
        Assert.Equal("""{"traceId":"0000000000000001","id":"0000000000000002"}""", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Theory]
    [InlineData("skew.json")]
    [InlineData("ascend.json")]
    [InlineData("envoy.json")]
    [InlineData("messaging.json")]
    [InlineData("messaging2.json")]
    [InlineData("messaging-kafka.json")]
    [InlineData("simple-db-p6.json")]
    [InlineData("yelp.json")]
    [InlineData("smartthings-mobile-web-install.json")]
    [InlineData("smartthings-oauth-authorization.json")]
    public void Real_traces_round_trip(string file)
    {
        byte[] original = File.ReadAllBytes(RepoPaths.ZipkinTestData(file));
        var spans = SpanDecoder.DecodeList(SpanEncoding.JsonV2, original);
        Assert.Equal(JsonDocument.Parse(original).RootElement.GetArrayLength(), spans.Count);

        byte[] encoded = JsonV2Encoder.EncodeList(spans);
        Equal(spans, SpanDecoder.DecodeList(SpanEncoding.JsonV2, encoded));
        Assert.Equal(encoded, JsonV2Encoder.EncodeList(SpanDecoder.DecodeList(SpanEncoding.JsonV2, encoded)));
    }

    [Theory]
    [InlineData("zipkin2-client.json")]
    [InlineData("zipkin2-chinese.json")]
    public void Single_real_spans_round_trip(string file)
    {
        string span = File.ReadAllText(RepoPaths.ZipkinTestData(file));
        var spans = DecodeV2("[" + span + "]");
        Equal(spans, SpanDecoder.DecodeList(SpanEncoding.JsonV2, JsonV2Encoder.EncodeList(spans)));
    }
}
