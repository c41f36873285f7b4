using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using TraceCollector.Model;
using TraceCollector.Otlp.Proto.Collector;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;
using static TraceCollector.Otlp.Tests.OtlpRequests;

namespace TraceCollector.Otlp.Tests;

/// <summary>OTLP/HTTP and OTLP/gRPC answers as the OTLP specification sets them.</summary>
public sealed class OtlpHttpTests
{
    private static ByteArrayContent Protobuf(byte[] body, string type = "application/x-protobuf")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return content;
    }

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(body);
        return output.ToArray();
    }

    // google.rpc.Status: 1 code (int32), 2 message (string).
    private static (int Code, string Message) ParseRpcStatus(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        int code = 0;
        string message = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == 8) code = input.ReadInt32();
            else if (tag == 18) message = input.ReadString();
            else input.SkipLastField();
        }
        return (code, message);
    }

    [Fact]
    public async Task Protobuf_export_is_stored_and_answered_with_an_empty_export_response()
    {
        var store = new InMemoryStorage(new StorageOptions());
        await using var host = await OtlpHost.StartAsync(store);
        using var response = await host.Client.PostAsync("v1/traces", Protobuf(Request("svc", Span()).ToByteArray()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType!.MediaType);
        var reply = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(reply.PartialSuccess);
        Assert.Single(await store.GetTraceAsync(TraceId.Parse(Convert.ToHexString(TraceIdBytes))));
    }

    [Fact]
    public async Task Gzipped_json_export_is_stored_and_answered_in_json()
    {
        var store = new InMemoryStorage(new StorageOptions());
        await using var host = await OtlpHost.StartAsync(store);
        string json = $$$"""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},"scopeSpans":[{"spans":[{"traceId":"{{{Convert.ToHexString(TraceIdBytes)}}}","spanId":"{{{Convert.ToHexString(SpanIdBytes)}}}","name":"x","kind":2,"startTimeUnixNano":"{{{StartNanos}}}","endTimeUnixNano":"{{{StartNanos + 1000}}}"}]}]}]}""";
        var content = Protobuf(Gzip(Encoding.UTF8.GetBytes(json)), "application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await host.Client.PostAsync("v1/traces", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        var span = Assert.Single(await store.GetTraceAsync(TraceId.Parse(Convert.ToHexString(TraceIdBytes))));
        Assert.Equal("web", span.LocalServiceName);
    }

    [Fact]
    public async Task Rejected_spans_are_reported_as_partial_success_and_counted()
    {
        var store = new InMemoryStorage(new StorageOptions());
        await using var host = await OtlpHost.StartAsync(store);
        var bad = Span();
        bad.SpanId = ByteString.CopyFrom(new byte[8]);
        using var response = await host.Client.PostAsync("v1/traces", Protobuf(Request("svc", Span(), bad).ToByteArray()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, reply.PartialSuccess.RejectedSpans);
        Assert.Equal("span_id is all zeros", reply.PartialSuccess.ErrorMessage);
        Assert.Equal(1, host.Metrics.SpansDropped);
        Assert.Single(await store.GetTraceAsync(TraceId.Parse(Convert.ToHexString(TraceIdBytes))));

        using var jsonResponse = await host.Client.PostAsync("v1/traces", Protobuf(Encoding.UTF8.GetBytes(
            $$$"""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000000","spanId":"{{{Convert.ToHexString(SpanIdBytes)}}}"}]}]}]}"""), "application/json"));
        Assert.Equal("""{"partialSuccess":{"rejectedSpans":"1","errorMessage":"trace_id is all zeros"}}""", await jsonResponse.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Undecodable_data_is_400_with_a_status_naming_the_problem()
    {
        await using var host = await OtlpHost.StartAsync(new InMemoryStorage(new StorageOptions()));
        using var proto = await host.Client.PostAsync("v1/traces", Protobuf([0x0A, 0x7F, 0x01]));
        Assert.Equal(HttpStatusCode.BadRequest, proto.StatusCode);
        var (code, message) = ParseRpcStatus(await proto.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, code);
        Assert.Contains("runs past the end", message);

        using var json = await host.Client.PostAsync("v1/traces", Protobuf("{\"resourceSpans\":"u8.ToArray(), "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Contains("Malformed OTLP JSON", await json.Content.ReadAsStringAsync());

        var badGzip = Protobuf([1, 2, 3, 4]);
        badGzip.Headers.ContentEncoding.Add("gzip");
        using var gzip = await host.Client.PostAsync("v1/traces", badGzip);
        Assert.Equal(HttpStatusCode.BadRequest, gzip.StatusCode);
        Assert.Equal(3, host.Metrics.MessagesDropped);
    }

    [Fact]
    public async Task Another_content_type_is_415_and_an_oversized_body_is_413()
    {
        await using var host = await OtlpHost.StartAsync(new InMemoryStorage(new StorageOptions()), new Dictionary<string, string?> { ["COLLECTOR_MAX_BODY"] = "1024" });
        using var text = await host.Client.PostAsync("v1/traces", Protobuf([1], "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        using var big = await host.Client.PostAsync("v1/traces", Protobuf(new byte[4096]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var bomb = Protobuf(Gzip(new byte[1 << 20]));
        bomb.Headers.ContentEncoding.Add("gzip");
        using var bombResponse = await host.Client.PostAsync("v1/traces", bomb);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bombResponse.StatusCode);
    }

    [Fact]
    public async Task A_full_pipeline_answers_429_with_retry_after_and_every_accepted_span_lands()
    {
        var store = new BlockingStore();
        await using var host = await OtlpHost.StartAsync(store, new Dictionary<string, string?>
        {
            ["COLLECTOR_ACK"] = "accepted", ["COLLECTOR_QUEUE_SPANS"] = "4", ["COLLECTOR_ADMISSION_WAIT_MS"] = "0", ["COLLECTOR_WRITERS"] = "1",
        });
        int accepted = 0;
        HttpResponseMessage? refused = null;
        try
        {
            for (int i = 0; i < 50 && refused is null; i++)
            {
                var response = await host.Client.PostAsync("v1/traces", Protobuf(Request("svc", Span(), Span()).ToByteArray()));
                if (response.StatusCode == HttpStatusCode.OK) accepted += 2;
                else refused = response;
            }
            Assert.NotNull(refused);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused!.StatusCode);
            Assert.True(refused.Headers.RetryAfter is not null, "429 without Retry-After");

            // gRPC says the same with a code every exporter retries.
            using var channel = GrpcChannel.ForAddress(host.GrpcAddress);
            var client = new TraceService.TraceServiceClient(channel);
            // The writer may still be gathering its group when the 429 came, freeing room once; keep sending until refused.
            RpcException? e = null;
            for (int i = 0; i < 50 && e is null; i++)
            {
                try
                {
                    await client.ExportAsync(Request("svc", Span()));
                    accepted += 1;
                }
                catch (RpcException refusal)
                {
                    e = refusal;
                }
            }
            Assert.NotNull(e);
            Assert.Equal(StatusCode.Unavailable, e!.StatusCode);
        }
        finally
        {
            // Opened on failure too, so the host can drain and stop.
            store.Open();
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (store.Stored < accepted && DateTime.UtcNow < deadline) await Task.Delay(20); // polls the condition; the pause spaces the checks
        Assert.Equal(accepted, store.Stored);
    }

    [Fact]
    public async Task Grpc_export_stores_and_an_undecodable_message_is_invalid_argument()
    {
        var store = new InMemoryStorage(new StorageOptions());
        await using var host = await OtlpHost.StartAsync(store);
        using var channel = GrpcChannel.ForAddress(host.GrpcAddress);
        var client = new TraceService.TraceServiceClient(channel);
        var bad = Span();
        bad.TraceId = ByteString.CopyFrom(1, 2, 3);
        var reply = await client.ExportAsync(Request("grpc-svc", Span(), bad));
        Assert.Equal(1, reply.PartialSuccess.RejectedSpans);
        Assert.Equal("grpc-svc", Assert.Single(await store.GetTraceAsync(TraceId.Parse(Convert.ToHexString(TraceIdBytes)))).LocalServiceName);

        var raw = channel.CreateCallInvoker();
        var method = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await raw.AsyncUnaryCall(method, null, new CallOptions(), new byte[] { 0x0A, 0x7F }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("Malformed OTLP protobuf", e.Status.Detail);
    }
}
