// TEMPORARY until the collector's pipeline lands on main.
using System.Collections.Concurrent;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Model;
using TraceCollector.Storage;

namespace TraceCollector.Kafka.Tests.Support;

internal sealed class DirectSink(ISpanConsumer storage, CollectorMetrics metrics) : ISpanSink
{
    public async ValueTask<SubmitResult> SubmitAsync(IReadOnlyList<Span> spans, string transport, bool waitForDurable, CancellationToken cancellationToken = default)
    {
        metrics.For(transport).RecordSpans(spans.Count);
        try
        {
            await storage.AcceptAsync(spans, cancellationToken);
            return new SubmitResult(SubmitOutcome.Stored, spans.Count, 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new SubmitResult(SubmitOutcome.Failed, spans.Count, 0, e.Message);
        }
    }
}
