using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;

namespace TraceCollector.Collector.Kafka;

/// <summary>
/// One Kafka consumer on its own dedicated thread (Consume() blocks; it never runs on the thread
/// pool). The thread reads records, decodes them, hands their spans to the sink without waiting,
/// and, as the sink reports batches durable, moves each partition's contiguous watermark and stores
/// it for librdkafka's auto-commit. Every consumer call happens on this thread; sink completions
/// arrive on other threads and are queued back to it.
/// </summary>
internal sealed class KafkaConsumerStream
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly KafkaCollectorOptions _options;
    private readonly int _index;
    private readonly ISpanSink _sink;
    private readonly TransportMetrics _metrics;
    private readonly KafkaConsumerLag _lag;
    private readonly ILogger _logger;

    private readonly Dictionary<TopicPartition, PartitionProgress> _partitions = new();
    private readonly ConcurrentQueue<(PendingMessage Message, SubmitResult Result)> _completions = new();
    private readonly ManualResetEventSlim _completed = new(false);
    private readonly List<PendingMessage> _retries = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IConsumer<Ignore, SpanMessage>? _consumer;
    private Thread? _thread;
    private int _inFlight;
    private bool _backPressured;
    private bool _pauseStateChanged;
    private long _nextLagTicks;
    private volatile TopicPartition[] _assignment = Array.Empty<TopicPartition>();
    private volatile TopicPartition[] _paused = Array.Empty<TopicPartition>();

    public KafkaConsumerStream(KafkaCollectorOptions options, int index, ISpanSink sink, TransportMetrics metrics, KafkaConsumerLag lag, ILogger logger)
    {
        _options = options;
        _index = index;
        _sink = sink;
        _metrics = metrics;
        _lag = lag;
        _logger = logger;
    }

    /// <summary>Partitions this stream owns now.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _assignment;

    /// <summary>Partitions this stream holds paused now (storage refused a record, or too much in flight).</summary>
    public IReadOnlyList<TopicPartition> Paused => _paused;

    /// <summary>The consumer's librdkafka handle, for an admin client that shares its connections; null before Start.</summary>
    public Handle? Handle => _consumer?.Handle;

    /// <summary>Completes when the consume thread has ended and the consumer is released.</summary>
    public Task Exited => _exited.Task;

    public void Start()
    {
        var config = _options.BuildConsumerConfig(_index, out var ignored);
        if (ignored.Count > 0)
            _logger.LogWarning("Kafka consumer properties overruled to keep at-least-once delivery: {Properties}", string.Join(", ", ignored));

        _consumer = new ConsumerBuilder<Ignore, SpanMessage>(config)
            .SetValueDeserializer(SpanMessageDeserializer.Instance)
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => OnLost(partitions))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => OnLog(message))
            .Build();

        _thread = new Thread(Run) { IsBackground = true, Name = $"kafka-consumer-{_index}" };
        _thread.Start();
    }

    /// <summary>Clean stop: wait (bounded) for in-flight records to become durable, commit, leave the group.</summary>
    public void RequestStop() => _stop.Cancel();

    /// <summary>
    /// Crash-like stop: in-flight work is abandoned and nothing more is committed; the group
    /// reassigns the partitions after the session timeout and the next owner redelivers every record
    /// past the last commit.
    /// </summary>
    public void Abandon()
    {
        _abandon.Cancel();
        _stop.Cancel();
    }

    private bool Abandoned => _abandon.IsCancellationRequested;

    private void Run()
    {
        var consumer = _consumer!;
        try
        {
            consumer.Subscribe(_options.Topics);
            while (!_stop.IsCancellationRequested)
            {
                Pump();
                ConsumeResult<Ignore, SpanMessage>? record;
                try
                {
                    record = _backPressured ? ConsumeWhileBackPressured(consumer) : consumer.Consume(PollTimeout);
                }
                catch (ConsumeException e)
                {
                    _logger.LogWarning("Kafka consume error on {TopicPartition}: {Reason}", e.ConsumerRecord?.TopicPartition, e.Error.Reason);
                    continue;
                }
                if (record?.Message is not null) Accept(record);
            }
            if (!Abandoned) DrainForStop();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Kafka consumer {Stream} stopped by an unexpected error; uncommitted records will be redelivered", _index);
        }
        finally
        {
            Release(consumer);
        }
    }

    private void Release(IConsumer<Ignore, SpanMessage> consumer)
    {
        try
        {
            // Close runs the revoke handler (which commits the watermarks) and leaves the group at
            // once; a crash-like stop skips it, so the group only notices at the session timeout.
            if (!Abandoned) consumer.Close();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Kafka consumer {Stream} did not close cleanly", _index);
        }
        finally
        {
            consumer.Dispose();
            foreach (var partition in _partitions.Values) _lag.Remove(partition.TopicPartition.Topic, partition.TopicPartition.Partition.Value);
            _partitions.Clear();
            _assignment = Array.Empty<TopicPartition>();
            _paused = Array.Empty<TopicPartition>();
            _exited.TrySetResult();
        }
    }

    /// <summary>All partitions are paused: there is nothing to read, only completions to wait for. Consume(0) keeps rebalances and heartbeats served.</summary>
    private ConsumeResult<Ignore, SpanMessage>? ConsumeWhileBackPressured(IConsumer<Ignore, SpanMessage> consumer)
    {
        _completed.Wait(PollTimeout);
        return consumer.Consume(TimeSpan.Zero);
    }

    private void Pump()
    {
        DrainCompletions();
        SubmitDueRetries();
        ApplyPauses();
        long now = Stopwatch.GetTimestamp();
        if (now >= _nextLagTicks)
        {
            UpdateLag();
            _nextLagTicks = now + (long)(_options.LagInterval.TotalSeconds * Stopwatch.Frequency);
        }
    }

    private void Accept(ConsumeResult<Ignore, SpanMessage> record)
    {
        var topicPartition = record.TopicPartition;
        if (!_partitions.TryGetValue(topicPartition, out var partition))
        {
            partition = new PartitionProgress(topicPartition);
            _partitions[topicPartition] = partition;
        }

        var message = record.Message.Value;
        _metrics.RecordMessage(message.Bytes);
        var pending = partition.Add(record.Offset.Value);

        if (message.Error is not null)
        {
            _metrics.RecordMessageDropped();
            _logger.LogWarning("Dropped undecodable Kafka message {Topic}/{Partition}@{Offset} ({Bytes} bytes): {Reason}",
                topicPartition.Topic, topicPartition.Partition.Value, record.Offset.Value, message.Bytes, message.Error);
            pending.MarkDone();
        }
        else if (message.Spans.Count == 0)
        {
            pending.MarkDone();
        }
        else
        {
            // The sink counts the spans (and any it samples out) under the transport label.
            pending.Spans = message.Spans;
            Submit(pending);
        }
        StoreWatermark(partition);
    }

    private void Submit(PendingMessage pending)
    {
        _inFlight++;
        pending.Partition.InFlight++;
        ValueTask<SubmitResult> submit;
        try
        {
            // Retrying: a refusal is not a drop here, and a resubmitted batch is not counted twice.
            submit = _sink.SubmitRetryingAsync(pending.Spans!, "kafka", resubmit: pending.FailedAttempts > 0, _abandon.Token);
        }
        catch (Exception e)
        {
            submit = ValueTask.FromResult(new SubmitResult(SubmitOutcome.Failed, 0, 0, e.Message));
        }

        if (submit.IsCompleted) Complete(pending, ResultOf(submit));
        else _ = AwaitSubmitAsync(pending, submit);
    }

    private static SubmitResult ResultOf(ValueTask<SubmitResult> completed)
    {
        try
        {
            return completed.Result;
        }
        catch (Exception e)
        {
            return new SubmitResult(SubmitOutcome.Failed, 0, 0, e.Message);
        }
    }

    private async Task AwaitSubmitAsync(PendingMessage pending, ValueTask<SubmitResult> submit)
    {
        SubmitResult result;
        try
        {
            result = await submit.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            result = new SubmitResult(SubmitOutcome.Failed, 0, 0, e.Message);
        }
        _completions.Enqueue((pending, result));
        _completed.Set();
    }

    private void DrainCompletions()
    {
        _completed.Reset();
        while (_completions.TryDequeue(out var completion)) Complete(completion.Message, completion.Result);
    }

    private void Complete(PendingMessage pending, SubmitResult result)
    {
        _inFlight--;
        var partition = pending.Partition;
        partition.InFlight--;
        if (partition.Released || Abandoned) return;

        if (result.Outcome == SubmitOutcome.Stored)
        {
            if (pending.FailedAttempts > 0)
            {
                partition.FailingMessages--;
                _pauseStateChanged = true;
                _logger.LogInformation("Kafka message {Topic}/{Partition}@{Offset} stored after {Attempts} refused attempts",
                    partition.TopicPartition.Topic, partition.TopicPartition.Partition.Value, pending.Offset, pending.FailedAttempts);
            }
            pending.MarkDone();
            StoreWatermark(partition);
            return;
        }

        // Refused (pipeline full, storage failing, shutting down): never dropped. The partition
        // pauses and the same spans are submitted again after a back-off.
        if (pending.FailedAttempts == 0)
        {
            partition.FailingMessages++;
            _pauseStateChanged = true;
        }
        pending.FailedAttempts++;
        var backoff = Backoff(pending.FailedAttempts);
        pending.RetryAtTicks = Stopwatch.GetTimestamp() + (long)(backoff.TotalSeconds * Stopwatch.Frequency);
        _retries.Add(pending);
        if (IsPowerOfTwo(pending.FailedAttempts))
        {
            _logger.LogWarning("Kafka message {Topic}/{Partition}@{Offset} not stored ({Outcome}: {Error}); partition paused, attempt {Attempt} again in {Backoff} ms",
                partition.TopicPartition.Topic, partition.TopicPartition.Partition.Value, pending.Offset, result.Outcome, result.Error,
                pending.FailedAttempts + 1, (int)backoff.TotalMilliseconds);
        }
    }

    private static bool IsPowerOfTwo(int n) => (n & (n - 1)) == 0;

    private TimeSpan Backoff(int attempts)
    {
        double factor = Math.Pow(2, Math.Min(attempts - 1, 20));
        var wait = TimeSpan.FromTicks((long)Math.Min(_options.InitialRetryBackoff.Ticks * factor, _options.MaxRetryBackoff.Ticks));
        return wait;
    }

    private void SubmitDueRetries()
    {
        if (_retries.Count == 0) return;
        long now = Stopwatch.GetTimestamp();
        for (int i = _retries.Count - 1; i >= 0; i--)
        {
            var pending = _retries[i];
            if (pending.Partition.Released)
            {
                _retries.RemoveAt(i);
            }
            else if (now >= pending.RetryAtTicks)
            {
                _retries.RemoveAt(i);
                Submit(pending);
            }
        }
    }

    /// <summary>Pauses a partition while one of its records is refused, and every partition while too much is in flight (resuming at half).</summary>
    private void ApplyPauses()
    {
        bool backPressured = _backPressured
            ? _inFlight > _options.MaxInFlightMessages / 2
            : _inFlight >= _options.MaxInFlightMessages;
        if (backPressured == _backPressured && !_pauseStateChanged) return;
        _backPressured = backPressured;
        _pauseStateChanged = false;

        List<TopicPartition>? pause = null, resume = null;
        foreach (var partition in _partitions.Values)
        {
            bool wanted = backPressured || partition.FailingMessages > 0;
            if (wanted == partition.Paused) continue;
            partition.Paused = wanted;
            (wanted ? pause ??= new() : resume ??= new()).Add(partition.TopicPartition);
        }
        try
        {
            if (pause is not null) _consumer!.Pause(pause);
            if (resume is not null) _consumer!.Resume(resume);
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("Kafka pause/resume failed: {Reason}", e.Error.Reason);
        }
        PublishPaused();
    }

    private void PublishPaused()
    {
        var paused = new List<TopicPartition>();
        foreach (var partition in _partitions.Values)
        {
            if (partition.Paused) paused.Add(partition.TopicPartition);
        }
        _paused = paused.ToArray();
    }

    private void StoreWatermark(PartitionProgress partition)
    {
        if (!partition.Advance() || partition.Released) return;
        try
        {
            _consumer!.StoreOffset(new TopicPartitionOffset(partition.TopicPartition, new Offset(partition.CommittableOffset)));
        }
        catch (KafkaException e)
        {
            // The partition left us between the record's consumption and its durability; the next owner redelivers it.
            _logger.LogDebug("Offset for {TopicPartition} not stored: {Reason}", partition.TopicPartition, e.Error.Reason);
        }
    }

    private void UpdateLag()
    {
        var consumer = _consumer!;
        foreach (var partition in _partitions.Values)
        {
            var topicPartition = partition.TopicPartition;
            var watermarks = consumer.GetWatermarkOffsets(topicPartition);
            if (watermarks.High.IsSpecial) continue;
            long next = partition.ResumeOffset >= 0 ? partition.ResumeOffset : Position(consumer, topicPartition);
            if (next < 0) continue;
            _lag.Set(topicPartition.Topic, topicPartition.Partition.Value, watermarks.High.Value - next);
        }
    }

    private static long Position(IConsumer<Ignore, SpanMessage> consumer, TopicPartition topicPartition)
    {
        try
        {
            var position = consumer.Position(topicPartition);
            return position.IsSpecial ? -1 : position.Value;
        }
        catch (KafkaException)
        {
            return -1;
        }
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        foreach (var topicPartition in assigned)
        {
            if (_partitions.TryGetValue(topicPartition, out var stale)) stale.Released = true;
            _partitions[topicPartition] = new PartitionProgress(topicPartition);
        }
        _pauseStateChanged = true;
        PublishAssignment();
        _logger.LogInformation("Kafka consumer {Stream} assigned {Partitions}", _index, string.Join(", ", assigned));
    }

    /// <summary>
    /// The group takes partitions away (a rebalance, or our own Close). Records of those partitions
    /// still in the sink get a bounded time to become durable; then the watermark, which never
    /// passes an unfinished record, is committed, and whatever is unfinished is left for the next
    /// owner to redeliver.
    /// </summary>
    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        var leaving = new List<PartitionProgress>(revoked.Count);
        foreach (var entry in revoked)
        {
            if (_partitions.TryGetValue(entry.TopicPartition, out var partition)) leaving.Add(partition);
        }

        if (!Abandoned)
        {
            long deadline = Stopwatch.GetTimestamp() + (long)(_options.RevokeDrainTimeout.TotalSeconds * Stopwatch.Frequency);
            while (AnyInFlight(leaving) && Stopwatch.GetTimestamp() < deadline && !Abandoned)
            {
                _completed.Wait(PollTimeout);
                DrainCompletions();
            }
            CommitWatermarks(leaving);
        }

        int abandoned = 0;
        foreach (var partition in leaving)
        {
            abandoned += partition.Pending;
            Forget(partition);
        }
        PublishAssignment();
        PublishPaused();
        _logger.LogInformation("Kafka consumer {Stream} revoked {Partitions}; {Abandoned} unfinished records left for redelivery",
            _index, string.Join(", ", revoked), abandoned);
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        // Another member may own these already: committing now could move its offsets, so nothing is committed.
        foreach (var entry in lost)
        {
            if (_partitions.TryGetValue(entry.TopicPartition, out var partition)) Forget(partition);
        }
        PublishAssignment();
        PublishPaused();
        _logger.LogWarning("Kafka consumer {Stream} lost {Partitions}; their uncommitted records will be redelivered", _index, string.Join(", ", lost));
    }

    private void Forget(PartitionProgress partition)
    {
        partition.Released = true;
        _partitions.Remove(partition.TopicPartition);
        _lag.Remove(partition.TopicPartition.Topic, partition.TopicPartition.Partition.Value);
        _retries.RemoveAll(pending => pending.Partition == partition);
        _pauseStateChanged = true;
    }

    private static bool AnyInFlight(List<PartitionProgress> partitions)
    {
        foreach (var partition in partitions)
        {
            if (partition.InFlight > 0) return true;
        }
        return false;
    }

    private void CommitWatermarks(List<PartitionProgress> partitions)
    {
        var offsets = new List<TopicPartitionOffset>(partitions.Count);
        foreach (var partition in partitions)
        {
            if (partition.CommittableOffset >= 0) offsets.Add(new TopicPartitionOffset(partition.TopicPartition, new Offset(partition.CommittableOffset)));
        }
        if (offsets.Count == 0) return;
        try
        {
            _consumer!.Commit(offsets);
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("Kafka commit of {Offsets} failed ({Reason}); the records after the last commit will be redelivered", string.Join(", ", offsets), e.Error.Reason);
        }
    }

    /// <summary>A clean stop: nothing new is read; records in the sink (and refused ones, retried) get a bounded time to land.</summary>
    private void DrainForStop()
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.ShutdownDrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while ((_inFlight > 0 || _retries.Count > 0) && Stopwatch.GetTimestamp() < deadline)
        {
            _completed.Wait(PollTimeout);
            DrainCompletions();
            SubmitDueRetries();
        }
        if (_inFlight > 0 || _retries.Count > 0)
            _logger.LogWarning("Kafka consumer {Stream} stopping with {InFlight} records not yet durable; they stay uncommitted", _index, _inFlight + _retries.Count);
    }

    private void PublishAssignment()
    {
        var assignment = new TopicPartition[_partitions.Count];
        _partitions.Keys.CopyTo(assignment, 0);
        _assignment = assignment;
    }

    private void OnError(Error error)
    {
        if (error.IsFatal) _logger.LogCritical("Kafka consumer {Stream} fatal error: {Reason}", _index, error.Reason);
        else _logger.LogWarning("Kafka consumer {Stream}: {Reason}", _index, error.Reason);
    }

    private void OnLog(LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
            SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        // librdkafka's notices are noisy (every reconnect); keep them at debug unless they are warnings or worse.
        if (level == LogLevel.Information) level = LogLevel.Debug;
        if (_logger.IsEnabled(level)) _logger.Log(level, "librdkafka {Facility}: {Message}", message.Facility, message.Message);
    }
}
