using System.Net;
using System.Text.Json;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Contract;

public sealed class TraceSearchTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("api/v2/traces")]
    [InlineData("zipkin/api/v2/traces")]
    public async Task NoParameters_FindsEveryTraceOfTheLastDay(string path)
    {
        var response = await site.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.ContentType);
        ZipkinApiShapes.AssertListOfTraces(response.Body);
        Assert.Equal(Ids(SampleTraces.WideTraceId, SampleTraces.WorkerTraceId, SampleTraces.BackendTraceId, SampleTraces.FrontendTraceId), TraceIds(response.Body).Order());
    }

    [Theory]
    [InlineData("serviceName=backend", "1000000000000001,1000000000000002")]
    [InlineData("serviceName=BACKEND", "1000000000000001,1000000000000002")]
    [InlineData("serviceName=frontend&spanName=get /checkout", "1000000000000001")]
    [InlineData("spanName=GET%20/health", "4e441824ec2b6a44ffdc9bb9a6453df3")]
    [InlineData("serviceName=worker&spanName=all", "1000000000000003")]
    [InlineData("serviceName=backend&remoteServiceName=mysql", "1000000000000002")]
    [InlineData("remoteServiceName=kafka", "1000000000000003")]
    [InlineData("annotationQuery=retried", "1000000000000002")]
    [InlineData("annotationQuery=error", "1000000000000001")]
    [InlineData("annotationQuery=http.method%3DPOST", "1000000000000001,1000000000000002")]
    [InlineData("annotationQuery=http.method%3DPOST%20and%20environment%3Dprod", "1000000000000002")]
    [InlineData("annotationQuery=environment%3Dstaging%20and%20retried", "")]
    [InlineData("minDuration=100000", "1000000000000001")]
    [InlineData("minDuration=2000&maxDuration=6000", "1000000000000003")]
    [InlineData("serviceName=nosuch", "")]
    public async Task Filters_SelectTheMatchingTraces(string query, string expectedIds)
    {
        var response = await site.Client.GetApiAsync("api/v2/traces?" + query);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertListOfTraces(response.Body);
        string[] expected = expectedIds.Length == 0 ? [] : expectedIds.Split(',');
        Assert.Equal(expected.Order(), TraceIds(response.Body).Order());
    }

    [Fact]
    public async Task EndTsAndLookback_BoundTheWindow()
    {
        long endTs = site.Traces.NowMillis - 25_000;
        var recent = await site.Client.GetApiAsync($"api/v2/traces?endTs={endTs}&lookback=10000");
        var old = await site.Client.GetApiAsync($"api/v2/traces?endTs={site.Traces.NowMillis}&lookback={4L * 86_400_000}&serviceName=frontend");

        Assert.Equal(["1000000000000002"], TraceIds(recent.Body));
        Assert.Contains(SampleTraces.OldTraceId.ToString(), TraceIds(old.Body));
    }

    [Fact]
    public async Task Limit_CapsTheNumberOfTraces()
    {
        var response = await site.Client.GetApiAsync("api/v2/traces?limit=2");

        Assert.Equal(2, TraceIds(response.Body).Length);
    }

    [Fact]
    public async Task EachTrace_HoldsAllItsSpansAsJsonV2()
    {
        var response = await site.Client.GetApiAsync("api/v2/traces?serviceName=frontend&spanName=get%20/checkout");

        using var json = JsonDocument.Parse(response.Body);
        var trace = Assert.Single(json.RootElement.EnumerateArray().ToArray());
        Assert.Equal(3, trace.GetArrayLength());
        var server = trace.EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "SERVER" && s.TryGetProperty("shared", out _));
        Assert.Equal("1000000000000001", server.GetProperty("traceId").GetString());
        Assert.Equal("00000000000000a1", server.GetProperty("parentId").GetString());
        Assert.Equal("payment declined", server.GetProperty("tags").GetProperty("error").GetString());
        Assert.Equal("2001:db8::2", server.GetProperty("localEndpoint").GetProperty("ipv6").GetString());
    }

    [Theory]
    [InlineData("endTs=0", "endTs")]
    [InlineData("endTs=-5", "endTs")]
    [InlineData("endTs=yesterday", "endTs")]
    [InlineData("lookback=0", "lookback")]
    [InlineData("lookback=-1", "lookback")]
    [InlineData("lookback=1d", "lookback")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=99999999999", "limit")]
    [InlineData("minDuration=0", "minDuration")]
    [InlineData("minDuration=1.5", "minDuration")]
    [InlineData("maxDuration=100", "maxDuration is only valid with minDuration")]
    [InlineData("minDuration=100&maxDuration=50", "maxDuration")]
    [InlineData("maxDuration=x&minDuration=1", "maxDuration")]
    [InlineData("endTs=99999999999999999999", "endTs")]
    public async Task BadParameters_Are400NamingTheParameter(string query, string expectedInMessage)
    {
        var response = await site.Client.GetApiAsync("api/v2/traces?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("text/plain", response.ContentType);
        Assert.Contains(expectedInMessage, response.Body);
    }

    [Fact]
    public async Task LookbackIsNotClampedToQueryLookback()
    {
        var response = await site.Client.GetApiAsync($"api/v2/traces?serviceName=frontend&spanName=get%20/old&lookback={30L * 86_400_000}");

        Assert.Equal([SampleTraces.OldTraceId.ToString()], TraceIds(response.Body));
    }

    internal static string[] TraceIds(string listOfTraces)
    {
        using var json = JsonDocument.Parse(listOfTraces);
        return json.RootElement.EnumerateArray().Select(t => t[0].GetProperty("traceId").GetString()!).ToArray();
    }

    private static string[] Ids(params TraceCollector.Model.TraceId[] ids) => ids.Select(i => i.ToString()).Order().ToArray();
}
