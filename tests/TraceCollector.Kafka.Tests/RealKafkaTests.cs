using Confluent.Kafka;
using TraceCollector.Kafka.Tests.Support;

namespace TraceCollector.Kafka.Tests;

/// <summary>Skipped, with the reason in the test output, unless KAFKA_BOOTSTRAP_SERVERS names a Kafka for the tests.</summary>
public sealed class RealKafkaFactAttribute : FactAttribute
{
    public RealKafkaFactAttribute()
    {
        if (KafkaTestCluster.RealBootstrapServers is null)
            Skip = "KAFKA_BOOTSTRAP_SERVERS is not set: the real-Kafka run of the Kafka suite was skipped (only the librdkafka mock cluster ran)";
    }
}

public sealed class RealKafkaTests
{
    /// <summary>When it runs, every [Theory] of the suite ran against this cluster too; this checks the cluster answers.</summary>
    [RealKafkaFact]
    public void The_configured_Kafka_answers_metadata()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = KafkaTestCluster.RealBootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(20));
        Assert.NotEmpty(metadata.Brokers);
    }
}
