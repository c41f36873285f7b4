using System.Net;
using System.Text.Json;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Contract;

public sealed class DependencyTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("api/v2/dependencies")]
    [InlineData("zipkin/api/v2/dependencies")]
    public async Task LastDay_LinksCallersToCallees(string path)
    {
        var response = await site.Client.GetApiAsync($"{path}?endTs={site.Traces.NowMillis}&lookback=86400000");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertDependencyLinks(response.Body);
        var links = Links(response.Body);
        Assert.Contains("frontend->backend calls=2 errors=1", links);
        Assert.Contains("backend->mysql calls=1 errors=0", links);
        Assert.Contains("worker->kafka calls=1 errors=0", links);
    }

    [Fact]
    public async Task ErrorCount_IsOmittedWhenZero()
    {
        var response = await site.Client.GetApiAsync($"api/v2/dependencies?endTs={site.Traces.NowMillis}");

        using var json = JsonDocument.Parse(response.Body);
        var mysql = json.RootElement.EnumerateArray().Single(l => l.GetProperty("child").GetString() == "mysql");
        Assert.False(mysql.TryGetProperty("errorCount", out _));
        var backend = json.RootElement.EnumerateArray().Single(l => l.GetProperty("child").GetString() == "backend");
        Assert.Equal(1, backend.GetProperty("errorCount").GetInt64());
    }

    [Fact]
    public async Task WindowBeforeAnyTrace_HasNoLinks()
    {
        var response = await site.Client.GetApiAsync($"api/v2/dependencies?endTs={site.Traces.NowMillis - 2 * 86_400_000L}&lookback=3600000");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("[]", response.Body);
    }

    [Theory]
    [InlineData("", "endTs")]
    [InlineData("endTs=", "endTs")]
    [InlineData("endTs=0", "endTs")]
    [InlineData("endTs=now", "endTs")]
    [InlineData("endTs=1700000000000&lookback=0", "lookback")]
    [InlineData("endTs=1700000000000&lookback=-3", "lookback")]
    [InlineData("endTs=1700000000000&lookback=1h", "lookback")]
    public async Task BadParameters_Are400NamingTheParameter(string query, string expected)
    {
        var response = await site.Client.GetApiAsync("api/v2/dependencies?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(expected, response.Body);
    }

    private static string[] Links(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(l =>
            $"{l.GetProperty("parent").GetString()}->{l.GetProperty("child").GetString()} calls={l.GetProperty("callCount").GetInt64()} errors={(l.TryGetProperty("errorCount", out var e) ? e.GetInt64() : 0)}").ToArray();
    }
}
