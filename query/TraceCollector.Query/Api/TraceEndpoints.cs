using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.Api;

/// <summary>GET /traces, /trace/{traceId} and /traceMany: traces as JSON v2 span lists.</summary>
internal sealed class TraceEndpoints
{
    // Zipkin splits traceIds into at most this many pieces; the remainder stays in the last one.
    private const int MaxTraceManyPieces = 1000;
    private const int DefaultLimit = 10;

    private readonly ITraceReader _traces;
    private readonly QueryOptions _options;
    private readonly TimeProvider _clock;

    public TraceEndpoints(ITraceReader traces, QueryOptions options, TimeProvider clock)
    {
        _traces = traces;
        _options = options;
        _clock = clock;
    }

    public void Map(IEndpointRouteBuilder api, QueryExecution execution)
    {
        api.MapGet("/traces", execution.Handle(FindTracesAsync));
        api.MapGet("/trace/{traceId}", execution.Handle(GetTraceAsync));
        api.MapGet("/traceMany", execution.Handle(GetTraceManyAsync));
    }

    private async Task FindTracesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = ReadQueryRequest(context.Request);
        var traces = _options.SearchEnabled ? await _traces.FindTracesAsync(request, cancellationToken) : Array.Empty<IReadOnlyList<Span>>();
        await JsonResponse.WriteAsync(context, traces, WriteTraces);
    }

    private async Task GetTraceAsync(HttpContext context, CancellationToken cancellationToken)
    {
        string raw = context.Request.RouteValues["traceId"] as string ?? "";
        var traceId = QueryParameters.ParseTraceId(raw, "traceId");
        var spans = await _traces.GetTraceAsync(traceId, cancellationToken);
        if (spans.Count == 0)
        {
            await ResponseBody.WriteTextAsync(context, StatusCodes.Status404NotFound, $"{traceId} not found");
            return;
        }
        await JsonResponse.WriteAsync(context, spans, JsonV2Encoder.WriteSpans);
    }

    private async Task GetTraceManyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var ids = ReadTraceIds(QueryParameters.Required(context.Request, "traceIds"));
        var traces = await _traces.GetTracesAsync(ids, cancellationToken);
        await JsonResponse.WriteAsync(context, traces, WriteTraces);
    }

    private QueryRequest ReadQueryRequest(HttpRequest http)
    {
        long? minDuration = QueryParameters.OptionalLong(http, "minDuration", "microseconds");
        long? maxDuration = QueryParameters.OptionalLong(http, "maxDuration", "microseconds");
        long endTs = QueryParameters.OptionalLong(http, "endTs", "epoch milliseconds") ?? _clock.GetUtcNow().ToUnixTimeMilliseconds();
        long lookback = QueryParameters.OptionalLong(http, "lookback", "milliseconds") ?? _options.DefaultLookbackMillis;
        int limit = QueryParameters.OptionalInt(http, "limit") ?? DefaultLimit;
        try
        {
            return QueryRequest.Create(
                QueryParameters.Optional(http, "serviceName")?.Trim(),
                QueryParameters.Optional(http, "remoteServiceName")?.Trim(),
                QueryParameters.Optional(http, "spanName")?.Trim(),
                QueryParameters.Optional(http, "annotationQuery"),
                minDuration, maxDuration, endTs, lookback, limit);
        }
        catch (ArgumentException e)
        {
            throw new BadRequestException(e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static List<TraceId> ReadTraceIds(string traceIds)
    {
        var ids = new List<TraceId>();
        var seen = new HashSet<TraceId>();
        foreach (string piece in traceIds.Split(',', MaxTraceManyPieces))
        {
            string raw = piece.Trim();
            if (raw.Length == 0) continue;
            var id = QueryParameters.ParseTraceId(raw, "traceIds");
            if (!seen.Add(id)) throw new BadRequestException($"redundant traceId: {raw}");
            ids.Add(id);
        }
        if (ids.Count == 0) throw new BadRequestException("traceIds parameter is empty");
        if (ids.Count == 1) throw new BadRequestException("Use /api/v2/trace/{traceId} endpoint to retrieve a single trace");
        return ids;
    }

    private static void WriteTraces(Utf8JsonWriter writer, IReadOnlyList<IReadOnlyList<Span>> traces)
    {
        writer.WriteStartArray();
        foreach (var trace in traces) JsonV2Encoder.WriteSpans(writer, trace);
        writer.WriteEndArray();
    }
}
