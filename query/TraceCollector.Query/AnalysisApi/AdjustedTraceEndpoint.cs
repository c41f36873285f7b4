using Microsoft.AspNetCore.Http;
using TraceCollector.Analysis;
using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.Query.Api;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.AnalysisApi;

/// <summary>
/// GET trace/{traceId}/adjusted: the trace's spans after server-side clock-skew correction, as JSON
/// v2, i.e. the times every analysis uses. /trace/{traceId} stays raw, as Zipkin returns it; a UI
/// shows both and says how far each span was moved.
/// </summary>
internal static class AdjustedTraceEndpoint
{
    public static async Task HandleAsync(ITraceReader traces, HttpContext context, CancellationToken cancellationToken)
    {
        string raw = context.Request.RouteValues["traceId"] as string ?? "";
        var traceId = QueryParameters.ParseTraceId(raw, "traceId");
        var spans = await traces.GetTraceAsync(traceId, cancellationToken);
        if (spans.Count == 0)
        {
            await ResponseBody.WriteTextAsync(context, StatusCodes.Status404NotFound, $"{traceId} not found");
            return;
        }
        var tree = TraceAnalysis.CorrectedTree(spans);
        var adjusted = new List<Span>(tree.Count);
        for (int node = 0; node < tree.Count; node++)
        {
            if (tree.SpanAt(node) is { } span) adjusted.Add(span);
        }
        await JsonResponse.WriteAsync(context, adjusted, static (w, list) => JsonV2Encoder.WriteSpans(w, list));
    }
}
