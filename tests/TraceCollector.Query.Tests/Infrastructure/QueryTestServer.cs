using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TraceCollector.Query;
using TraceCollector.TestSupport;

namespace TraceCollector.Query.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on a free loopback port, composed the way the hosts compose the query
/// side: CORS first, then the Zipkin API, health and info. Settings are Zipkin's variable names.
/// </summary>
internal sealed class QueryTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private QueryTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        // No automatic decompression or redirects: tests look at Content-Encoding and Location themselves.
        Client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<QueryTestServer> StartAsync(
        Action<IServiceCollection> registerStorage,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplication>? mapExtra = null)
    {
        int port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        registerStorage(builder.Services);
        builder.Services.AddZipkinQuery(builder.Configuration);

        var app = builder.Build();
        app.UseZipkinCors();
        app.MapZipkinQuery();
        app.MapHealthAndInfo();
        mapExtra?.Invoke(app);
        await app.StartAsync();
        return new QueryTestServer(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
