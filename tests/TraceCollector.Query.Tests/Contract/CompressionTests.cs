using System.IO.Compression;
using System.Net;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Contract;

public sealed class CompressionTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("gzip, deflate, br")]
    [InlineData("br;q=1.0, gzip;q=0.8")]
    public async Task LargeBody_IsGzippedWhenTheClientAcceptsIt(string acceptEncoding)
    {
        using var plain = await site.Client.GetAsync("api/v2/traces");
        byte[] expected = await plain.Content.ReadAsByteArrayAsync();
        Assert.True(expected.Length > 2048, $"sample answer is only {expected.Length} bytes, too small to test compression");

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/traces");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        using var response = await site.Client.SendAsync(request);
        byte[] compressed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(compressed.Length, response.Content.Headers.ContentLength);
        Assert.True(compressed.Length < expected.Length);
        Assert.Equal(expected, Gunzip(compressed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("gzip;q=0")]
    public async Task Body_IsPlainWhenGzipIsNotAccepted(string? acceptEncoding)
    {
        var response = await site.Client.GetApiAsync("api/v2/traces", acceptEncoding);

        Assert.Empty(response.Message.Content.Headers.ContentEncoding);
        Assert.StartsWith("[[", response.Body);
    }

    [Fact]
    public async Task SmallBody_IsNotCompressed()
    {
        var response = await site.Client.GetApiAsync("api/v2/services", "gzip");

        Assert.Empty(response.Message.Content.Headers.ContentEncoding);
        Assert.Equal("[\"backend\",\"frontend\",\"worker\"]", response.Body);
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
