using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TraceCollector.Analysis;
using TraceCollector.Analysis.Aggregation;
using TraceCollector.Query.Api;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.AnalysisApi;

/// <summary>
/// The analyses Zipkin lacks, over skew-corrected copies of stored traces:
/// GET trace/{traceId}/criticalPath, trace/{traceId}/networkLatency (one trace), and
/// analysis/criticalPath, analysis/networkLatency (across the traces of a window).
/// </summary>
internal sealed class TraceAnalysisEndpoints
{
    /// <summary>How many traces an aggregate reads when the request does not say (the newest of the window).</summary>
    public const int DefaultTraceLimit = 10_000;

    private readonly ITraceReader _traces;
    private readonly QueryOptions _options;
    private readonly TimeProvider _clock;

    public TraceAnalysisEndpoints(ITraceReader traces, QueryOptions options, TimeProvider clock)
    {
        _traces = traces;
        _options = options;
        _clock = clock;
    }

    public void Map(IEndpointRouteBuilder api, QueryExecution execution)
    {
        api.MapGet("/trace/{traceId}/criticalPath", execution.Handle(TraceCriticalPathAsync));
        api.MapGet("/trace/{traceId}/networkLatency", execution.Handle(TraceNetworkLatencyAsync));
        api.MapGet("/trace/{traceId}/adjusted", execution.Handle((context, ct) => AdjustedTraceEndpoint.HandleAsync(_traces, context, ct)));
        api.MapGet("/analysis/criticalPath", execution.Handle(AggregateCriticalPathAsync));
        api.MapGet("/analysis/networkLatency", execution.Handle(AggregateNetworkLatencyAsync));
    }

    private async Task TraceCriticalPathAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (traceId, spans) = await ReadTraceAsync(context, cancellationToken);
        if (spans is null) return;
        var path = TraceAnalysis.CriticalPath(spans);
        await JsonResponse.WriteAsync(context, (traceId, path), static (w, s) => AnalysisJson.WriteCriticalPath(w, s.traceId, s.path));
    }

    private async Task TraceNetworkLatencyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (traceId, spans) = await ReadTraceAsync(context, cancellationToken);
        if (spans is null) return;
        var pairs = TraceAnalysis.NetworkLatency(spans);
        await JsonResponse.WriteAsync(context, (traceId, pairs), static (w, s) => AnalysisJson.WriteNetworkLatency(w, s.traceId, s.pairs));
    }

    private async Task AggregateCriticalPathAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = ReadWindow(context.Request, withNames: true);
        var traces = await _traces.FindTracesAsync(request, cancellationToken);
        var aggregate = CriticalPathAggregate.Of(traces);
        await JsonResponse.WriteAsync(context, aggregate, AnalysisJson.WriteCriticalPathAggregate);
    }

    private async Task AggregateNetworkLatencyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = ReadWindow(context.Request, withNames: false);
        var traces = await _traces.FindTracesAsync(request, cancellationToken);
        var aggregate = NetworkLatencyAggregate.Of(traces);
        await JsonResponse.WriteAsync(context, aggregate, AnalysisJson.WriteNetworkLatencyAggregate);
    }

    // Null spans: the 404 has been written.
    private async Task<(Model.TraceId, IReadOnlyList<Model.Span>?)> ReadTraceAsync(HttpContext context, CancellationToken cancellationToken)
    {
        string raw = context.Request.RouteValues["traceId"] as string ?? "";
        var traceId = QueryParameters.ParseTraceId(raw, "traceId");
        var spans = await _traces.GetTraceAsync(traceId, cancellationToken);
        if (spans.Count > 0) return (traceId, spans);
        await ResponseBody.WriteTextAsync(context, StatusCodes.Status404NotFound, $"{traceId} not found");
        return (traceId, null);
    }

    private QueryRequest ReadWindow(HttpRequest http, bool withNames)
    {
        long endTs = QueryParameters.OptionalLong(http, "endTs", "epoch milliseconds") ?? _clock.GetUtcNow().ToUnixTimeMilliseconds();
        long lookback = QueryParameters.OptionalLong(http, "lookback", "milliseconds") ?? _options.DefaultLookbackMillis;
        int limit = QueryParameters.OptionalInt(http, "limit") ?? DefaultTraceLimit;
        string? serviceName = withNames ? QueryParameters.Optional(http, "serviceName") : null;
        string? spanName = withNames ? QueryParameters.Optional(http, "spanName") : null;
        try
        {
            return QueryRequest.Create(serviceName, null, spanName, null, null, null, endTs, lookback, limit);
        }
        catch (ArgumentException e)
        {
            // QueryRequest's messages name the parameter; drop the framework's "(Parameter 'x')" suffix.
            throw new BadRequestException(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", ""));
        }
    }
}
