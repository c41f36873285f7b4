using System.Net;
using System.Text.Json;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Clients;

/// <summary>
/// The requests Grafana's Zipkin data source makes (grafana/grafana pkg/tsdb/zipkin: client.go and
/// handler_callresource.go), byte for byte: Go's url.QueryEscape writes a space as '+', and the
/// trace search sends only serviceName and spanName, so the server's defaults apply.
/// </summary>
public sealed class GrafanaRequestTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Fact]
    public async Task SaveAndTest_ServicesIs200()
    {
        var response = await site.Client.GetApiAsync("api/v2/services");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertStringList(response.Body);
    }

    [Fact]
    public async Task Cascader_SpanNamesAreAPlainStringArray()
    {
        var response = await site.Client.GetApiAsync("api/v2/spans?serviceName=frontend");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertStringList(response.Body);
        Assert.Contains("get /checkout", JsonSerializer.Deserialize<string[]>(response.Body)!);
    }

    [Theory]
    [InlineData("frontend", "get+%2Fcheckout")]
    [InlineData("backend", "post+%2Fapi%2Frefund")]
    [InlineData("backend", "post+%2Fapi%2Fpay")]
    [InlineData("worker", "send")]
    public async Task Cascader_TracesEachHaveARootSpanTheLabelCanUse(string serviceName, string escapedSpanName)
    {
        var response = await site.Client.GetApiAsync($"api/v2/traces?serviceName={serviceName}&spanName={escapedSpanName}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertListOfTraces(response.Body);
        using var json = JsonDocument.Parse(response.Body);
        Assert.NotEmpty(json.RootElement.EnumerateArray());
        foreach (var trace in json.RootElement.EnumerateArray())
        {
            // Grafana labels each trace "<root name> [<root duration / 1000> ms]" and dereferences the root unconditionally.
            var root = trace.EnumerateArray().FirstOrDefault(s => !s.TryGetProperty("parentId", out _));
            Assert.True(root.ValueKind == JsonValueKind.Object, "a trace without a root span: " + trace.GetRawText());
            Assert.True(root.TryGetProperty("name", out _));
            Assert.True(root.GetProperty("duration").GetInt64() > 0);
        }
    }

    [Theory]
    [InlineData("1000000000000001")]
    [InlineData("4e441824ec2b6a44ffdc9bb9a6453df3")]
    public async Task TraceQuery_ByIdDecodesAsZipkinGoSpanModels(string traceId)
    {
        var response = await site.Client.GetApiAsync("api/v2/trace/" + Uri.EscapeDataString(traceId));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZipkinApiShapes.AssertTrace(response.Body);
        using var json = JsonDocument.Parse(response.Body);
        Assert.All(json.RootElement.EnumerateArray(), span => Assert.Equal(traceId, span.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task TraceQuery_UnknownIdIsANon2xxGrafanaReports()
    {
        var response = await site.Client.GetApiAsync("api/v2/trace/" + Uri.EscapeDataString("00000000deadbeef"));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }
}
