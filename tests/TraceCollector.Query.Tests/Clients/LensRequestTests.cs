using System.Net;
using System.Text.Json;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Clients;

/// <summary>
/// What the Zipkin Lens UI asks on start and as a user goes through it (zipkin-lens src/constants/api.ts,
/// slices/*.ts), all under /zipkin: config.json, the discover page lists, a search with the UI's own
/// parameters (URLSearchParams writes a space as '+'), a trace page and the dependency page.
/// </summary>
public sealed class LensRequestTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Fact]
    public async Task AppStart_ConfigAndDiscoverPageLists()
    {
        var config = await site.Client.GetApiAsync("zipkin/config.json");
        var services = await site.Client.GetApiAsync("zipkin/api/v2/services");
        var keys = await site.Client.GetApiAsync("zipkin/api/v2/autocompleteKeys");

        Assert.Equal(HttpStatusCode.OK, config.Status);
        using (var json = JsonDocument.Parse(config.Body)) Assert.Equal(10, json.RootElement.GetProperty("queryLimit").GetInt32());
        ZipkinApiShapes.AssertStringList(services.Body);
        ZipkinApiShapes.AssertStringList(keys.Body);
        foreach (string key in JsonSerializer.Deserialize<string[]>(keys.Body)!)
        {
            var values = await site.Client.GetApiAsync("zipkin/api/v2/autocompleteValues?key=" + Uri.EscapeDataString(key));
            Assert.Equal(HttpStatusCode.OK, values.Status);
            ZipkinApiShapes.AssertStringList(values.Body);
            Assert.NotEqual("[]", values.Body);
        }
    }

    [Fact]
    public async Task ServicePicked_SpanAndRemoteServiceNames()
    {
        var spans = await site.Client.GetApiAsync("zipkin/api/v2/spans?serviceName=backend");
        var remote = await site.Client.GetApiAsync("zipkin/api/v2/remoteServices?serviceName=backend");

        ZipkinApiShapes.AssertStringList(spans.Body);
        ZipkinApiShapes.AssertStringList(remote.Body);
        Assert.Contains("mysql", remote.Body);
    }

    [Fact]
    public async Task RunQuery_WithTheUisParameters_EveryTraceHasATimestamp()
    {
        long endTs = site.Traces.NowMillis;
        string query = $"serviceName=backend&remoteServiceName=mysql&spanName=post+%2Fapi%2Frefund&annotationQuery=http.method%3DPOST+and+retried"
            + $"&minDuration=10000&maxDuration=100000&endTs={endTs}&lookback=900000&limit=10";
        var response = await site.Client.GetApiAsync("zipkin/api/v2/traces?" + query);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertListOfTraces(response.Body);
        using var json = JsonDocument.Parse(response.Body);
        var trace = Assert.Single(json.RootElement.EnumerateArray().ToArray());
        Assert.Contains(trace.EnumerateArray(), s => s.TryGetProperty("timestamp", out _));
    }

    [Fact]
    public async Task RunQuery_DefaultDiscoverSearch()
    {
        var response = await site.Client.GetApiAsync($"zipkin/api/v2/traces?endTs={site.Traces.NowMillis}&lookback=900000&limit=10");

        ZipkinApiShapes.AssertListOfTraces(response.Body);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(4, json.RootElement.GetArrayLength());
        Assert.All(json.RootElement.EnumerateArray(), t => Assert.Contains(t.EnumerateArray(), s => s.TryGetProperty("timestamp", out _)));
    }

    [Fact]
    public async Task TracePage_AndDependencyPage()
    {
        var trace = await site.Client.GetApiAsync("zipkin/api/v2/trace/1000000000000001");
        var links = await site.Client.GetApiAsync($"zipkin/api/v2/dependencies?endTs={site.Traces.NowMillis}&lookback=86400000");

        Assert.Equal(HttpStatusCode.OK, trace.Status);
        ZipkinApiShapes.AssertTrace(trace.Body);
        Assert.Equal(HttpStatusCode.OK, links.Status);
        ZipkinApiShapes.AssertDependencyLinks(links.Body);
    }
}
