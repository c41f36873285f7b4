using TraceCollector.Model;

namespace TraceCollector.Collector.Pipeline;

/// <summary>
/// Where every receiver (HTTP, gRPC, Kafka, OTLP) hands decoded spans. The sink samples, queues
/// into the bounded pipeline and reports what became of the batch, so each transport can answer
/// its client truthfully (202, 503, a Kafka pause).
/// </summary>
public interface ISpanSink
{
    /// <param name="spans">A decoded batch; the sink neither keeps nor changes the list after it completes.</param>
    /// <param name="transport">The metric label of the receiver: http, grpc, kafka, otlp.</param>
    /// <param name="waitForDurable">
    /// True to complete only once the batch is stored (Kafka always, HTTP by default); false to
    /// complete as soon as the pipeline has queued it (COLLECTOR_ACK=accepted).
    /// </param>
    ValueTask<SubmitResult> SubmitAsync(IReadOnlyList<Span> spans, string transport, bool waitForDurable, CancellationToken cancellationToken = default);

    /// <summary>
    /// For a receiver that never drops a refused batch but submits it again later (Kafka pauses and
    /// retries): waits for durability, does not count a refusal or a storage failure as dropped
    /// spans or messages, and, when <paramref name="resubmit"/> is true, does not count the batch's
    /// spans (or those sampled out) a second time.
    /// </summary>
    ValueTask<SubmitResult> SubmitRetryingAsync(IReadOnlyList<Span> spans, string transport, bool resubmit, CancellationToken cancellationToken = default) =>
        SubmitAsync(spans, transport, waitForDurable: true, cancellationToken);
}

public enum SubmitOutcome
{
    /// <summary>Durable in storage (or queued, when the caller did not wait).</summary>
    Stored,

    /// <summary>The pipeline stayed full past the admission wait; nothing of the batch was queued. Retry later (503 / RESOURCE_EXHAUSTED / pause).</summary>
    Rejected,

    /// <summary>Storage failed the write; the batch is not stored. Retry later.</summary>
    Failed,

    /// <summary>The collector is shutting down and takes no new work.</summary>
    ShuttingDown,
}

/// <param name="Outcome">What became of the batch.</param>
/// <param name="Kept">Spans kept by sampling (and stored, when the outcome is Stored).</param>
/// <param name="Sampled">Spans dropped by sampling, on purpose.</param>
/// <param name="Error">Why a write failed, for logs and error responses.</param>
public readonly record struct SubmitResult(SubmitOutcome Outcome, int Kept, int Sampled, string? Error = null);
