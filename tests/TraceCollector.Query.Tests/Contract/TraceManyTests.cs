using System.Net;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Contract;

public sealed class TraceManyTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("api/v2/traceMany?traceIds=1000000000000001,1000000000000003")]
    [InlineData("zipkin/api/v2/traceMany?traceIds=1000000000000001,%201000000000000003%20")]
    [InlineData("api/v2/traceMany?traceIds=1000000000000001,1000000000000003,00000000000000000000000000000bad")]
    public async Task Ids_FindOnlyTheKnownTraces(string path)
    {
        var response = await site.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertListOfTraces(response.Body);
        Assert.Equal(["1000000000000001", "1000000000000003"], TraceSearchTests.TraceIds(response.Body).Order());
    }

    [Fact]
    public async Task NoneKnown_IsAnEmptyList()
    {
        var response = await site.Client.GetApiAsync("api/v2/traceMany?traceIds=bad1,bad2");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("[]", response.Body);
    }

    [Theory]
    [InlineData("traceIds=", "traceIds parameter is empty")]
    [InlineData("traceIds=,", "traceIds parameter is empty")]
    [InlineData("traceIds=1000000000000001", "Use /api/v2/trace/{traceId} endpoint to retrieve a single trace")]
    [InlineData("traceIds=abc,0000000000000ABC", "redundant traceId: 0000000000000ABC")]
    [InlineData("traceIds=abc,zzz", "zzz should be lower-hex encoded with no prefix")]
    [InlineData("", "traceIds")]
    public async Task BadIds_Are400WithZipkinsMessage(string query, string message)
    {
        var response = await site.Client.GetApiAsync("api/v2/traceMany?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("text/plain", response.ContentType);
        Assert.Contains(message, response.Body);
    }

    [Fact]
    public async Task MoreThanAThousandIds_LeaveTheRestInTheLastPieceWhichIsRejected()
    {
        string ids = string.Join(",", Enumerable.Range(1, 1001).Select(i => i.ToString("x")));
        var response = await site.Client.GetApiAsync("api/v2/traceMany?traceIds=" + ids);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("3e8,3e9", response.Body);
    }
}
