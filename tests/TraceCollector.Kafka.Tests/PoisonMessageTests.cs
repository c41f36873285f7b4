using System.Text;
using Microsoft.Extensions.Logging;
using TraceCollector.Codecs;
using TraceCollector.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace TraceCollector.Kafka.Tests;

/// <summary>A record that is not spans is counted, logged with where it was, and skipped; it never stalls its partition.</summary>
[Collection(KafkaCollection.Name)]
public sealed class PoisonMessageTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(KafkaTestCluster.Kinds), MemberType = typeof(KafkaTestCluster))]
    public async Task A_poison_message_between_good_ones_is_counted_and_skipped(string kind)
    {
        await using var scenario = new KafkaScenario(kind, output);
        string topic = await scenario.TopicAsync(partitions: 1);
        string group = scenario.Cluster.NewGroup("poison");

        var before = TestSpans.NewTraceId();
        var after = TestSpans.NewTraceId();
        await scenario.ProduceAsync(topic, 0, JsonV2Encoder.EncodeList(TestSpans.Trace(before, 3)));
        await scenario.ProduceAsync(topic, 0, Encoding.UTF8.GetBytes("[{\"traceId\":\"not hex\",\"id\":\"1\"}]"));
        await scenario.ProduceAsync(topic, 0, Array.Empty<byte>());
        await scenario.ProduceAsync(topic, 0, JsonV2Encoder.EncodeList(TestSpans.Trace(after, 2)));
        scenario.Expect(before, 3);
        scenario.Expect(after, 2);

        var collector = scenario.StartCollector(topic, group);
        await scenario.AllStoredOnceAsync();

        Assert.Equal(1, collector.Metrics.MessagesDropped);
        Assert.Equal(4, collector.Metrics.Messages);
        Assert.True(scenario.Log.Contains(LogLevel.Warning, $"{topic}/0@1"), "the drop is logged with topic/partition@offset");
        // Skipped records are committable: the group's offset reaches the end of the partition.
        await Eventually.HoldsAsync(async () => (await scenario.CommittedAsync(topic, group, 1))[0] == 4, () => "committed past the poison message");
    }
}
