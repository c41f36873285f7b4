using System.Net;
using System.Text.Json;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Analysis;

public class AnalysisEndpointTests(AnalysisSite site) : IClassFixture<AnalysisSite>
{
    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await site.Client.GetApiAsync(path);
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.StartsWith("application/json", response.ContentType);
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }

    private async Task<string> GetErrorAsync(string path, HttpStatusCode expected)
    {
        var response = await site.Client.GetApiAsync(path);
        Assert.True(response.Status == expected, response.ToString());
        return response.Body;
    }

    [Theory]
    [InlineData("/api/v2")]
    [InlineData("/zipkin/api/v2")]
    public async Task TraceCriticalPath_SegmentsOfTheSkewCorrectedTrace(string prefix)
    {
        var json = await GetJsonAsync($"{prefix}/trace/{AnalysisSite.Checkout}/criticalPath");
        long b = site.Base;
        Assert.Equal(AnalysisSite.Checkout.ToString(), json.GetProperty("traceId").GetString());
        Assert.Equal(1000, json.GetProperty("duration").GetInt64());
        var expected = new (string, string, string, long, long)[]
        {
            ("0000000000000001", "front", "get /checkout", 0, 100),
            ("0000000000000002", "front", "post /pay", 100, 200),
            ("0000000000000002", "back", "post /pay", 200, 300),
            ("0000000000000003", "back", "charge", 300, 600),
            ("0000000000000002", "back", "post /pay", 600, 800),
            ("0000000000000002", "front", "post /pay", 800, 900),
            ("0000000000000001", "front", "get /checkout", 900, 1000),
        };
        var actual = json.GetProperty("segments").EnumerateArray().Select(s => (
            s.GetProperty("spanId").GetString()!, s.GetProperty("serviceName").GetString()!, s.GetProperty("name").GetString()!,
            s.GetProperty("start").GetInt64() - b, s.GetProperty("end").GetInt64() - b)).ToArray();
        Assert.Equal(expected, actual);
        var self = json.GetProperty("selfTimes").EnumerateArray().ToArray();
        Assert.Equal(4, self.Length);
        Assert.Equal(1000, self.Sum(s => s.GetProperty("selfTime").GetInt64()));
    }

    [Fact]
    public async Task TraceCriticalPath_RealSkewJson()
    {
        var json = await GetJsonAsync($"/api/v2/trace/{AnalysisSite.SkewJson}/criticalPath");
        Assert.Equal(99411, json.GetProperty("duration").GetInt64());
        Assert.Equal(7, json.GetProperty("segments").GetArrayLength());
    }

    [Fact]
    public async Task TraceNetworkLatency_AfterSkewCorrection()
    {
        var json = await GetJsonAsync($"/api/v2/trace/{AnalysisSite.Checkout}/networkLatency");
        var pair = Assert.Single(json.GetProperty("pairs").EnumerateArray().ToArray());
        Assert.Equal("rpc", pair.GetProperty("kind").GetString());
        Assert.Equal("front", pair.GetProperty("clientServiceName").GetString());
        Assert.Equal("back", pair.GetProperty("serverServiceName").GetString());
        Assert.Equal(100, pair.GetProperty("requestLeg").GetInt64());
        Assert.Equal(100, pair.GetProperty("responseLeg").GetInt64());
        Assert.Equal(200, pair.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("criticalPath")]
    [InlineData("networkLatency")]
    public async Task UnknownTrace_Is404WithZipkinsMessage(string analysis)
    {
        Assert.Equal("00000000000000ff not found", await GetErrorAsync($"/api/v2/trace/ff/{analysis}", HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("/api/v2/trace/xyz/criticalPath", "traceId")]
    [InlineData("/api/v2/trace/0000000000000000/networkLatency", "traceId")]
    [InlineData("/api/v2/analysis/criticalPath?lookback=0", "lookback")]
    [InlineData("/api/v2/analysis/criticalPath?endTs=yesterday", "endTs")]
    [InlineData("/api/v2/analysis/criticalPath?endTs=-5", "endTs")]
    [InlineData("/api/v2/analysis/criticalPath?limit=0", "limit")]
    [InlineData("/api/v2/analysis/networkLatency?lookback=ten", "lookback")]
    [InlineData("/api/v2/analysis/networkLatency?limit=-1", "limit")]
    public async Task BadInput_Is400NamingTheParameter(string path, string parameter)
    {
        Assert.Contains(parameter, await GetErrorAsync(path, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task AggregateCriticalPath_SortedByShare()
    {
        // Checkout: front get 200, front post 200, back post 300, charge 300. Refund: front get 100, front post 100, back post 300.
        var json = await GetJsonAsync($"/api/v2/analysis/criticalPath?endTs={site.EndTsMillis}&lookback=600000");
        Assert.Equal(2, json.GetProperty("traceCount").GetInt32());
        Assert.Equal(1500, json.GetProperty("totalTime").GetInt64());
        var operations = json.GetProperty("operations").EnumerateArray()
            .Select(o => (o.GetProperty("serviceName").GetString()!, o.GetProperty("spanName").GetString()!, o.GetProperty("totalTime").GetInt64()))
            .ToArray();
        Assert.Equal(new[] { ("back", "post /pay", 600L), ("back", "charge", 300L), ("front", "get /checkout", 300L), ("front", "post /pay", 300L) }, operations);
        var first = json.GetProperty("operations")[0];
        Assert.Equal(0.4, first.GetProperty("share").GetDouble(), 6);
        Assert.Equal(300, first.GetProperty("p50").GetInt64());
        Assert.Equal(300, first.GetProperty("p99").GetInt64());
    }

    [Fact]
    public async Task AggregateCriticalPath_FilteredByServiceAndSpanName()
    {
        var json = await GetJsonAsync($"/zipkin/api/v2/analysis/criticalPath?serviceName=back&spanName=charge&endTs={site.EndTsMillis}&lookback=600000");
        Assert.Equal(1, json.GetProperty("traceCount").GetInt32());
        Assert.Equal(1000, json.GetProperty("totalTime").GetInt64());
    }

    [Fact]
    public async Task AggregateNetworkLatency_PerEdge()
    {
        var json = await GetJsonAsync($"/api/v2/analysis/networkLatency?endTs={site.EndTsMillis}&lookback=600000");
        var edge = Assert.Single(json.GetProperty("edges").EnumerateArray().ToArray());
        Assert.Equal(("front", "back", "rpc"), (edge.GetProperty("clientServiceName").GetString(), edge.GetProperty("serverServiceName").GetString(), edge.GetProperty("kind").GetString()));
        Assert.Equal(2, edge.GetProperty("callCount").GetInt32());
        Assert.Equal((100L, 200L, 200L), (edge.GetProperty("p50").GetInt64(), edge.GetProperty("p90").GetInt64(), edge.GetProperty("p99").GetInt64()));
    }

    [Fact]
    public async Task AggregateOverTheDefaultWindow_LeavesOutTheOldSkewJson()
    {
        var json = await GetJsonAsync("/api/v2/analysis/networkLatency");
        Assert.Equal(2, json.GetProperty("traceCount").GetInt32());
    }

    [Fact]
    public async Task Dependencies_CarryNetworkLatencyBesideZipkinsFields()
    {
        var json = await GetJsonAsync($"/api/v2/dependencies?endTs={site.EndTsMillis}&lookback=600000");
        var link = Assert.Single(json.EnumerateArray().ToArray());
        Assert.Equal("front", link.GetProperty("parent").GetString());
        Assert.Equal("back", link.GetProperty("child").GetString());
        Assert.Equal(2, link.GetProperty("callCount").GetInt64());
        Assert.False(link.TryGetProperty("errorCount", out _));
        var latency = link.GetProperty("networkLatency");
        Assert.Equal(2, latency.GetProperty("callCount").GetInt32());
        Assert.Equal(100, latency.GetProperty("p50").GetInt64());
    }
}
