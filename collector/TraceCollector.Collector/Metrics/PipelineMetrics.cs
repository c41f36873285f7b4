namespace TraceCollector.Collector.Metrics;

/// <summary>What the pipeline adds to Zipkin's collector meters: how full it is and how long storage takes.</summary>
public sealed class PipelineMetrics
{
    private long _queuedBatches, _queuedSpans, _writes, _writeFailures, _spansWritten;

    public long QueuedBatches => Volatile.Read(ref _queuedBatches);

    public long QueuedSpans => Volatile.Read(ref _queuedSpans);

    /// <summary>The configured span capacity, for a "how full" ratio on dashboards.</summary>
    public long CapacitySpans { get; internal set; }

    public long Writes => Volatile.Read(ref _writes);

    public long WriteFailures => Volatile.Read(ref _writeFailures);

    public long SpansWritten => Volatile.Read(ref _spansWritten);

    /// <summary>Duration of each storage write (one group of batches).</summary>
    public LatencyHistogram StorageWrite { get; } = new();

    internal void Enqueued(int spans)
    {
        Interlocked.Increment(ref _queuedBatches);
        Interlocked.Add(ref _queuedSpans, spans);
    }

    internal void Dequeued(int batches, int spans)
    {
        Interlocked.Add(ref _queuedBatches, -batches);
        Interlocked.Add(ref _queuedSpans, -spans);
    }

    internal void Written(int spans, long elapsedTicks, bool succeeded)
    {
        StorageWrite.Record(elapsedTicks);
        Interlocked.Increment(ref _writes);
        if (succeeded) Interlocked.Add(ref _spansWritten, spans);
        else Interlocked.Increment(ref _writeFailures);
    }
}
