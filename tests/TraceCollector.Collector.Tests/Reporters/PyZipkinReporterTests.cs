using System.Text.Json;
using TraceCollector.Collector.Tests.Reporters.Support;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;
using static TraceCollector.Collector.Tests.Reporters.Support.StoredTrace;

namespace TraceCollector.Collector.Tests.Reporters;

/// <summary>
/// Debian's py_zipkin 0.15 (python3-py-zipkin), unchanged, reporting v1 spans to /api/v1/spans from a
/// child process (Reporters/python/py_zipkin_reporter.py); what the collector stored is read back.
/// </summary>
public sealed class PyZipkinReporterTests
{
    [NonDotNetReporterTheory]
    [InlineData("v1-json")]
    [InlineData("v1-thrift")]
    public async Task A_trace_py_zipkin_starts_is_stored_as_zipkin_converts_v1(string encoding)
    {
        var storage = new InMemoryStorage(new StorageOptions());
        await using var host = await CollectorHost.StartAsync(storage);
        using var report = JsonDocument.Parse(await RunReporterAsync(host, encoding));
        var ids = report.RootElement.GetProperty("newTrace");
        string rootId = ids.GetProperty("rootId").GetString()!, clientId = ids.GetProperty("clientId").GetString()!, localId = ids.GetProperty("localId").GetString()!;
        long childStart = ids.GetProperty("childStartMicros").GetInt64();

        // py_zipkin writes every local span as cs, sr, ss and cr from one endpoint; Zipkin's v1
        // conversion makes that loopback a CLIENT span and a shared SERVER span with the same id.
        var spans = await WaitForAsync(storage, ids.GetProperty("traceId").GetString()!, expectedSpans: 4);
        Assert.Equal(4, spans.Count);
        Assert.All(spans, s => Assert.Equal(Endpoint.Create("py-checkout", "127.0.0.1", null, 8080), s.LocalEndpoint));

        var root = Assert.Single(spans, s => Hex(s.Id) == rootId);
        Assert.Equal(0UL, root.ParentId);
        Assert.Equal(SpanKind.Server, root.Kind);
        Assert.Equal("post /checkout", root.Name);
        Assert.False(root.Shared); // the process started the trace, so py_zipkin reported the root's own timestamp
        Assert.True(root.Timestamp > 0 && root.Duration > 0);
        Assert.Equal(Tags(("http.uri", "/checkout")), root.Tags);

        var client = Assert.Single(spans, s => Hex(s.Id) == clientId);
        Assert.Equal(rootId, Hex(client.ParentId));
        Assert.Equal(SpanKind.Client, client.Kind);
        Assert.Equal("get /inventory", client.Name);
        Assert.Equal(childStart, client.Timestamp);
        Assert.Equal(250_000, client.Duration);
        // In v1 JSON py_zipkin writes the address as "sa": "1", where Zipkin expects true (Zipkin itself
        // would keep it as a tag on a stray "inventory" span); the collector reads "1" as the address,
        // as the thrift BOOL py_zipkin sends in v1 thrift.
        Assert.Equal(Endpoint.Create("inventory", "127.0.0.2", null, 9000), client.RemoteEndpoint);
        Assert.Equal(Tags(("http.status_code", "200")), client.Tags);
        Assert.Equal(new[] { new Annotation(childStart + 125_000, "retrying") }, client.Annotations);

        var localHalves = spans.Where(s => Hex(s.Id) == localId).OrderBy(s => s.Kind).ToList();
        Assert.Equal(new[] { SpanKind.Client, SpanKind.Server }, localHalves.Select(s => s.Kind));
        Assert.All(localHalves, s =>
        {
            Assert.Equal(rootId, Hex(s.ParentId));
            Assert.Equal("render receipt", s.Name);
            Assert.Equal(childStart, s.Timestamp);
            Assert.Equal(500_000, s.Duration);
            Assert.Empty(s.Annotations);
        });
        Assert.False(localHalves[0].Shared);
        Assert.True(localHalves[1].Shared);

        // Each root span is one report: one for the new trace, one for the joined one.
        Assert.Equal(2, report.RootElement.GetProperty("reports").GetInt32());
        Assert.Equal(2, host.Metrics.For("http").Messages);
        Assert.Equal(0, host.Metrics.For("http").MessagesDropped);
    }

    [NonDotNetReporterTheory]
    [InlineData("v1-json")]
    [InlineData("v1-thrift")]
    public async Task A_request_py_zipkin_joins_is_stored_as_a_shared_server_span(string encoding)
    {
        var storage = new InMemoryStorage(new StorageOptions());
        await using var host = await CollectorHost.StartAsync(storage);
        using var report = JsonDocument.Parse(await RunReporterAsync(host, encoding));
        var ids = report.RootElement.GetProperty("joinedTrace");

        var spans = await WaitForAsync(storage, ids.GetProperty("traceId").GetString()!, expectedSpans: 1);
        var server = Assert.Single(spans);
        Assert.Equal(ids.GetProperty("spanId").GetString(), Hex(server.Id));
        Assert.Equal(ids.GetProperty("parentId").GetString(), Hex(server.ParentId));
        Assert.Equal(SpanKind.Server, server.Kind);
        Assert.Equal("get /price", server.Name);
        Assert.Equal(Endpoint.Create("py-pricing", "127.0.0.1", null, 8081), server.LocalEndpoint);
        // py_zipkin leaves out the timestamp of a span it joined; in v1 that marks the server side of a shared span.
        Assert.True(server.Shared);
        Assert.True(server.Timestamp > 0, "the timestamp comes from the sr annotation");
        Assert.Empty(server.Annotations);
    }

    private static Task<string> RunReporterAsync(CollectorHost host, string encoding) =>
        NonDotNetReporters.RunPyZipkinScriptAsync("py_zipkin_reporter.py", host.BaseAddress.ToString(), encoding);
}
