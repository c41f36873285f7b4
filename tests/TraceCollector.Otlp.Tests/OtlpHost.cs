using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Otlp;
using TraceCollector.Storage;
using TraceCollector.TestSupport;

namespace TraceCollector.Otlp.Tests;

/// <summary>
/// The collector with OTLP composed as the Server composes it, over a store the test chooses: the
/// collector's port (OTLP/HTTP beside Zipkin's routes) and OTLP's own gRPC port (HTTP/2 only, as 4317).
/// </summary>
internal sealed class OtlpHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpHost(WebApplication app, int httpPort, int grpcPort)
    {
        _app = app;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public Uri GrpcAddress { get; }

    public HttpClient Client { get; }

    public TransportMetrics Metrics => _app.Services.GetRequiredService<CollectorMetrics>().For("otlp");

    public static async Task<OtlpHost> StartAsync(ISpanConsumer store, IDictionary<string, string?>? settings = null)
    {
        int httpPort = FreePort.Next(), grpcPort = FreePort.Next();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["COLLECTOR_OTLP_GRPC_PORT"] = grpcPort.ToString() };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, httpPort, l => l.Protocols = HttpProtocols.Http1));
        builder.WebHost.UseOtlpPorts(builder.Configuration);
        builder.Services.AddSingleton(store);
        builder.Services.AddZipkinCollector(builder.Configuration);
        builder.Services.AddOtlpCollector(builder.Configuration);
        var app = builder.Build();
        app.MapZipkinCollector();
        app.MapOtlpCollector(builder.Configuration);
        await app.StartAsync();
        return new OtlpHost(app, httpPort, grpcPort);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
