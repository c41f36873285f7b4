using Confluent.Kafka;
using TraceCollector.Model;

namespace TraceCollector.Collector.Kafka;

/// <summary>
/// One consumed record from the moment it is read until its spans are durable (or it was skipped).
/// Touched only by its stream's consume thread.
/// </summary>
internal sealed class PendingMessage
{
    public PendingMessage(PartitionProgress partition, long offset)
    {
        Partition = partition;
        Offset = offset;
    }

    public PartitionProgress Partition { get; }

    public long Offset { get; }

    /// <summary>The decoded spans, kept until they are durable so a refused submit can be retried as is.</summary>
    public IReadOnlyList<Span>? Spans { get; set; }

    public bool Done { get; private set; }

    /// <summary>Submits the sink refused so far; the partition stays paused while any of its messages has one outstanding.</summary>
    public int FailedAttempts { get; set; }

    public long RetryAtTicks { get; set; }

    public void MarkDone()
    {
        Done = true;
        Spans = null;
    }
}

/// <summary>
/// The at-least-once bookkeeping of one assigned partition: records in offset order, and the
/// offset up to which every record is done (durable or deliberately skipped). Only that contiguous
/// watermark is ever stored for commit, so a record still in flight, or refused by storage, holds
/// back the commit of every later record of its partition, however far those got.
/// </summary>
internal sealed class PartitionProgress
{
    private readonly Queue<PendingMessage> _pending = new();

    public PartitionProgress(TopicPartition topicPartition) => TopicPartition = topicPartition;

    public TopicPartition TopicPartition { get; }

    /// <summary>The next offset to consume after every done record, i.e. the offset to commit; -1 before any record is done.</summary>
    public long CommittableOffset { get; private set; } = -1;

    /// <summary>
    /// Where a restart would resume: the committable offset, or before any record is done the first
    /// one still pending; -1 when nothing was consumed yet.
    /// </summary>
    public long ResumeOffset => CommittableOffset >= 0 ? CommittableOffset : _pending.TryPeek(out var head) ? head.Offset : -1;

    /// <summary>Records of this partition whose last submit the sink refused.</summary>
    public int FailingMessages { get; set; }

    /// <summary>Whether the consumer currently has this partition paused.</summary>
    public bool Paused { get; set; }

    /// <summary>Set when the partition was revoked or lost: late completions of its records change nothing.</summary>
    public bool Released { get; set; }

    /// <summary>Records handed to the sink whose answer has not come back.</summary>
    public int InFlight { get; set; }

    /// <summary>Records consumed and not yet behind the watermark.</summary>
    public int Pending => _pending.Count;

    public PendingMessage Add(long offset)
    {
        var message = new PendingMessage(this, offset);
        _pending.Enqueue(message);
        return message;
    }

    /// <summary>Moves the watermark over the done records at the head; true when it moved.</summary>
    public bool Advance()
    {
        bool moved = false;
        while (_pending.TryPeek(out var head) && head.Done)
        {
            _pending.Dequeue();
            CommittableOffset = head.Offset + 1;
            moved = true;
        }
        return moved;
    }
}
