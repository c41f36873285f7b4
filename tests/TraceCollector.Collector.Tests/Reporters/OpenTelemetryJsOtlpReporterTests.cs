using System.Text.Json;
using TraceCollector.Collector.Tests.Reporters.Support;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;
using static TraceCollector.Collector.Tests.Reporters.Support.StoredTrace;

namespace TraceCollector.Collector.Tests.Reporters;

/// <summary>
/// The OpenTelemetry JS SDK (sdk-trace-base 2.12) and its OTLP/HTTP protobuf exporter (0.223), unchanged,
/// run by Node.js from Reporters/js/otel-js-otlp-reporter.cjs against /v1/traces; the spans are read
/// back as the Zipkin mapping stored them.
/// </summary>
public sealed class OpenTelemetryJsOtlpReporterTests
{
    [NonDotNetReporterFact]
    public async Task Spans_exported_by_the_js_sdk_are_stored_with_the_zipkin_mapping()
    {
        var storage = new InMemoryStorage(new StorageOptions());
        await using var host = await CollectorHost.StartAsync(storage);
        using var ids = JsonDocument.Parse(await NonDotNetReporters.RunNodeScriptAsync("otel-js-otlp-reporter.cjs", host.BaseAddress.ToString()));
        string serverId = ids.RootElement.GetProperty("serverId").GetString()!;

        var spans = await WaitForAsync(storage, ids.RootElement.GetProperty("traceId").GetString()!, expectedSpans: 2);
        Assert.Equal(2, spans.Count);
        Assert.All(spans, s => Assert.Equal("js-storefront", s.LocalServiceName)); // service.name, lower-cased as Zipkin does
        Assert.All(spans, s => Assert.True(s.TryGetTag("deployment.environment", out var env) && env == "test", "resource attributes become tags"));
        Assert.All(spans, s => Assert.True(s.TryGetTag("otel.scope.name", out var scope) && scope == "storefront-tests"));
        Assert.All(spans, s => Assert.True(s.TryGetTag("otel.scope.version", out var version) && version == "1.4.0"));

        var server = Assert.Single(spans, s => Hex(s.Id) == serverId);
        Assert.Equal(SpanKind.Server, server.Kind);
        Assert.Equal(0UL, server.ParentId);
        Assert.Equal("get /cart", server.Name);
        Assert.True(server.TryGetTag("http.request.method", out var method) && method == "GET");
        Assert.False(server.TryGetTag("error", out _), "an unset status is no error");

        var client = Assert.Single(spans, s => Hex(s.Id) == ids.RootElement.GetProperty("clientId").GetString());
        Assert.Equal(SpanKind.Client, client.Kind);
        Assert.Equal(server.Id, client.ParentId);
        Assert.Equal("get recommendations", client.Name);
        Assert.Equal("recommendations", client.RemoteServiceName); // peer.service
        Assert.Equal(8443, client.RemoteEndpoint!.Port); // server.port
        Assert.True(client.TryGetTag("retry.attempts", out var attempts) && attempts == "[1,2]", "an array attribute is a JSON array tag");
        Assert.True(client.TryGetTag("otel.status_code", out var code) && code == "ERROR");
        Assert.True(client.TryGetTag("error", out var error) && error == "recommendations timed out");
        Assert.Equal("retrying", Assert.Single(client.Annotations).Value);
        Assert.True(client.Timestamp >= server.Timestamp, "the child starts within its parent");

        // SimpleSpanProcessor exports each span as it ends: two OTLP requests.
        Assert.Equal(2, host.Metrics.For("otlp").Messages);
        Assert.Equal(2, host.Metrics.For("otlp").Spans);
        Assert.Equal(0, host.Metrics.For("otlp").MessagesDropped);
    }
}
