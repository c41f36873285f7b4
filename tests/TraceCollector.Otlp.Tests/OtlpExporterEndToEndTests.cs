using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TraceCollector.Model;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;
using SpanKind = TraceCollector.Model.SpanKind;

namespace TraceCollector.Otlp.Tests;

/// <summary>The OpenTelemetry .NET SDK's own OTLP exporter, over HTTP/protobuf and over gRPC, into our collector; spans read back from storage.</summary>
public sealed class OtlpExporterEndToEndTests
{
    [Theory]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    [InlineData(OtlpExportProtocol.Grpc)]
    public async Task Spans_exported_by_the_sdk_are_stored_with_the_zipkin_mapping(OtlpExportProtocol protocol)
    {
        var store = new InMemoryStorage(new StorageOptions());
        await using var host = await OtlpHost.StartAsync(store);
        string sourceName = $"TraceCollector.Otlp.Tests.{protocol}";
        using var source = new ActivitySource(sourceName, "2.1.0");
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("Checkout-Service").AddAttributes([new("deployment.environment", "test")]))
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.Grpc ? host.GrpcAddress : new Uri(host.BaseAddress, "v1/traces");
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build()!;

        ActivityTraceId traceId;
        using (var server = source.StartActivity("POST /checkout", ActivityKind.Server)!)
        {
            traceId = server.TraceId;
            server.SetTag("http.request.method", "POST");
            using var client = source.StartActivity("GET inventory", ActivityKind.Client)!;
            client.SetTag("peer.service", "inventory");
            client.SetTag("server.port", 8080);
            client.SetTag("retry.attempts", new[] { 1, 2 });
            client.AddEvent(new ActivityEvent("retrying"));
            client.SetStatus(ActivityStatusCode.Error, "inventory timed out");
        }
        Assert.True(provider.ForceFlush(30_000), "the exporter did not flush");

        // Durable acknowledgement: once the exporter got its answer, the spans are stored.
        var spans = await store.GetTraceAsync(TraceId.Parse(traceId.ToHexString()));
        Assert.Equal(2, spans.Count);
        var serverSpan = Assert.Single(spans, s => s.Kind == SpanKind.Server);
        var clientSpan = Assert.Single(spans, s => s.Kind == SpanKind.Client);
        Assert.Equal("checkout-service", serverSpan.LocalServiceName);
        Assert.Equal("post /checkout", serverSpan.Name);
        Assert.Equal(serverSpan.Id, clientSpan.ParentId);
        Assert.Equal("inventory", clientSpan.RemoteServiceName);
        Assert.Equal(8080, clientSpan.RemoteEndpoint!.Port);
        Assert.True(clientSpan.TryGetTag("error", out var error) && error == "inventory timed out");
        Assert.True(clientSpan.TryGetTag("otel.status_code", out var code) && code == "ERROR");
        Assert.True(clientSpan.TryGetTag("retry.attempts", out var attempts) && attempts == "[1,2]");
        Assert.True(clientSpan.TryGetTag("otel.scope.name", out var scope) && scope == sourceName);
        Assert.True(clientSpan.TryGetTag("otel.scope.version", out var version) && version == "2.1.0");
        Assert.True(clientSpan.TryGetTag("deployment.environment", out var env) && env == "test");
        Assert.Equal("retrying", Assert.Single(clientSpan.Annotations).Value);
        Assert.True(serverSpan.Duration > 0 && clientSpan.Duration > 0);
        Assert.Equal(2, host.Metrics.Spans);
    }
}
