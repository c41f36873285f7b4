using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;

// The Zipkin exporter is obsolete in favour of OTLP, yet deployed reporters still send Zipkin JSON this way.
#pragma warning disable CS0618

namespace TraceCollector.Collector.Tests.Reporters;

/// <summary>The OpenTelemetry .NET SDK's Zipkin exporter, unchanged, sending to the running collector (chunked JSON v2, 512-span batches).</summary>
public sealed class OpenTelemetryZipkinExporterTests
{
    [Fact]
    public async Task SpansExportedByTheSdkAreReadBackThroughStorage()
    {
        var storage = new InMemoryStorage(new StorageOptions());
        await using var host = await CollectorHost.StartAsync(storage);
        string sourceName = "collector-tests-" + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource(sourceName);

        var traces = new Dictionary<string, int>();
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .ConfigureResource(resource => resource.AddService("checkout"))
            .AddZipkinExporter(zipkin => zipkin.Endpoint = new Uri(host.BaseAddress, "api/v2/spans"))
            .Build())
        {
            // 60 traces of 11 spans: more than one 512-span export batch.
            for (int t = 0; t < 60; t++)
            {
                using var root = source.StartActivity("place order", ActivityKind.Server)!;
                root.SetTag("http.method", "POST");
                for (int c = 0; c < 10; c++)
                {
                    using var child = source.StartActivity("charge card", ActivityKind.Client)!;
                    child.SetTag("peer.service", "payments");
                }
                traces[root.TraceId.ToHexString()] = 11;
            }
            Assert.True(provider.ForceFlush(30_000));
        }

        foreach (var (traceId, expected) in traces)
        {
            var spans = await storage.GetTraceAsync(TraceId.Parse(traceId));
            Assert.Equal(expected, spans.Count);
            Assert.All(spans, s => Assert.Equal("checkout", s.LocalServiceName));
            var root = Assert.Single(spans, s => s.ParentId == 0);
            Assert.Equal("place order", root.Name);
            Assert.Equal(Model.SpanKind.Server, root.Kind);
            Assert.True(root.TryGetTag("http.method", out var method) && method == "POST");
            Assert.All(spans.Where(s => s.ParentId != 0), s => Assert.Equal(root.Id, s.ParentId));
        }
        var http = host.Metrics.For("http");
        Assert.Equal(660, http.Spans);
        Assert.True(http.Messages >= 2, $"expected the SDK to send more than one batch, saw {http.Messages}");
        Assert.Equal(0, http.MessagesDropped);
    }
}
