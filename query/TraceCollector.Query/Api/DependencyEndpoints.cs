using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.Api;

/// <summary>GET /dependencies?endTs=&amp;lookback=: the service links of a time window.</summary>
internal sealed class DependencyEndpoints
{
    private readonly IDependencyReader _dependencies;
    private readonly QueryOptions _options;

    public DependencyEndpoints(IDependencyReader dependencies, QueryOptions options)
    {
        _dependencies = dependencies;
        _options = options;
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
        await JsonResponse.WriteAsync(context, links, WriteLinks);
    }

    // Zipkin's DependencyLink JSON: errorCount appears only when there were errors.
    private static void WriteLinks(Utf8JsonWriter writer, IReadOnlyList<DependencyLink> links)
    {
        writer.WriteStartArray();
        foreach (var link in links)
        {
            writer.WriteStartObject();
            writer.WriteString("parent", link.Parent);
            writer.WriteString("child", link.Child);
            writer.WriteNumber("callCount", link.CallCount);
            if (link.ErrorCount > 0) writer.WriteNumber("errorCount", link.ErrorCount);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
