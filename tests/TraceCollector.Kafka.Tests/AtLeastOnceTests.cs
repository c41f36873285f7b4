using Microsoft.Extensions.Logging;
using TraceCollector.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace TraceCollector.Kafka.Tests;

/// <summary>No span that reached Kafka is lost when a collector dies, shares its group, or storage fails for a while.</summary>
[Collection(KafkaCollection.Name)]
public sealed class AtLeastOnceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(KafkaTestCluster.Kinds), MemberType = typeof(KafkaTestCluster))]
    public async Task A_killed_collectors_records_are_redelivered_to_the_next_and_read_once(string kind)
    {
        await using var scenario = new KafkaScenario(kind, output);
        string topic = await scenario.TopicAsync(partitions: 2);
        string group = scenario.Cluster.NewGroup("kill");
        await scenario.ProduceTracesAsync(topic, messages: 40, spansPerMessage: 5, partitions: 2);

        scenario.PipelineOptions = new() { GroupMaxSpans = 1 }; // one storage write per message
        // The first collector stores 10 messages, then its storage hangs: it dies mid-stream with
        // stored-but-uncommitted records (commits are held back a minute) and records in flight.
        scenario.Storage.BlockAfter(10);
        var first = scenario.StartCollector(topic, group, ("KAFKA_CONSUMER_AUTO_COMMIT_INTERVAL_MS", "60000"));
        await Eventually.HoldsAsync(() => scenario.Storage.Batches >= 10 && scenario.Storage.Blocked > 0,
            () => $"first collector stored {scenario.Storage.Batches} batches, {scenario.Storage.Blocked} blocked");
        first.Kill();
        scenario.Storage.Unblock();
        long writtenByFirst = scenario.Storage.SpansWritten;

        var second = scenario.StartCollector(topic, group);
        await scenario.AllStoredOnceAsync();

        // Redelivery really happened (what the first stored came again), yet a reader sees every span once.
        Assert.True(scenario.Storage.SpansWritten >= scenario.ProducedSpans + writtenByFirst,
            $"written {scenario.Storage.SpansWritten}, produced {scenario.ProducedSpans}, first wrote {writtenByFirst}");
        Assert.Equal(0, scenario.Shortfall());
        Assert.Equal(0, second.Metrics.MessagesDropped);
        await Eventually.HoldsAsync(async () => (await scenario.CommittedAsync(topic, group, 2)).Sum() == 40,
            () => "the second collector commits to the end of both partitions");
    }

    [Theory]
    [MemberData(nameof(KafkaTestCluster.Kinds), MemberType = typeof(KafkaTestCluster))]
    public async Task A_killed_collector_never_committed_past_what_was_durable(string kind)
    {
        await using var scenario = new KafkaScenario(kind, output);
        string topic = await scenario.TopicAsync(partitions: 2);
        string group = scenario.Cluster.NewGroup("kill-commit");
        await scenario.ProduceTracesAsync(topic, messages: 40, spansPerMessage: 5, partitions: 2);

        scenario.PipelineOptions = new() { GroupMaxSpans = 1 }; // one storage write per message
        // Storage hangs after 10 writes while librdkafka keeps auto-committing every second: the
        // commits must stop at the durable watermark, never at what was merely consumed.
        scenario.Storage.BlockAfter(10);
        var first = scenario.StartCollector(topic, group);
        await Eventually.HoldsAsync(() => scenario.Storage.Blocked > 0 && first.Metrics.Messages == 40,
            () => $"first collector read {first.Metrics.Messages} messages, {scenario.Storage.Blocked} writes blocked");
        await Eventually.HoldsAsync(async () => (await scenario.CommittedAsync(topic, group, 2)).Sum() > 0, () => "the first collector committed its durable records");
        first.Kill();
        long committed = (await scenario.CommittedAsync(topic, group, 2)).Sum();
        Assert.True(committed * 5 <= scenario.Storage.SpansWritten, $"committed {committed} records but only {scenario.Storage.SpansWritten} spans are stored");
        Assert.True(committed < 40, $"committed {committed} of 40 records while storage was hung");
        scenario.Storage.Unblock();

        scenario.StartCollector(topic, group);
        await scenario.AllStoredOnceAsync();
    }

    [Theory]
    [MemberData(nameof(KafkaTestCluster.Kinds), MemberType = typeof(KafkaTestCluster))]
    public async Task Two_collectors_in_one_group_share_the_partitions_and_store_every_span(string kind)
    {
        await using var scenario = new KafkaScenario(kind, output);
        const int partitions = 4;
        string topic = await scenario.TopicAsync(partitions);
        string group = scenario.Cluster.NewGroup("share");

        var a = scenario.StartCollector(topic, group);
        var b = scenario.StartCollector(topic, group);
        await Eventually.HoldsAsync(
            () => a.Collector.Assignment.Count > 0 && b.Collector.Assignment.Count > 0
                && a.Collector.Assignment.Count + b.Collector.Assignment.Count == partitions,
            () => $"assignment a=[{string.Join(",", a.Collector.Assignment)}] b=[{string.Join(",", b.Collector.Assignment)}]");
        Assert.Empty(a.Collector.Assignment.Intersect(b.Collector.Assignment));

        await scenario.ProduceTracesAsync(topic, messages: 80, spansPerMessage: 3, partitions);
        await scenario.AllStoredOnceAsync();

        Assert.True(a.Metrics.Messages > 0 && b.Metrics.Messages > 0, $"a read {a.Metrics.Messages}, b read {b.Metrics.Messages}");
        Assert.True(a.Metrics.Messages + b.Metrics.Messages >= 80);
        await Eventually.HoldsAsync(async () => (await scenario.CommittedAsync(topic, group, partitions)).Sum() == 80,
            () => "both collectors commit to the end of their partitions");
    }

    [Theory]
    [MemberData(nameof(KafkaTestCluster.Kinds), MemberType = typeof(KafkaTestCluster))]
    public async Task Storage_failing_for_a_while_pauses_consumption_then_everything_lands(string kind)
    {
        await using var scenario = new KafkaScenario(kind, output);
        string topic = await scenario.TopicAsync(partitions: 2);
        string group = scenario.Cluster.NewGroup("outage");
        scenario.Storage.Failing = true;

        var collector = scenario.StartCollector(topic, group);
        await scenario.ProduceTracesAsync(topic, messages: 30, spansPerMessage: 4, partitions: 2);

        await Eventually.HoldsAsync(() => collector.Collector.Paused.Count == 2 && scenario.Storage.Failures >= 4,
            () => $"paused [{string.Join(",", collector.Collector.Paused)}], {scenario.Storage.Failures} failed writes");
        Assert.Equal(0, scenario.Storage.SpansWritten);
        Assert.All(await scenario.CommittedAsync(topic, group, 2), offset => Assert.True(offset == 0, $"committed {offset} while nothing is stored"));
        await Eventually.HoldsAsync(() => collector.Lag.Snapshot().Sum(l => l.Lag) > 0, () => "lag reported while storage is down");

        scenario.Storage.Failing = false;
        await scenario.AllStoredOnceAsync();
        await Eventually.HoldsAsync(() => collector.Collector.Paused.Count == 0, () => "partitions resumed");
        // Refused and retried is not dropped, and a retried message's spans are counted once.
        Assert.Equal(0, collector.Metrics.MessagesDropped);
        Assert.Equal(0, collector.Metrics.SpansDropped);
        Assert.Equal(scenario.ProducedSpans, collector.Metrics.Spans);
        await Eventually.HoldsAsync(async () => (await scenario.CommittedAsync(topic, group, 2)).Sum() == 30, () => "committed to the end");
        await Eventually.HoldsAsync(() => collector.Lag.Snapshot() is { Count: 2 } lag && lag.All(l => l.Lag == 0),
            () => "lag back to 0: " + string.Join(", ", collector.Lag.Snapshot()));
    }

    [Fact]
    public async Task A_broker_taken_down_and_brought_back_loses_nothing()
    {
        await using var scenario = new KafkaScenario(KafkaTestCluster.Mock, output);
        var broker = scenario.Cluster.MockCluster!;
        string topic = await scenario.TopicAsync(partitions: 2);
        string group = scenario.Cluster.NewGroup("broker");
        var collector = scenario.StartCollector(topic, group);

        await scenario.ProduceTracesAsync(topic, messages: 20, spansPerMessage: 3, partitions: 2);
        await scenario.AllStoredOnceAsync();
        Assert.True((await collector.Collector.CheckAsync()).IsHealthy);

        broker.SetBrokerDown(1);
        await Eventually.HoldsAsync(() => scenario.Log.Contains(LogLevel.Warning, "down"), () => "the collector noticed the broker went away");
        var health = await collector.Collector.CheckAsync();
        Assert.False(health.IsHealthy);
        output.WriteLine($"health while the broker is down: {health}");
        var whileDown = scenario.ProduceTracesAsync(topic, messages: 20, spansPerMessage: 3, partitions: 2);
        broker.SetBrokerUp(1);
        await whileDown;
        await Eventually.HoldsAsync(async () => (await collector.Collector.CheckAsync()).IsHealthy, () => "healthy again once the broker is back");

        await scenario.AllStoredOnceAsync();
        Assert.Equal(0, collector.Metrics.MessagesDropped);
        await Eventually.HoldsAsync(async () => (await scenario.CommittedAsync(topic, group, 2)).Sum() == 40, () => "committed to the end");
    }
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection
{
    // One Kafka scenario at a time: each runs brokers, consumers and a producer, and the machine is small.
    public const string Name = "kafka";
}
