using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Sampling;
using TraceCollector.Model;
using TraceCollector.Storage;

namespace TraceCollector.Collector.Pipeline;

/// <summary>
/// The one way into storage. Submitted batches are sampled, admitted into a bounded channel (or
/// refused after a short wait when it is full: back-pressure the client can see), and grouped by
/// writer loops into storage writes of up to <see cref="CollectorOptions.GroupMaxSpans"/> spans, so
/// many small requests share one durable commit. A storage error fails only the submitters of that
/// group. On shutdown the pipeline stops admitting and writes out everything it accepted.
/// </summary>
public sealed partial class SpanPipeline : ISpanSink, IHostedLifecycleService, IAsyncDisposable
{
    private readonly Channel<PendingBatch> _channel;
    private readonly ISpanConsumer _consumer;
    private readonly CollectorMetrics _metrics;
    private readonly PipelineMetrics _pipelineMetrics;
    private readonly CollectorOptions _options;
    private readonly TraceIdSampler _sampler;
    private readonly ILogger _log;
    private readonly object _lifecycle = new();
    private long _reservedSpans;
    private TaskCompletionSource _roomFreed = NewSignal();
    private Task[]? _writers;
    private volatile bool _closed;

    public SpanPipeline(ISpanConsumer consumer, CollectorOptions options, CollectorMetrics metrics, PipelineMetrics pipelineMetrics, ILogger<SpanPipeline> log)
    {
        _consumer = consumer;
        _options = options;
        _metrics = metrics;
        _pipelineMetrics = pipelineMetrics;
        _pipelineMetrics.CapacitySpans = options.QueueMaxSpans;
        _log = log;
        _sampler = new TraceIdSampler(options.SampleRate);
        _channel = Channel.CreateBounded<PendingBatch>(new BoundedChannelOptions(options.QueueMaxBatches)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = options.Writers == 1,
            SingleWriter = false,
        });
    }

    public async ValueTask<SubmitResult> SubmitAsync(IReadOnlyList<Span> spans, string transport, bool waitForDurable, CancellationToken cancellationToken = default)
    {
        var metrics = _metrics.For(transport);
        metrics.RecordSpans(spans.Count);
        if (spans.Count == 0) return new SubmitResult(SubmitOutcome.Stored, 0, 0);

        var kept = _sampler.Filter(spans, out int sampled);
        if (sampled > 0) metrics.RecordSpansDropped(sampled);
        if (kept.Count == 0) return new SubmitResult(SubmitOutcome.Stored, 0, sampled);

        var batch = new PendingBatch(kept, sampled, metrics, waitForDurable);
        var admission = await AdmitAsync(batch, cancellationToken).ConfigureAwait(false);
        if (admission != SubmitOutcome.Stored)
        {
            metrics.RecordSpansDropped(kept.Count);
            metrics.RecordMessageDropped();
            if (admission == SubmitOutcome.Rejected) LogRejected(kept.Count, transport, _options.AdmissionWait.TotalMilliseconds);
            return new SubmitResult(admission, kept.Count, sampled,
                admission == SubmitOutcome.Rejected ? "the collector queue is full" : "the collector is shutting down");
        }
        if (batch.Completion is null) return new SubmitResult(SubmitOutcome.Stored, kept.Count, sampled);
        // Once admitted the batch will be written whether or not this caller still waits.
        return await batch.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stored when queued, Rejected when no room opened within the admission wait, ShuttingDown when closed.</summary>
    private async ValueTask<SubmitOutcome> AdmitAsync(PendingBatch batch, CancellationToken cancellationToken)
    {
        int count = batch.Spans.Count;
        long deadline = 0;
        while (true)
        {
            if (_closed) return SubmitOutcome.ShuttingDown;
            // Taken before trying, so room freed between the attempt and the wait still wakes us.
            Task roomFreed = Volatile.Read(ref _roomFreed).Task;
            if (TryReserve(count))
            {
                if (_channel.Writer.TryWrite(batch))
                {
                    _pipelineMetrics.Enqueued(count);
                    return SubmitOutcome.Stored;
                }
                Release(count);
                if (_closed) return SubmitOutcome.ShuttingDown;
            }
            long now = Stopwatch.GetTimestamp();
            if (deadline == 0) deadline = now + (long)(_options.AdmissionWait.TotalSeconds * Stopwatch.Frequency);
            long remaining = deadline - now;
            if (remaining <= 0) return SubmitOutcome.Rejected;
            await roomFreed.WaitAsync(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency), cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private bool TryReserve(int spans)
    {
        while (true)
        {
            long current = Volatile.Read(ref _reservedSpans);
            // A batch larger than the whole budget still fits an empty queue, so none is refused forever.
            if (current > 0 && current + spans > _options.QueueMaxSpans) return false;
            if (Interlocked.CompareExchange(ref _reservedSpans, current + spans, current) == current) return true;
        }
    }

    private void Release(int spans)
    {
        Interlocked.Add(ref _reservedSpans, -spans);
        Interlocked.Exchange(ref _roomFreed, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task WriteLoopAsync()
    {
        var reader = _channel.Reader;
        var group = new List<PendingBatch>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int spans = Take(reader, group, 0);
            if (spans == 0) continue;
            if (spans < _options.GroupMaxSpans && _options.Linger > TimeSpan.Zero && !_closed)
            {
                spans = await LingerAsync(reader, group, spans).ConfigureAwait(false);
            }
            _pipelineMetrics.Dequeued(group.Count, spans);
            Release(spans);
            await WriteGroupAsync(group, spans).ConfigureAwait(false);
            group.Clear();
        }
    }

    private int Take(ChannelReader<PendingBatch> reader, List<PendingBatch> group, int spans)
    {
        while (spans < _options.GroupMaxSpans && reader.TryRead(out var batch))
        {
            group.Add(batch);
            spans += batch.Spans.Count;
        }
        return spans;
    }

    // A short wait for concurrent submitters to join a small group: one commit instead of several.
    private async Task<int> LingerAsync(ChannelReader<PendingBatch> reader, List<PendingBatch> group, int spans)
    {
        using var linger = new CancellationTokenSource(_options.Linger);
        try
        {
            while (spans < _options.GroupMaxSpans && await reader.WaitToReadAsync(linger.Token).ConfigureAwait(false))
            {
                spans = Take(reader, group, spans);
            }
        }
        catch (OperationCanceledException) when (linger.IsCancellationRequested)
        {
        }
        return spans;
    }

    private async Task WriteGroupAsync(List<PendingBatch> group, int spans)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await _consumer.AcceptAsync(Concat(group, spans), CancellationToken.None).ConfigureAwait(false);
            _pipelineMetrics.Written(spans, Stopwatch.GetTimestamp() - start, succeeded: true);
            foreach (var batch in group) batch.Stored();
        }
        catch (Exception e)
        {
            _pipelineMetrics.Written(spans, Stopwatch.GetTimestamp() - start, succeeded: false);
            LogWriteFailed(e, spans, group.Count);
            string error = $"storage failed to write the spans: {e.Message}";
            foreach (var batch in group) batch.Failed(error);
        }
    }

    private static IReadOnlyList<Span> Concat(List<PendingBatch> group, int spans)
    {
        if (group.Count == 1) return group[0].Spans;
        var all = new Span[spans];
        int at = 0;
        foreach (var batch in group)
        {
            switch (batch.Spans)
            {
                case List<Span> list:
                    CollectionsMarshal.AsSpan(list).CopyTo(all.AsSpan(at));
                    at += list.Count;
                    break;
                case Span[] array:
                    array.CopyTo(all, at);
                    at += array.Length;
                    break;
                default:
                    foreach (var span in batch.Spans) all[at++] = span;
                    break;
            }
        }
        return all;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            if (_writers is not null) return Task.CompletedTask;
            _writers = new Task[_options.Writers];
            for (int i = 0; i < _writers.Length; i++) _writers[i] = Task.Run(WriteLoopAsync, CancellationToken.None);
        }
        LogStarted(_options.Writers, _options.QueueMaxSpans, _options.Ack, _sampler.Rate);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops admitting and waits until everything accepted is written. Called after the web server
    /// has stopped (<see cref="StoppedAsync"/>), so requests still in flight were answered first.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task[]? writers;
        lock (_lifecycle)
        {
            _closed = true;
            _channel.Writer.TryComplete();
            writers = _writers;
        }
        Interlocked.Exchange(ref _roomFreed, NewSignal()).TrySetResult();
        if (writers is null) return;
        long queued = _pipelineMetrics.QueuedSpans;
        if (queued > 0) LogDraining(queued);
        try
        {
            await Task.WhenAll(writers).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogDrainAbandoned(_pipelineMetrics.QueuedSpans);
            throw;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DrainAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Span pipeline started: {Writers} writers, queue of {QueueSpans} spans, ack {Ack}, sample rate {SampleRate}")]
    private partial void LogStarted(int writers, int queueSpans, AckMode ack, double sampleRate);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Rejected {Spans} spans from {Transport}: the queue stayed full for {AdmissionWaitMs} ms")]
    private partial void LogRejected(int spans, string transport, double admissionWaitMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Storage failed to write {Spans} spans of {Batches} batches; their submitters were told")]
    private partial void LogWriteFailed(Exception exception, int spans, int batches);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Draining {Spans} queued spans before shutdown")]
    private partial void LogDraining(long spans);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Shutdown timed out with {Spans} spans still queued")]
    private partial void LogDrainAbandoned(long spans);
}
