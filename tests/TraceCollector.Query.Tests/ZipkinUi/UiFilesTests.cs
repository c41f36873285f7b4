using System.IO.Compression;
using System.Net;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.ZipkinUi;

/// <summary>ZIPKIN_UI_DIR: a Zipkin UI build served at /zipkin/ as Zipkin's server serves Lens.</summary>
public sealed class UiFilesTests : IDisposable
{
    private const string IndexHtml = "<!doctype html><html><head><base href=\"/zipkin/\"><title>Zipkin</title></head><body><div id=\"root\"></div><script src=\"./static/js/main.3f2a.js\"></script></body></html>";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zipkin-ui-" + Guid.NewGuid().ToString("N"));
    private readonly string _script = "console.log('lens');\n" + string.Concat(Enumerable.Repeat("function f(){return 42;}\n", 200));
    private readonly SampleTraces _traces = new(DateTimeOffset.UtcNow);

    public UiFilesTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "static", "js"));
        File.WriteAllText(Path.Combine(_dir, "index.html"), IndexHtml);
        File.WriteAllText(Path.Combine(_dir, "static", "js", "main.3f2a.js"), _script);
        File.WriteAllBytes(Path.Combine(_dir, "favicon.ico"), [0, 0, 1, 0]);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "outside-ui.txt"), "secret");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("zipkin/")]
    [InlineData("zipkin/index.html")]
    [InlineData("zipkin/traces/1000000000000001")]
    [InlineData("zipkin/dependency")]
    [InlineData("zipkin/traceViewer")]
    public async Task PageRoutes_ServeIndexHtml(string path)
    {
        await using var server = await StartAsync();
        var response = await server.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("text/html; charset=utf-8", response.ContentType);
        Assert.Equal(IndexHtml, response.Body);
        Assert.Equal("max-age=60", response.Header("Cache-Control"));
    }

    [Fact]
    public async Task Assets_AreServedWithTheirTypeCachedForAYearAndGzipped()
    {
        await using var server = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "zipkin/static/js/main.3f2a.js");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal("max-age=31536000", string.Join(",", response.Headers.NonValidated["Cache-Control"]));
        using var gunzip = new StreamReader(new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress));
        Assert.Equal(_script, await gunzip.ReadToEndAsync());
    }

    [Theory]
    [InlineData("", "/zipkin/")]
    [InlineData("zipkin", "/zipkin/")]
    [InlineData("favicon.ico", "/zipkin/favicon.ico")]
    public async Task Redirects_AsZipkinsServer(string path, string location)
    {
        await using var server = await StartAsync();
        var response = await server.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.Found, response.Status);
        Assert.Equal(location, response.Message.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("zipkin/static/js/missing.js")]
    [InlineData("zipkin/../outside-ui.txt")]
    [InlineData("zipkin/%2e%2e/outside-ui.txt")]
    [InlineData("zipkin/static/..%2f..%2f..%2foutside-ui.txt")]
    [InlineData("zipkin/traces")]
    public async Task UnknownOrEscapingPaths_Are404(string path)
    {
        await using var server = await StartAsync();
        var response = await server.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.DoesNotContain("secret", response.Body);
    }

    [Fact]
    public async Task ApiAndConfig_StillAnswerUnderZipkin()
    {
        await using var server = await StartAsync();
        var services = await server.Client.GetApiAsync("zipkin/api/v2/services");
        var config = await server.Client.GetApiAsync("zipkin/config.json");

        Assert.Equal("[\"backend\",\"frontend\",\"worker\"]", services.Body);
        Assert.Equal("application/json", config.ContentType);
    }

    [Fact]
    public async Task BasePath_RewritesTheBaseHref()
    {
        await using var server = await StartAsync(("ZIPKIN_UI_BASEPATH", "/tracing/zipkin"));
        var response = await server.Client.GetApiAsync("zipkin/traces/abc");

        Assert.Contains("<base href=\"/tracing/zipkin/\">", response.Body);
        Assert.DoesNotContain("<base href=\"/zipkin/\">", response.Body);
    }

    [Fact]
    public async Task DirectoryWithoutIndexHtml_StopsStartUp()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SiteFixture.StartAsync(_traces,
            new Dictionary<string, string?> { ["ZIPKIN_UI_DIR"] = Path.Combine(_dir, "static") }));

        Assert.Contains("ZIPKIN_UI_DIR", e.Message);
    }

    [Fact]
    public async Task WithOurUiMappedToo_TheRootGoesToOurUiAndZipkinsStaysAtZipkin()
    {
        var storage = new TraceCollector.Storage.InMemory.InMemoryStorage(new TraceCollector.Storage.StorageOptions());
        await using var server = await QueryTestServer.StartAsync(
            services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TraceCollector.Storage.ISpanStorage>(services, storage),
            new Dictionary<string, string?> { ["ZIPKIN_UI_DIR"] = _dir },
            app => TraceCollector.Ui.UiEndpoints.MapTraceCollectorUi(app));

        var root = await server.Client.GetApiAsync("");
        var zipkin = await server.Client.GetApiAsync("zipkin/");

        Assert.Equal(HttpStatusCode.Redirect, root.Status);
        Assert.Equal("/ui/", root.Message.Headers.Location?.OriginalString);
        Assert.Equal(IndexHtml, zipkin.Body);
    }

    [Fact]
    public async Task WithoutUiDir_TheRootIsNotRedirected()
    {
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?>());
        var response = await server.Client.GetApiAsync("zipkin/");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetApiAsync("")).Status);
    }

    private Task<QueryTestServer> StartAsync(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["ZIPKIN_UI_DIR"] = _dir };
        foreach (var (key, value) in extra) settings[key] = value;
        return SiteFixture.StartAsync(_traces, settings);
    }
}
