using System.Net;
using System.Text.Json;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.ZipkinUi;

public sealed class ConfigJsonTests
{
    private readonly SampleTraces _traces = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Defaults_AreZipkinsWithEveryKeyTheUiReads()
    {
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?>());
        var response = await server.Client.GetApiAsync("zipkin/config.json");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("max-age=600", response.Header("Cache-Control"));
        using var json = JsonDocument.Parse(response.Body);
        var c = json.RootElement;
        Assert.Equal("", c.GetProperty("environment").GetString());
        Assert.Equal(10, c.GetProperty("queryLimit").GetInt32());
        Assert.Equal(900000, c.GetProperty("defaultLookback").GetInt64());
        Assert.True(c.GetProperty("searchEnabled").GetBoolean());
        foreach (string url in new[] { "logsUrl", "supportUrl", "archivePostUrl", "archiveUrl" })
        {
            Assert.Equal(JsonValueKind.Null, c.GetProperty(url).ValueKind);
        }
        var dependency = c.GetProperty("dependency");
        Assert.True(dependency.GetProperty("enabled").GetBoolean());
        Assert.Equal(0.5, dependency.GetProperty("lowErrorRate").GetDouble());
        Assert.Equal(0.75, dependency.GetProperty("highErrorRate").GetDouble());
    }

    [Fact]
    public async Task ZipkinUiVariables_AreApplied()
    {
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?>
        {
            ["ZIPKIN_UI_ENVIRONMENT"] = "staging",
            ["ZIPKIN_UI_QUERY_LIMIT"] = "25",
            ["ZIPKIN_UI_DEFAULT_LOOKBACK"] = "3600000",
            ["ZIPKIN_UI_LOGS_URL"] = "https://logs.example/{traceId}",
            ["ZIPKIN_UI_SUPPORT_URL"] = "https://help.example",
            ["ZIPKIN_UI_ARCHIVE_POST_URL"] = "https://archive.example/api/v2/spans",
            ["ZIPKIN_UI_ARCHIVE_URL"] = "https://archive.example/zipkin/traces/{traceId}",
            ["ZIPKIN_UI_DEPENDENCY_ENABLED"] = "false",
            ["ZIPKIN_UI_DEPENDENCY_LOW_ERROR_RATE"] = "0.1",
            ["ZIPKIN_UI_DEPENDENCY_HIGH_ERROR_RATE"] = "0.2",
        });
        using var json = JsonDocument.Parse((await server.Client.GetApiAsync("zipkin/config.json")).Body);
        var c = json.RootElement;

        Assert.Equal("staging", c.GetProperty("environment").GetString());
        Assert.Equal(25, c.GetProperty("queryLimit").GetInt32());
        Assert.Equal(3600000, c.GetProperty("defaultLookback").GetInt64());
        Assert.Equal("https://logs.example/{traceId}", c.GetProperty("logsUrl").GetString());
        Assert.Equal("https://help.example", c.GetProperty("supportUrl").GetString());
        Assert.Equal("https://archive.example/api/v2/spans", c.GetProperty("archivePostUrl").GetString());
        Assert.Equal("https://archive.example/zipkin/traces/{traceId}", c.GetProperty("archiveUrl").GetString());
        Assert.False(c.GetProperty("dependency").GetProperty("enabled").GetBoolean());
        Assert.Equal(0.1, c.GetProperty("dependency").GetProperty("lowErrorRate").GetDouble());
        Assert.Equal(0.2, c.GetProperty("dependency").GetProperty("highErrorRate").GetDouble());
    }

    [Fact]
    public async Task SearchDisabled_IsToldToTheUi()
    {
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?> { ["SEARCH_ENABLED"] = "false" });
        using var json = JsonDocument.Parse((await server.Client.GetApiAsync("zipkin/config.json")).Body);

        Assert.False(json.RootElement.GetProperty("searchEnabled").GetBoolean());
    }
}
