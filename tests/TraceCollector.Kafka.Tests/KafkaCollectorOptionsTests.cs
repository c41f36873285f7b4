using Microsoft.Extensions.Configuration;
using TraceCollector.Collector.Kafka;

namespace TraceCollector.Kafka.Tests;

public sealed class KafkaCollectorOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Disabled_unless_bootstrap_servers_are_set()
    {
        Assert.Null(KafkaCollectorOptions.FromConfiguration(Config()));
        Assert.Null(KafkaCollectorOptions.FromConfiguration(Config(("KAFKA_BOOTSTRAP_SERVERS", "k:9092"), ("COLLECTOR_KAFKA_ENABLED", "false"))));
        Assert.NotNull(KafkaCollectorOptions.FromConfiguration(Config(("KAFKA_BOOTSTRAP_SERVERS", "k:9092"), ("COLLECTOR_KAFKA_ENABLED", "true"))));
    }

    [Fact]
    public void Zipkin_defaults_apply()
    {
        var options = KafkaCollectorOptions.FromConfiguration(Config(("KAFKA_BOOTSTRAP_SERVERS", "k:9092")))!;
        Assert.Equal(["zipkin"], options.Topics);
        Assert.Equal("zipkin", options.GroupId);
        Assert.Equal(1, options.Streams);
        var consumer = options.BuildConsumerConfig(0, out var ignored);
        Assert.Empty(ignored);
        Assert.Equal("k:9092", consumer.BootstrapServers);
        Assert.Equal(Confluent.Kafka.AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
    }

    [Fact]
    public void Topics_group_streams_and_librdkafka_properties_are_read()
    {
        var options = KafkaCollectorOptions.FromConfiguration(Config(
            ("KAFKA_BOOTSTRAP_SERVERS", "a:9092,b:9092"),
            ("KAFKA_TOPIC", "zipkin, zipkin-b ,"),
            ("KAFKA_GROUP_ID", "collectors"),
            ("KAFKA_STREAMS", "3"),
            ("KAFKA_CONSUMER_SECURITY_PROTOCOL", "SASL_SSL"),
            ("KAFKA_CONSUMER_SASL_MECHANISM", "PLAIN"),
            ("kafka_consumer_max_poll_interval_ms", "600000")))!;

        Assert.Equal(["zipkin", "zipkin-b"], options.Topics);
        Assert.Equal("collectors", options.GroupId);
        Assert.Equal(3, options.Streams);
        var consumer = options.BuildConsumerConfig(2, out _);
        Assert.Equal("SASL_SSL", consumer.Get("security.protocol"));
        Assert.Equal("PLAIN", consumer.Get("sasl.mechanism"));
        Assert.Equal("600000", consumer.Get("max.poll.interval.ms"));
        Assert.Equal("tracecollector-2", consumer.ClientId);
    }

    [Fact]
    public void Settings_that_would_break_at_least_once_are_overruled_and_reported()
    {
        var options = KafkaCollectorOptions.FromConfiguration(Config(
            ("KAFKA_BOOTSTRAP_SERVERS", "k:9092"),
            ("KAFKA_CONSUMER_ENABLE_AUTO_OFFSET_STORE", "true"),
            ("KAFKA_CONSUMER_AUTO_OFFSET_RESET", "latest")))!;

        var consumer = options.BuildConsumerConfig(0, out var ignored);
        Assert.Equal(false, consumer.EnableAutoOffsetStore);
        Assert.Equal(["enable.auto.offset.store=true"], ignored);
        Assert.Equal(Confluent.Kafka.AutoOffsetReset.Latest, consumer.AutoOffsetReset);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void A_bad_stream_count_is_named(string streams)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            KafkaCollectorOptions.FromConfiguration(Config(("KAFKA_BOOTSTRAP_SERVERS", "k:9092"), ("KAFKA_STREAMS", streams))));
        Assert.Contains("KAFKA_STREAMS", error.Message);
    }
}
