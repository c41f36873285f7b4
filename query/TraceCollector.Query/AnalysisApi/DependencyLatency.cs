using System.Text.Json;
using TraceCollector.Analysis.Aggregation;
using TraceCollector.Storage;

namespace TraceCollector.Query.AnalysisApi;

/// <summary>
/// Network latency per dependency link, for /dependencies to write beside callCount and errorCount
/// (Zipkin's clients ignore fields they do not know). Measured over the newest traces of the window,
/// at most <see cref="TraceLimit"/>, since links come pre-counted from storage but latency needs the spans.
/// </summary>
public sealed class DependencyLatency
{
    /// <summary>
    /// /dependencies is called on every visit of the UI's dependency page, so by default it measures a
    /// sample, the newest 1,000 traces of the window; /analysis/networkLatency reads more.
    /// </summary>
    public const int DefaultLinkTraceLimit = 1_000;

    private readonly ITraceReader _traces;

    public DependencyLatency(ITraceReader traces, int traceLimit = TraceAnalysisEndpoints.DefaultTraceLimit)
    {
        _traces = traces;
        TraceLimit = traceLimit;
    }

    public int TraceLimit { get; }

    /// <param name="endTs">Epoch milliseconds, as /dependencies takes it.</param>
    /// <param name="lookback">Milliseconds.</param>
    public async ValueTask<NetworkLatencyAggregate> MeasureAsync(long endTs, long lookback, CancellationToken cancellationToken = default)
    {
        var request = QueryRequest.Create(null, null, null, null, null, null, endTs, lookback, TraceLimit);
        var traces = await _traces.FindTracesAsync(request, cancellationToken);
        return NetworkLatencyAggregate.Of(traces);
    }

    /// <summary>Writes <c>"networkLatency":{…}</c> into the open link object when the (parent, child) edge was measured.</summary>
    public static void WriteFields(Utf8JsonWriter writer, NetworkLatencyAggregate latency, string parent, string child)
    {
        if (latency.TryGetEdge(parent, child, out var edge)) AnalysisJson.WriteLinkLatency(writer, edge);
    }
}
