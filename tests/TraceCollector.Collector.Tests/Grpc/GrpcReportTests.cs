using Grpc.Core;
using Grpc.Net.Client;
using TraceCollector.Codecs;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;

namespace TraceCollector.Collector.Tests.Grpc;

/// <summary>zipkin.proto3.SpanService/Report over h2c on the collector's one port, through Grpc.Net.Client.</summary>
public sealed class GrpcReportTests
{
    [Fact]
    public async Task AReportIsStoredAndAnsweredWithAnEmptyResponse()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        using var channel = GrpcChannel.ForAddress(host.BaseAddress);

        var spans = TestSpans.Batch(7);
        byte[] response = await channel.CreateCallInvoker().AsyncUnaryCall(RawReport.Method, null, new CallOptions(), Proto3Encoder.EncodeList(spans));
        Assert.Empty(response);
        Assert.Equal(spans, store.StoredSpans());
        Assert.Equal(7, host.Metrics.For("grpc").Spans);
        Assert.Equal(1, host.Metrics.For("grpc").Messages);
    }

    [Fact]
    public async Task AnEmptyReportIsOk()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        using var channel = GrpcChannel.ForAddress(host.BaseAddress);
        Assert.Empty(await channel.CreateCallInvoker().AsyncUnaryCall(RawReport.Method, null, new CallOptions(), []));
        Assert.Equal(0, store.WriteCount);
    }

    [Fact]
    public async Task AnUndecodableReportIsInvalidArgumentWithTheReason()
    {
        await using var host = await CollectorHost.StartAsync(new RecordingStore());
        using var channel = GrpcChannel.ForAddress(host.BaseAddress);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(RawReport.Method, null, new CallOptions(), [0x0A, 0x05, 0x01]));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail));
        Assert.Equal(1, host.Metrics.For("grpc").MessagesDropped);
    }

    [Fact]
    public async Task AFullPipelineIsResourceExhausted()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store, new Dictionary<string, string?>
        {
            ["COLLECTOR_QUEUE_SPANS"] = "5",
            ["COLLECTOR_ADMISSION_WAIT_MS"] = "10",
            ["COLLECTOR_WRITERS"] = "1",
            ["COLLECTOR_ACK"] = "accepted",
            ["COLLECTOR_LINGER_MS"] = "0",
        });
        store.Block();
        try
        {
            using var channel = GrpcChannel.ForAddress(host.BaseAddress);
            var invoker = channel.CreateCallInvoker();
            await invoker.AsyncUnaryCall(RawReport.Method, null, new CallOptions(), Proto3Encoder.EncodeList(TestSpans.Batch(5)));
            Assert.True(await store.WaitForWriteStartAsync());
            await invoker.AsyncUnaryCall(RawReport.Method, null, new CallOptions(), Proto3Encoder.EncodeList(TestSpans.Batch(5)));
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await invoker.AsyncUnaryCall(RawReport.Method, null, new CallOptions(), Proto3Encoder.EncodeList(TestSpans.Batch(5))));
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Equal(5, host.Metrics.For("grpc").SpansDropped);
        }
        finally
        {
            store.Open();
        }
    }

    [Fact]
    public async Task CollectorGrpcEnabledFalseLeavesTheMethodUnimplemented()
    {
        await using var host = await CollectorHost.StartAsync(new RecordingStore(), new Dictionary<string, string?> { ["COLLECTOR_GRPC_ENABLED"] = "false" });
        using var channel = GrpcChannel.ForAddress(host.BaseAddress);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(RawReport.Method, null, new CallOptions(), Proto3Encoder.EncodeList(TestSpans.Batch(1))));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
