using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TraceCollector.Query.Api;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Cors;
using TraceCollector.Query.Health;
using TraceCollector.Query.ZipkinUi;
using TraceCollector.Storage;

namespace TraceCollector.Query;

/// <summary>
/// The query side's composition surface: a host registers storage as <see cref="ISpanStorage"/> (or
/// the reader interfaces one by one), then calls these.
/// </summary>
public static class ZipkinQueryExtensions
{
    /// <summary>Registers the query API's settings (QUERY_*, SEARCH_ENABLED, ZIPKIN_UI_*) and routes the readers to the registered storage.</summary>
    public static IServiceCollection AddZipkinQuery(this IServiceCollection services, IConfiguration configuration)
    {
        var query = QueryOptions.FromConfiguration(configuration);
        services.TryAddSingleton(query);
        services.TryAddSingleton(ZipkinUiOptions.FromConfiguration(configuration, query));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITraceReader>(sp => sp.GetRequiredService<ISpanStorage>());
        services.TryAddSingleton<INameReader>(sp => sp.GetRequiredService<ISpanStorage>());
        services.TryAddSingleton<IAutocompleteReader>(sp => sp.GetRequiredService<ISpanStorage>());
        services.TryAddSingleton<IDependencyReader>(sp => sp.GetRequiredService<ISpanStorage>());
        return services;
    }

    /// <summary>CORS on every route after it (ZIPKIN_QUERY_ALLOWED_ORIGINS); TRACE answered 405. Call before mapping routes.</summary>
    public static IApplicationBuilder UseZipkinCors(this IApplicationBuilder app)
    {
        var config = app.ApplicationServices.GetRequiredService<IConfiguration>();
        return app.UseMiddleware<ZipkinCorsMiddleware>(CorsPolicy.FromConfiguration(config));
    }

    /// <summary>
    /// Every route of Zipkin's v2 query API under /api/v2 and /zipkin/api/v2, /zipkin/config.json,
    /// and the Zipkin UI build named by ZIPKIN_UI_DIR. Maps nothing when QUERY_ENABLED=false.
    /// </summary>
    public static IEndpointRouteBuilder MapZipkinQuery(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var options = services.GetService<QueryOptions>()
            ?? throw new InvalidOperationException("MapZipkinQuery needs services.AddZipkinQuery(configuration) first");
        if (!options.QueryEnabled) return endpoints;

        var execution = new QueryExecution(options);
        var names = new NameCachePolicy(options.NamesMaxAgeSeconds);
        var nameEndpoints = new NameEndpoints(services.GetRequiredService<INameReader>(), options, names);
        var traceEndpoints = new TraceEndpoints(services.GetRequiredService<ITraceReader>(), options, services.GetRequiredService<TimeProvider>());
        var dependencyEndpoints = new DependencyEndpoints(services.GetRequiredService<IDependencyReader>(), options,
            services.GetService<ITraceReader>() is { } traces ? new AnalysisApi.DependencyLatency(traces, AnalysisApi.DependencyLatency.DefaultLinkTraceLimit) : null);
        var autocompleteEndpoints = new AutocompleteEndpoints(services.GetRequiredService<IAutocompleteReader>(), options, names);
        foreach (string prefix in new[] { "/api/v2", "/zipkin/api/v2" })
        {
            var api = endpoints.MapGroup(prefix);
            nameEndpoints.Map(api, execution);
            traceEndpoints.Map(api, execution);
            dependencyEndpoints.Map(api, execution);
            autocompleteEndpoints.Map(api, execution);
        }

        var ui = services.GetRequiredService<ZipkinUiOptions>();
        if (ui.Enabled) ZipkinUiEndpoints.Map(endpoints, ui);
        return endpoints;
    }

    /// <summary>GET /health (200 UP or 503 DOWN over every <see cref="IStorageHealthCheck"/>, else the <see cref="ISpanStorage"/>) and GET /info.</summary>
    public static IEndpointRouteBuilder MapHealthAndInfo(this IEndpointRouteBuilder endpoints)
    {
        HealthAndInfoEndpoints.Map(endpoints);
        return endpoints;
    }
}
