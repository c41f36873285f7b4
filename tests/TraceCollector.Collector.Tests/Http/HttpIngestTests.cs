using System.Net;
using System.Text;
using TraceCollector.Codecs;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;

namespace TraceCollector.Collector.Tests.Http;

public sealed class HttpIngestTests : IAsyncLifetime
{
    private readonly RecordingStore _store = new();
    private CollectorHost _host = null!;

    public async Task InitializeAsync() => _host = await CollectorHost.StartAsync(_store, new Dictionary<string, string?>
    {
        ["COLLECTOR_MAX_BODY"] = "65536",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task JsonV2IsReadForAnyOrMissingContentTypeAndAnsweredWith202OnceStored(string? contentType)
    {
        var spans = TestSpans.Batch(3);
        var response = await _host.Client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(spans), contentType));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(spans, _store.StoredSpans());
    }

    [Fact]
    public async Task GzipBodiesAreInflated()
    {
        var spans = TestSpans.Batch(5);
        var response = await _host.Client.PostAsync("api/v2/spans", Bodies.Content(Bodies.Gzip(JsonV2Encoder.EncodeList(spans)), "application/json", "gzip"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(spans, _store.StoredSpans());
    }

    [Fact]
    public async Task ChunkedBodiesWithNoContentLengthAreRead()
    {
        var spans = TestSpans.Batch(40);
        var response = await _host.Client.PostAsync("api/v2/spans", new Bodies.Chunked(JsonV2Encoder.EncodeList(spans), "application/json; charset=utf-8").Init());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(spans, _store.StoredSpans());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    public async Task AnEmptyBodyOrListIsAcceptedAndStoresNothing(string body)
    {
        var response = await _host.Client.PostAsync("api/v2/spans", Bodies.Json(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, _store.WriteCount);
    }

    [Theory]
    [InlineData("api/v2/spans", "{\"traceId\":\"1\",\"id\":\"1\"}", "Expected a JSON_V2 encoded list\n")]
    [InlineData("api/v2/spans", "[{\"traceId\":\"1\",\"id\":\"1\",\"binaryAnnotations\":[]}]", "Expected a JSON_V2 encoded list, but received: JSON_V1\n")]
    [InlineData("api/v1/spans", "[{\"traceId\":\"1\",\"id\":\"1\",\"localEndpoint\":{}}]", "Expected a JSON_V1 encoded list, but received: JSON_V2\n")]
    [InlineData("api/v1/spans", "[{\"traceId\":\"1\",\"id\":\"1\",\"tags\":{}}]", "Expected a JSON_V1 encoded list, but received: JSON_V2\n")]
    public async Task TheWrongShapeIsA400SayingWhatWasExpected(string path, string body, string message)
    {
        var response = await _host.Client.PostAsync(path, Bodies.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _store.WriteCount);
    }

    [Theory]
    [InlineData("[{\"traceId\":\"0000000000000000\",\"id\":\"1\"}]", "traceId")]
    [InlineData("[{\"traceId\":\"1\",\"id\":\"1\"", "")]
    [InlineData("[{\"traceId\":\"zz\",\"id\":\"1\"}]", "traceId")]
    [InlineData("[1,2,3]", "")]
    public async Task UndecodableJsonIsA400NamingTheProblemNeverA500(string body, string mentions)
    {
        var response = await _host.Client.PostAsync("api/v2/spans", Bodies.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string message = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.Contains(mentions, message);
        Assert.Equal(1, _host.Metrics.For("http").MessagesDropped);
    }

    [Fact]
    public async Task ABodyThatIsNotGzipButSaysSoIsA400()
    {
        var response = await _host.Client.PostAsync("api/v2/spans", Bodies.Content(Encoding.UTF8.GetBytes("[]"), "application/json", "gzip"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Cannot gunzip spans\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARawBodyOverTheLimitIsA413()
    {
        var response = await _host.Client.PostAsync("api/v2/spans", Bodies.Content(new byte[70_000], "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitIsA413()
    {
        var response = await _host.Client.PostAsync("api/v2/spans", new Bodies.Chunked(new byte[70_000], "application/json").Init());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AGzipBombIsA413BecauseTheLimitAlsoBoundsTheInflatedSize()
    {
        byte[] bomb = Bodies.Gzip(new byte[5_000_000]);
        Assert.True(bomb.Length < 65536);
        var response = await _host.Client.PostAsync("api/v2/spans", Bodies.Content(bomb, "application/json", "gzip"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task MetricsCountMessagesBytesAndSpansPerTransport()
    {
        byte[] body = JsonV2Encoder.EncodeList(TestSpans.Batch(4));
        Assert.Equal(HttpStatusCode.Accepted, (await _host.Client.PostAsync("api/v2/spans", Bodies.Content(body, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Client.PostAsync("api/v2/spans", Bodies.Json("nonsense"))).StatusCode);

        string json = await _host.Client.GetStringAsync("metrics");
        Assert.Contains("\"counter.zipkin_collector.messages.http\":2", json);
        Assert.Contains("\"counter.zipkin_collector.messages_dropped.http\":1", json);
        Assert.Contains("\"counter.zipkin_collector.spans.http\":4", json);
        Assert.Contains($"\"counter.zipkin_collector.bytes.http\":{body.Length + "nonsense".Length}", json);
        Assert.Contains("\"gauge.zipkin_collector.message_spans.http\":4", json);

        string prometheus = await _host.Client.GetStringAsync("prometheus");
        Assert.Contains("zipkin_collector_messages_total{transport=\"http\"} 2", prometheus);
        Assert.Contains("zipkin_collector_spans_total{transport=\"http\"} 4", prometheus);
        Assert.Contains("zipkin_collector_spans_dropped_total{transport=\"http\"} 0", prometheus);
        Assert.Contains("zipkin_collector_messages_dropped_total{transport=\"http\"} 1", prometheus);
        Assert.Contains("tracecollector_pipeline_queue_spans 0", prometheus);
        Assert.Contains("tracecollector_storage_write_seconds_count 1", prometheus);
        Assert.Contains("tracecollector_storage_write_seconds_bucket{le=\"+Inf\"} 1", prometheus);
    }

    [Fact]
    public async Task Http2PriorKnowledgeAndHttp11ShareThePort()
    {
        using var h2 = new HttpClient { BaseAddress = _host.BaseAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var spans = TestSpans.Batch(2);
        var response = await h2.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(spans), "application/json"));
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var http11 = await _host.Client.PostAsync("api/v2/spans", Bodies.Json("[]"));
        Assert.Equal(HttpVersion.Version11, http11.Version);
        Assert.Equal(HttpStatusCode.Accepted, http11.StatusCode);
        Assert.Equal(spans, _store.StoredSpans());
    }
}

public sealed class EncodingTests
{
    [Fact]
    public async Task Proto3IsReadFromV2WithTheProtobufContentType()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        var spans = TestSpans.Batch(4);
        var response = await host.Client.PostAsync("api/v2/spans", Bodies.Content(Proto3Encoder.EncodeList(spans), "application/x-protobuf"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(spans, store.StoredSpans());
    }

    [Fact]
    public async Task GzippedProto3IsReadToo()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        var spans = TestSpans.Batch(4);
        var response = await host.Client.PostAsync("api/v2/spans", Bodies.Content(Bodies.Gzip(Proto3Encoder.EncodeList(spans)), "application/x-protobuf", "gzip"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(spans, store.StoredSpans());
    }

    [Fact]
    public async Task JsonSentAsProtobufIsA400NotA500()
    {
        await using var host = await CollectorHost.StartAsync(new RecordingStore());
        var response = await host.Client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(TestSpans.Batch(1)), "application/x-protobuf"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Expected a PROTO3 encoded list\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CollectorHttpEnabledFalseAnswers404()
    {
        await using var host = await CollectorHost.StartAsync(new RecordingStore(), new Dictionary<string, string?> { ["COLLECTOR_HTTP_ENABLED"] = "false" });
        var response = await host.Client.PostAsync("api/v2/spans", Bodies.Json("[]"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class JsonV1IngestTests
{
    [Fact]
    public async Task JsonV1IsReadFromTheV1RouteAndStoredAsV2()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        var spans = TestSpans.Batch(3);
        var response = await host.Client.PostAsync("api/v1/spans", Bodies.Content(JsonV1Encoder.EncodeList(spans), "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(spans.Select(s => (s.TraceId, s.Id, s.Name, s.LocalServiceName)), store.StoredSpans().Select(s => (s.TraceId, s.Id, s.Name, s.LocalServiceName)));
    }

    [Fact]
    public async Task ThriftIsReadFromTheV1RouteAndStoredAsV2()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        var spans = TestSpans.Batch(3);
        var response = await host.Client.PostAsync("api/v1/spans", Bodies.Content(ThriftEncoder.EncodeList(spans), "application/x-thrift"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(spans.Select(s => (s.TraceId, s.Id, s.Name, s.LocalServiceName)), store.StoredSpans().Select(s => (s.TraceId, s.Id, s.Name, s.LocalServiceName)));
    }

    [Fact]
    public async Task TruncatedThriftIsA400()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        byte[] thrift = ThriftEncoder.EncodeList(TestSpans.Batch(2));
        var response = await host.Client.PostAsync("api/v1/spans", Bodies.Content(thrift[..(thrift.Length / 2)], "application/x-thrift"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, store.WriteCount);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("true")]
    public async Task APyZipkinStyleClientSpanWithAnSaAddressKeepsItsRemoteService(string saValue)
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        string body = "[{\"traceId\":\"5af7183fb1d4cf5f\",\"name\":\"get /users\",\"id\":\"352bff9a74ca9ad2\",\"parentId\":\"6b221d5bc9e6496c\","
            + "\"timestamp\":1541138369000000,\"duration\":1000,"
            + "\"annotations\":[{\"timestamp\":1541138369000000,\"value\":\"cs\",\"endpoint\":{\"serviceName\":\"py\",\"ipv4\":\"127.0.0.1\",\"port\":8080}},"
            + "{\"timestamp\":1541138369001000,\"value\":\"cr\",\"endpoint\":{\"serviceName\":\"py\",\"ipv4\":\"127.0.0.1\",\"port\":8080}}],"
            + "\"binaryAnnotations\":[{\"key\":\"sa\",\"value\":" + saValue + ",\"endpoint\":{\"serviceName\":\"users\",\"ipv4\":\"10.0.0.2\",\"port\":9000}}]}]";
        var response = await host.Client.PostAsync("api/v1/spans", Bodies.Content(System.Text.Encoding.UTF8.GetBytes(body), null));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var span = Assert.Single(store.StoredSpans());
        Assert.Equal(Model.SpanKind.Client, span.Kind);
        Assert.Equal("py", span.LocalServiceName);
        Assert.Equal("users", span.RemoteServiceName);
    }
}
