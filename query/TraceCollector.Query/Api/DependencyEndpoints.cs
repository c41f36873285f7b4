using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TraceCollector.Analysis.Aggregation;
using TraceCollector.Query.AnalysisApi;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.Api;

/// <summary>
/// GET /dependencies?endTs=&amp;lookback=: the service links of a time window, each with Zipkin's
/// fields and, when the window's traces measured it, a "networkLatency" object beside them.
/// </summary>
internal sealed class DependencyEndpoints
{
    private readonly IDependencyReader _dependencies;
    private readonly QueryOptions _options;
    private readonly DependencyLatency? _latency;

    public DependencyEndpoints(IDependencyReader dependencies, QueryOptions options, DependencyLatency? latency = null)
    {
        _dependencies = dependencies;
        _options = options;
        _latency = latency;
    }

    public void Map(IEndpointRouteBuilder api, QueryExecution execution) =>
        api.MapGet("/dependencies", execution.Handle(DependenciesAsync));

    private async Task DependenciesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        long endTs = QueryParameters.RequiredLong(context.Request, "endTs", "epoch milliseconds");
        long lookback = QueryParameters.OptionalLong(context.Request, "lookback", "milliseconds") ?? _options.DefaultLookbackMillis;
        if (endTs <= 0) throw new BadRequestException("endTs should be positive, in epoch milliseconds");
        if (lookback <= 0) throw new BadRequestException("lookback should be positive, in milliseconds");
        var links = await _dependencies.GetDependenciesAsync(endTs, lookback, cancellationToken);
        var latency = links.Count == 0 || _latency is null ? null : await _latency.MeasureAsync(endTs, lookback, cancellationToken);
        await JsonResponse.WriteAsync(context, (links, latency), static (w, s) => WriteLinks(w, s.links, s.latency));
    }

    // Zipkin's DependencyLink JSON: errorCount appears only when there were errors.
    private static void WriteLinks(Utf8JsonWriter writer, IReadOnlyList<DependencyLink> links, NetworkLatencyAggregate? latency)
    {
        writer.WriteStartArray();
        foreach (var link in links)
        {
            writer.WriteStartObject();
            writer.WriteString("parent", link.Parent);
            writer.WriteString("child", link.Child);
            writer.WriteNumber("callCount", link.CallCount);
            if (link.ErrorCount > 0) writer.WriteNumber("errorCount", link.ErrorCount);
            if (latency is not null) DependencyLatency.WriteFields(writer, latency, link.Parent, link.Child);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
