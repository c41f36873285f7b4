using System.Net;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Contract;

public sealed class AutocompleteTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("api/v2/autocompleteKeys")]
    [InlineData("zipkin/api/v2/autocompleteKeys")]
    public async Task Keys_AreTheConfiguredKeysSortedAndCacheable(string path)
    {
        var response = await site.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertStringList(response.Body);
        Assert.Equal(["environment", "http.method"], NameEndpointTests.Strings(response.Body));
        Assert.Equal("max-age=300, must-revalidate", response.Header("Cache-Control"));
    }

    [Fact]
    public async Task Values_AreThoseStoredForTheKey()
    {
        var response = await site.Client.GetApiAsync("zipkin/api/v2/autocompleteValues?key=http.method");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertStringList(response.Body);
        Assert.Equal(["GET", "POST"], NameEndpointTests.Strings(response.Body));
        Assert.Null(response.Header("Cache-Control"));
    }

    [Fact]
    public async Task Values_MoreThanThree_AreCacheable()
    {
        var response = await site.Client.GetApiAsync("api/v2/autocompleteValues?key=environment");

        Assert.Equal(["dev", "prod", "staging"], NameEndpointTests.Strings(response.Body));
        Assert.Null(response.Header("Cache-Control"));

        var traces = new SampleTraces(DateTimeOffset.UtcNow);
        await using var server = await SiteFixture.StartAsync(traces, new Dictionary<string, string?>());
        var storage = (TraceCollector.Storage.ISpanStorage)server.Services.GetService(typeof(TraceCollector.Storage.ISpanStorage))!;
        await storage.AcceptAsync([SampleTraces.Span(new TraceCollector.Model.TraceId(0, 0x78), 0, 0x78, TraceCollector.Model.SpanKind.Server, "ping",
            traces.NowMicros - 1000, 10, TraceCollector.Model.Endpoint.Create("frontend", null, null, 0), null, tags: [("environment", "test")])]);
        var four = await server.Client.GetApiAsync("api/v2/autocompleteValues?key=environment");

        Assert.Equal(["dev", "prod", "staging", "test"], NameEndpointTests.Strings(four.Body));
        Assert.Equal("max-age=300, must-revalidate", four.Header("Cache-Control"));
    }

    [Fact]
    public async Task Values_ForAKeyNotConfigured_AreEmpty()
    {
        var response = await site.Client.GetApiAsync("api/v2/autocompleteValues?key=error");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("[]", response.Body);
    }

    [Fact]
    public async Task Values_WithoutKey_Is400NamingIt()
    {
        var response = await site.Client.GetApiAsync("api/v2/autocompleteValues");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("key", response.Body);
    }
}
