using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TraceCollector.Collector.Otlp.Grpc;
using TraceCollector.Collector.Otlp.Http;

namespace TraceCollector.Collector.Otlp;

/// <summary>
/// Composition of OTLP ingest. COLLECTOR_OTLP_ENABLED (default true) switches it;
/// COLLECTOR_OTLP_HTTP_PORT (e.g. 4318) and COLLECTOR_OTLP_GRPC_PORT (e.g. 4317) add OTLP's own
/// ports beside the collector's, so an exporter's default endpoint works unchanged.
/// </summary>
public static class OtlpCollectorExtensions
{
    public static IServiceCollection AddOtlpCollector(this IServiceCollection services, IConfiguration config)
    {
        if (!IsEnabled(config)) return services;
        services.TryAddSingleton<OtlpHttpReceiver>();
        services.TryAddSingleton<OtlpGrpcService>();
        services.AddGrpc();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OtlpGrpcService>, OtlpGrpcMethodProvider>());
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions<OtlpGrpcService>>()
            .Configure<CollectorOptions>((grpc, collector) => grpc.MaxReceiveMessageSize = collector.MaxBodyBytes);
        return services;
    }

    /// <summary>Listens on OTLP's own ports when they are configured: HTTP/1.1 and HTTP/2 for OTLP/HTTP, HTTP/2 for OTLP/gRPC.</summary>
    public static IWebHostBuilder UseOtlpPorts(this IWebHostBuilder host, IConfiguration config)
    {
        if (!IsEnabled(config)) return host;
        int? httpPort = ReadPort(config, "COLLECTOR_OTLP_HTTP_PORT"), grpcPort = ReadPort(config, "COLLECTOR_OTLP_GRPC_PORT");
        if (httpPort is null && grpcPort is null) return host;
        return host.ConfigureKestrel(kestrel =>
        {
            if (httpPort is { } h) kestrel.ListenAnyIP(h, l => l.Protocols = HttpProtocols.Http1AndHttp2);
            if (grpcPort is { } g) kestrel.ListenAnyIP(g, l => l.Protocols = HttpProtocols.Http2);
        });
    }

    /// <summary>Maps POST /v1/traces and, unless COLLECTOR_GRPC_ENABLED=false, the OTLP gRPC service.</summary>
    public static IEndpointRouteBuilder MapOtlpCollector(this IEndpointRouteBuilder endpoints, IConfiguration config)
    {
        if (!IsEnabled(config)) return endpoints;
        var receiver = endpoints.ServiceProvider.GetRequiredService<OtlpHttpReceiver>();
        endpoints.MapPost("/v1/traces", receiver.ExportAsync);
        var collector = endpoints.ServiceProvider.GetRequiredService<CollectorOptions>();
        if (collector.GrpcEnabled) endpoints.MapGrpcService<OtlpGrpcService>();
        return endpoints;
    }

    private static bool IsEnabled(IConfiguration config) =>
        !bool.TryParse(config["COLLECTOR_OTLP_ENABLED"], out bool enabled) || enabled;

    private static int? ReadPort(IConfiguration config, string key)
    {
        string? text = config[key];
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text, out int port) && port is > 0 and <= 65535) return port;
        throw new InvalidOperationException($"{key} should be a port number from 1 to 65535, was '{text}'");
    }
}
