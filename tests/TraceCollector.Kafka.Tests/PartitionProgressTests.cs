using Confluent.Kafka;
using TraceCollector.Collector.Kafka;

namespace TraceCollector.Kafka.Tests;

public sealed class PartitionProgressTests
{
    [Fact]
    public void The_watermark_moves_only_over_a_contiguous_run_of_done_records()
    {
        var progress = new PartitionProgress(new TopicPartition("zipkin", 0));
        var first = progress.Add(10);
        var second = progress.Add(11);
        var third = progress.Add(13); // offsets may have gaps (compaction, transaction markers)

        Assert.Equal(-1, progress.CommittableOffset);
        Assert.Equal(10, progress.ResumeOffset);

        third.MarkDone();
        Assert.False(progress.Advance());
        Assert.Equal(-1, progress.CommittableOffset);

        first.MarkDone();
        Assert.True(progress.Advance());
        Assert.Equal(11, progress.CommittableOffset);

        second.MarkDone();
        Assert.True(progress.Advance());
        Assert.Equal(14, progress.CommittableOffset);
        Assert.Equal(0, progress.Pending);
    }

    [Fact]
    public void A_done_record_drops_its_spans()
    {
        var pending = new PartitionProgress(new TopicPartition("zipkin", 0)).Add(0);
        pending.Spans = Support.TestSpans.Trace(Support.TestSpans.NewTraceId(), 1);
        pending.MarkDone();
        Assert.Null(pending.Spans);
    }
}
