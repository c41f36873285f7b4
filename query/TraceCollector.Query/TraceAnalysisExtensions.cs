using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TraceCollector.Query.AnalysisApi;
using TraceCollector.Query.Api;
using TraceCollector.Query.Configuration;
using TraceCollector.Storage;

namespace TraceCollector.Query;

public static class TraceAnalysisExtensions
{
    /// <summary>
    /// The analysis routes (critical path, network latency; per trace and across a window) under
    /// /api/v2 and /zipkin/api/v2. Needs <c>AddZipkinQuery</c> (settings, and <see cref="ITraceReader"/>
    /// over the registered storage); maps nothing when QUERY_ENABLED=false, like the rest of the API.
    /// </summary>
    public static IEndpointRouteBuilder MapTraceAnalysis(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var options = services.GetService<QueryOptions>()
            ?? throw new InvalidOperationException("MapTraceAnalysis needs services.AddZipkinQuery(configuration) first");
        if (!options.QueryEnabled) return endpoints;

        var execution = new QueryExecution(options);
        var analysis = new TraceAnalysisEndpoints(services.GetRequiredService<ITraceReader>(), options,
            services.GetService<TimeProvider>() ?? TimeProvider.System);
        foreach (string prefix in new[] { "/api/v2", "/zipkin/api/v2" }) analysis.Map(endpoints.MapGroup(prefix), execution);
        return endpoints;
    }
}
