using System.Text.Json;
using TraceCollector.Collector.Tests.Reporters.Support;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;
using static TraceCollector.Collector.Tests.Reporters.Support.StoredTrace;

namespace TraceCollector.Collector.Tests.Reporters;

/// <summary>
/// zipkin-js 0.22 (Tracer, BatchRecorder, zipkin-transport-http's HttpLogger), unchanged, run by Node.js
/// from Reporters/js/zipkin-js-reporter.cjs; what the collector stored is read back.
/// </summary>
public sealed class ZipkinJsReporterTests
{
    [NonDotNetReporterTheory]
    [InlineData("json-v2")] // to /api/v2/spans
    [InlineData("json-v1")] // to /api/v1/spans
    public async Task Local_spans_reported_by_zipkin_js_are_stored_with_their_tags_and_annotation(string encoding)
    {
        var storage = new InMemoryStorage(new StorageOptions());
        await using var host = await CollectorHost.StartAsync(storage);
        using var ids = JsonDocument.Parse(await NonDotNetReporters.RunNodeScriptAsync("zipkin-js-reporter.cjs", host.BaseAddress.ToString(), encoding));
        string traceId = ids.RootElement.GetProperty("traceId").GetString()!, rootId = ids.RootElement.GetProperty("rootId").GetString()!;
        Assert.Equal(32, traceId.Length); // traceId128Bit

        var spans = await WaitForAsync(storage, traceId, expectedSpans: 2);
        Assert.Equal(2, spans.Count);
        // In v1 a local span carries its endpoint only on its annotations; the conversion takes it from there.
        Assert.All(spans, s => Assert.Equal(Endpoint.Create("js-frontend", null, null, 0), s.LocalEndpoint));
        Assert.All(spans, s => Assert.Equal(SpanKind.Unspecified, s.Kind));
        Assert.All(spans, s => Assert.True(s.Timestamp > 0, $"{s.Name} has no timestamp"));
        Assert.All(spans, s => Assert.False(s.Shared));

        var root = Assert.Single(spans, s => Hex(s.Id) == rootId);
        Assert.Equal(0UL, root.ParentId);
        Assert.Equal("render cart", root.Name);
        Assert.Equal(Tags(("cart.items", "3")), root.Tags);
        Assert.Empty(root.Annotations);

        var child = Assert.Single(spans, s => Hex(s.Id) == ids.RootElement.GetProperty("childId").GetString());
        Assert.Equal(rootId, ids.RootElement.GetProperty("childParentId").GetString());
        Assert.Equal(rootId, Hex(child.ParentId));
        Assert.Equal("price items", child.Name);
        Assert.Equal(Tags(("currency", "EUR")), child.Tags);
        var annotation = Assert.Single(child.Annotations);
        Assert.Equal("price cache miss", annotation.Value);
        Assert.InRange(annotation.Timestamp, child.Timestamp, child.Timestamp + child.Duration);
        Assert.True(child.Timestamp >= root.Timestamp && child.Timestamp + child.Duration <= root.Timestamp + root.Duration, "the child lies within its parent");

        var http = host.Metrics.For("http");
        Assert.Equal(1, http.Messages);
        Assert.Equal(2, http.Spans);
        Assert.Equal(0, http.MessagesDropped);
    }
}
