using System.Net;
using System.Text.Json;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Contract;

public sealed class NameEndpointTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    public static TheoryData<string> Prefixes => new() { "", "zipkin/" };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public async Task Services_AreTheSortedLocalServiceNames(string prefix)
    {
        var response = await site.Client.GetApiAsync(prefix + "api/v2/services");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.ContentType);
        Assert.NotNull(response.Message.Content.Headers.ContentLength);
        ZipkinApiShapes.AssertStringList(response.Body);
        Assert.Equal(["backend", "frontend", "worker"], Strings(response.Body));
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public async Task SpanNames_AreThoseOfTheLocalService(string prefix)
    {
        var response = await site.Client.GetApiAsync(prefix + "api/v2/spans?serviceName=backend");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertStringList(response.Body);
        Assert.Equal(["post /api/pay", "post /api/refund", "query"], Strings(response.Body));
    }

    [Fact]
    public async Task SpanNames_ServiceNameIsCaseInsensitive()
    {
        var response = await site.Client.GetApiAsync("api/v2/spans?serviceName=FrontEnd");

        Assert.Equal(["get /checkout", "get /health", "get /old", "post /api/pay"], Strings(response.Body));
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public async Task RemoteServices_AreThoseSeenFromTheService(string prefix)
    {
        var response = await site.Client.GetApiAsync(prefix + "api/v2/remoteServices?serviceName=backend");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertStringList(response.Body);
        Assert.Equal(["frontend", "mysql"], Strings(response.Body));
    }

    [Theory]
    [InlineData("api/v2/spans?serviceName=nosuch")]
    [InlineData("api/v2/remoteServices?serviceName=nosuch")]
    [InlineData("api/v2/spans?serviceName=")]
    public async Task UnknownOrEmptyService_HasNoNames(string path)
    {
        var response = await site.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("[]", response.Body);
    }

    [Theory]
    [InlineData("api/v2/spans")]
    [InlineData("api/v2/remoteServices")]
    [InlineData("zipkin/api/v2/spans")]
    public async Task MissingServiceName_Is400NamingIt(string path)
    {
        var response = await site.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("text/plain", response.ContentType);
        Assert.Contains("serviceName", response.Body);
    }

    [Fact]
    public async Task NameLists_AreNotCachedWhileThereAreAtMostThreeServices()
    {
        var services = await site.Client.GetApiAsync("api/v2/services");
        var spans = await site.Client.GetApiAsync("api/v2/spans?serviceName=backend");

        Assert.Equal(3, Strings(services.Body).Length);
        Assert.Null(services.Header("Cache-Control"));
        Assert.Null(spans.Header("Cache-Control"));
    }

    [Fact]
    public async Task NameLists_AreCachedOnceServicesSawMoreThanThree()
    {
        var traces = new SampleTraces(DateTimeOffset.UtcNow);
        await using var server = await SiteFixture.StartAsync(traces, new Dictionary<string, string?> { ["ZIPKIN_QUERY_NAMES_MAX_AGE"] = "120" });
        var storage = (TraceCollector.Storage.ISpanStorage)server.Services.GetService(typeof(TraceCollector.Storage.ISpanStorage))!;
        await storage.AcceptAsync([SampleTraces.Span(new TraceCollector.Model.TraceId(0, 0x77), 0, 0x77, TraceCollector.Model.SpanKind.Server, "ping",
            traces.NowMicros - 1000, 10, TraceCollector.Model.Endpoint.Create("fourth", null, null, 0), null)]);

        var before = await server.Client.GetApiAsync("api/v2/spans?serviceName=backend");
        var services = await server.Client.GetApiAsync("api/v2/services");
        var spans = await server.Client.GetApiAsync("api/v2/spans?serviceName=backend");
        var remote = await server.Client.GetApiAsync("zipkin/api/v2/remoteServices?serviceName=backend");

        Assert.Null(before.Header("Cache-Control"));
        Assert.Equal(4, Strings(services.Body).Length);
        Assert.Equal("max-age=120, must-revalidate", services.Header("Cache-Control"));
        Assert.Equal("max-age=120, must-revalidate", spans.Header("Cache-Control"));
        Assert.Equal("max-age=120, must-revalidate", remote.Header("Cache-Control"));
    }

    internal static string[] Strings(string json) => JsonSerializer.Deserialize<string[]>(json)!;
}
