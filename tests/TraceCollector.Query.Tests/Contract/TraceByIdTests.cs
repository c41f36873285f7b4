using System.Net;
using System.Text.Json;
using TraceCollector.Model;
using TraceCollector.Query.Tests.Infrastructure;
using TraceCollector.Storage;

namespace TraceCollector.Query.Tests.Contract;

public sealed class TraceByIdTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("api/v2/trace/1000000000000002")]
    [InlineData("zipkin/api/v2/trace/1000000000000002")]
    [InlineData("api/v2/trace/%201000000000000002%20")]
    [InlineData("api/v2/trace/00000000000000001000000000000002")]
    public async Task KnownTrace_IsItsSpans(string path)
    {
        var response = await site.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.ContentType);
        ZipkinApiShapes.AssertTrace(response.Body);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(["00000000000000b1", "00000000000000b2"], json.RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetString()).Order());
    }

    [Fact]
    public async Task Wide128BitTrace_IsFoundByItsFullIdInEitherCase()
    {
        var lower = await site.Client.GetApiAsync("api/v2/trace/4e441824ec2b6a44ffdc9bb9a6453df3");
        var upper = await site.Client.GetApiAsync("api/v2/trace/4E441824EC2B6A44FFDC9BB9A6453DF3");

        Assert.Equal(HttpStatusCode.OK, lower.Status);
        Assert.Equal(lower.Body, upper.Body);
        Assert.Contains("\"traceId\":\"4e441824ec2b6a44ffdc9bb9a6453df3\"", lower.Body);
    }

    [Fact]
    public async Task StrictTraceId_LowHalfAloneDoesNotFindA128BitTrace()
    {
        var response = await site.Client.GetApiAsync("api/v2/trace/ffdc9bb9a6453df3");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task LenientTraceId_LowHalfFindsThe128BitTrace()
    {
        await using var server = await SiteFixture.StartAsync(site.Traces, new Dictionary<string, string?> { ["STRICT_TRACE_ID"] = "false" },
            new StorageOptions { StrictTraceId = false });
        var response = await server.Client.GetApiAsync("api/v2/trace/ffdc9bb9a6453df3");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("4e441824ec2b6a44ffdc9bb9a6453df3", response.Body);
    }

    [Theory]
    [InlineData("abc", "0000000000000abc not found")]
    [InlineData("DEADBEEFDEADBEEF", "deadbeefdeadbeef not found")]
    [InlineData("1234567890abcdef1234567890abcdef", "1234567890abcdef1234567890abcdef not found")]
    public async Task UnknownTrace_Is404WithTheNormalisedId(string id, string message)
    {
        var response = await site.Client.GetApiAsync("zipkin/api/v2/trace/" + id);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.StartsWith("text/plain", response.ContentType);
        Assert.Equal(message, response.Body);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("0x1234")]
    [InlineData("1234567890abcdef1234567890abcdef0")]
    [InlineData("0000000000000000")]
    [InlineData("%20")]
    public async Task MalformedId_Is400NamingTraceId(string id)
    {
        var response = await site.Client.GetApiAsync("api/v2/trace/" + id);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("text/plain", response.ContentType);
        Assert.Contains("traceId", response.Body);
    }
}
