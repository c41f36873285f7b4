using TraceCollector.Collector.Metrics;
using TraceCollector.Model;

namespace TraceCollector.Collector.Pipeline;

/// <summary>One submitted batch on its way through the channel, with whoever waits for it to be stored.</summary>
internal sealed class PendingBatch
{
    public PendingBatch(IReadOnlyList<Span> spans, int sampled, TransportMetrics metrics, bool waitForDurable)
    {
        Spans = spans;
        Sampled = sampled;
        Metrics = metrics;
        // Continuations run on the pool, never inline on the writer, so one slow client cannot stall a group.
        Completion = waitForDurable ? new TaskCompletionSource<SubmitResult>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    public IReadOnlyList<Span> Spans { get; }

    public int Sampled { get; }

    public TransportMetrics Metrics { get; }

    /// <summary>Null when the submitter was answered on enqueue (COLLECTOR_ACK=accepted).</summary>
    public TaskCompletionSource<SubmitResult>? Completion { get; }

    public void Stored() => Completion?.TrySetResult(new SubmitResult(SubmitOutcome.Stored, Spans.Count, Sampled));

    public void Failed(string error)
    {
        Metrics.RecordSpansDropped(Spans.Count);
        Completion?.TrySetResult(new SubmitResult(SubmitOutcome.Failed, Spans.Count, Sampled, error));
    }
}
