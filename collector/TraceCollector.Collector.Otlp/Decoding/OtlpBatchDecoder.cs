using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Decoding;

/// <summary>What the HTTP and gRPC receivers do alike once a request is decoded: count it and hand the spans on.</summary>
internal static class OtlpBatchDecoder
{
    public static readonly OtlpBatch Empty = new(new List<Span>(), 0, null);

    public static async ValueTask<SubmitResult> SubmitAsync(ISpanSink sink, TransportMetrics metrics, OtlpBatch batch, bool waitForDurable, CancellationToken cancellationToken)
    {
        // The sink counts the spans it is handed; spans rejected here never reach it, so they are counted here.
        if (batch.Rejected > 0)
        {
            metrics.RecordSpans(batch.Rejected);
            metrics.RecordSpansDropped(batch.Rejected);
        }
        if (batch.Spans.Count == 0) return new SubmitResult(SubmitOutcome.Stored, 0, 0);
        return await sink.SubmitAsync(batch.Spans, "otlp", waitForDurable, cancellationToken).ConfigureAwait(false);
    }
}
