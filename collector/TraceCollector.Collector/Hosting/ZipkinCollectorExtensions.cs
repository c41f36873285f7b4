using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TraceCollector.Collector.Grpc;
using TraceCollector.Collector.Http;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;

namespace TraceCollector.Collector;

/// <summary>The collector's composition surface: one Add and two Maps, so every host wires it the same way.</summary>
public static class ZipkinCollectorExtensions
{
    /// <summary>
    /// Registers the options, meters, the pipeline (as <see cref="ISpanSink"/> and as a hosted service
    /// that drains on shutdown) and the HTTP and gRPC receivers. The host registers the
    /// <see cref="Storage.ISpanConsumer"/> the pipeline writes to.
    /// </summary>
    public static IServiceCollection AddZipkinCollector(this IServiceCollection services, IConfiguration configuration)
    {
        var options = CollectorOptions.Read(configuration);
        services.TryAddSingleton(options);
        services.TryAddSingleton<CollectorMetrics>();
        services.TryAddSingleton<PipelineMetrics>();
        services.TryAddSingleton<SpanPipeline>();
        services.TryAddSingleton<ISpanSink>(sp => sp.GetRequiredService<SpanPipeline>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SpanPipeline>());
        services.TryAddSingleton<ZipkinHttpCollector>();
        if (options.GrpcEnabled)
        {
            services.TryAddSingleton<ZipkinGrpcCollector>();
            services.AddGrpc(grpc =>
            {
                grpc.MaxReceiveMessageSize = options.MaxBodyBytes;
                grpc.EnableDetailedErrors = false;
            });
        }
        return services;
    }

    /// <summary>POST /api/v2/spans, POST /api/v1/spans and, unless COLLECTOR_GRPC_ENABLED=false, zipkin.proto3.SpanService/Report.</summary>
    public static IEndpointRouteBuilder MapZipkinCollector(this IEndpointRouteBuilder endpoints)
    {
        var sp = endpoints.ServiceProvider;
        var options = sp.GetRequiredService<CollectorOptions>();
        var metrics = sp.GetRequiredService<CollectorMetrics>();
        if (options.HttpEnabled)
        {
            var http = sp.GetRequiredService<ZipkinHttpCollector>();
            metrics.For(ZipkinHttpCollector.Transport);
            endpoints.MapPost("/api/v2/spans", http.ReportV2Async);
            endpoints.MapPost("/api/v1/spans", http.ReportV1Async);
        }
        else
        {
            // As in Zipkin with COLLECTOR_HTTP_ENABLED=false: the POST routes are absent, not refused.
            endpoints.MapPost("/api/v2/spans", NotFound);
            endpoints.MapPost("/api/v1/spans", NotFound);
        }
        if (options.GrpcEnabled)
        {
            metrics.For(ZipkinGrpcCollector.Transport);
            endpoints.MapGrpcService<ZipkinGrpcCollector>();
        }
        return endpoints;
    }

    /// <summary>GET /metrics (Zipkin's JSON) and /prometheus (also /actuator/prometheus, as Zipkin serves both).</summary>
    public static IEndpointRouteBuilder MapCollectorMetrics(this IEndpointRouteBuilder endpoints)
    {
        var collector = endpoints.ServiceProvider.GetRequiredService<CollectorMetrics>();
        var pipeline = endpoints.ServiceProvider.GetRequiredService<PipelineMetrics>();
        endpoints.MapGet("/metrics", context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.Body.WriteAsync(MetricsRenderer.Json(collector, pipeline), context.RequestAborted).AsTask();
        });
        RequestDelegate prometheus = context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return context.Response.WriteAsync(MetricsRenderer.Prometheus(collector, pipeline), context.RequestAborted);
        };
        endpoints.MapGet("/prometheus", prometheus);
        endpoints.MapGet("/actuator/prometheus", prometheus);
        return endpoints;
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
