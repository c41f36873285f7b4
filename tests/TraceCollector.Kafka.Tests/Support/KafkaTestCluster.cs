using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>
/// Where a test's topics live: a fresh librdkafka mock cluster per test, or, when
/// KAFKA_BOOTSTRAP_SERVERS is set for the test run, a real Kafka with a topic and group per test.
/// </summary>
public abstract class KafkaTestCluster : IDisposable
{
    public const string Mock = "mock";
    public const string Real = "real";

    /// <summary>The bootstrap list of a real Kafka for the tests, or null when the real-Kafka run is skipped.</summary>
    public static string? RealBootstrapServers => Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS") is { Length: > 0 } servers ? servers : null;

    /// <summary>Theory data: the mock cluster always, a real Kafka when one is configured.</summary>
    public static TheoryData<string> Kinds()
    {
        var kinds = new TheoryData<string> { Mock };
        if (RealBootstrapServers is not null) kinds.Add(Real);
        return kinds;
    }

    public static KafkaTestCluster Create(string kind, int brokers = 1) => kind switch
    {
        Mock => new MockTestCluster(brokers),
        Real => new RealTestCluster(RealBootstrapServers ?? throw new InvalidOperationException("KAFKA_BOOTSTRAP_SERVERS is not set")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "mock or real"),
    };

    public abstract string BootstrapServers { get; }

    /// <summary>Creates a topic with a name unique to this test and returns it.</summary>
    public abstract Task<string> CreateTopicAsync(string prefix, int partitions);

    /// <summary>A consumer group unique to this test.</summary>
    public string NewGroup(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public abstract void Dispose();

    private sealed class MockTestCluster(int brokers) : KafkaTestCluster
    {
        private readonly MockKafkaCluster _cluster = new(brokers);

        public MockKafkaCluster Cluster => _cluster;

        public override string BootstrapServers => _cluster.BootstrapServers;

        public override Task<string> CreateTopicAsync(string prefix, int partitions)
        {
            string topic = $"{prefix}-{Guid.NewGuid():N}";
            _cluster.CreateTopic(topic, partitions);
            return Task.FromResult(topic);
        }

        public override void Dispose() => _cluster.Dispose();
    }

    private sealed class RealTestCluster(string bootstrapServers) : KafkaTestCluster
    {
        private readonly List<string> _topics = new();

        public override string BootstrapServers => bootstrapServers;

        public override async Task<string> CreateTopicAsync(string prefix, int partitions)
        {
            string topic = $"{prefix}-{Guid.NewGuid():N}";
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
            _topics.Add(topic);
            return topic;
        }

        public override void Dispose()
        {
            if (_topics.Count == 0) return;
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
            try
            {
                admin.DeleteTopicsAsync(_topics).GetAwaiter().GetResult();
            }
            catch (DeleteTopicsException)
            {
                // Left behind on a real cluster; names are unique, so no later test reads them.
            }
        }
    }

    /// <summary>The mock cluster, for the tests that take brokers down; null against a real Kafka.</summary>
    public MockKafkaCluster? MockCluster => (this as MockTestCluster)?.Cluster;
}
