using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector.Http;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Otlp;
using TraceCollector.Storage;
using TraceCollector.TestSupport;

namespace TraceCollector.Collector.Tests.Support;

/// <summary>
/// The collector composed as the Server composes it (AddZipkinCollector, AddOtlpCollector,
/// MapZipkinCollector, MapOtlpCollector, MapCollectorMetrics, one HTTP/1.1 + h2c port), on a free
/// loopback port, over a store the test chooses. OTLP's own ports stay unset, so nothing else is bound.
/// </summary>
internal sealed class CollectorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CollectorHost(WebApplication app, int port)
    {
        _app = app;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public CollectorMetrics Metrics => Service<CollectorMetrics>();

    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<CollectorHost> StartAsync(ISpanConsumer store, IDictionary<string, string?>? settings = null)
    {
        int port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenZipkin(new IPEndPoint(IPAddress.Loopback, port)));
        builder.Services.AddSingleton(store);
        builder.Services.AddZipkinCollector(builder.Configuration);
        builder.Services.AddOtlpCollector(builder.Configuration);
        var app = builder.Build();
        app.MapZipkinCollector();
        app.MapOtlpCollector(builder.Configuration);
        app.MapCollectorMetrics();
        await app.StartAsync();
        return new CollectorHost(app, port);
    }

    /// <summary>Stops as the process would on SIGTERM: the server first, then the pipeline drains.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}
