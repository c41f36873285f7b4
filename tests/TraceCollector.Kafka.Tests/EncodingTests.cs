using TraceCollector.Codecs;
using TraceCollector.Kafka.Tests.Support;
using TraceCollector.Model;
using Xunit.Abstractions;

namespace TraceCollector.Kafka.Tests;

/// <summary>Every encoding Zipkin's Kafka collector accepts, detected from the bytes of each record (zipkin-contract §2.1).</summary>
[Collection(KafkaCollection.Name)]
public sealed class EncodingTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(KafkaTestCluster.Kinds), MemberType = typeof(KafkaTestCluster))]
    public async Task Json_v2_proto3_json_v1_and_thrift_messages_are_read_back_from_storage(string kind)
    {
        await using var scenario = new KafkaScenario(kind, output);
        string topic = await scenario.TopicAsync(partitions: 2);
        string group = scenario.Cluster.NewGroup("encodings");

        var encoders = new (string Name, Func<IReadOnlyList<Span>, byte[]> Encode)[]
        {
            ("json v2", JsonV2Encoder.EncodeList),
            ("proto3", Proto3Encoder.EncodeList),
            ("json v1", JsonV1Encoder.EncodeList),
            ("thrift", ThriftEncoder.EncodeList),
        };
        var sent = new List<(string Encoding, IReadOnlyList<Span> Spans)>();
        for (int i = 0; i < encoders.Length; i++)
        {
            var spans = TestSpans.Trace(TestSpans.NewTraceId(), 3, service: "svc-" + i);
            await scenario.ProduceAsync(topic, i % 2, encoders[i].Encode(spans));
            scenario.Expect(spans[0].TraceId, spans.Count);
            sent.Add((encoders[i].Name, spans));
        }

        var collector = scenario.StartCollector(topic, group);
        await scenario.AllStoredOnceAsync();

        Assert.Equal(0, collector.Metrics.MessagesDropped);
        Assert.Equal(encoders.Length, collector.Metrics.Messages);
        foreach (var (encoding, spans) in sent)
        {
            var stored = (await scenario.Store.GetTraceAsync(spans[0].TraceId)).OrderBy(s => s.Id).ToList();
            Assert.True(spans.Count == stored.Count, $"{encoding}: {stored.Count} of {spans.Count} spans");
            for (int i = 0; i < spans.Count; i++)
            {
                Assert.True(spans[i].Name == stored[i].Name && spans[i].LocalServiceName == stored[i].LocalServiceName
                    && spans[i].Timestamp == stored[i].Timestamp && spans[i].Duration == stored[i].Duration,
                    $"{encoding}: span {spans[i].Id} came back as {stored[i]}");
            }
        }
    }
}
