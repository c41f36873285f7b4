using System.Text;
using System.Text.Json;
using TraceCollector.Collector.Kafka;

namespace TraceCollector.Kafka.Tests;

public sealed class KafkaConsumerLagTests
{
    [Fact]
    public void Lag_renders_per_partition_for_prometheus_and_metrics()
    {
        var lag = new KafkaConsumerLag();
        lag.Set("zipkin", 1, 7);
        lag.Set("zipkin", 0, 3);
        lag.Set("zipkin", 2, -5); // a stale high watermark never shows as negative lag
        lag.Set("other", 0, 9);
        lag.Remove("other", 0);

        var text = new StringBuilder();
        lag.WritePrometheus(text);
        Assert.Equal(
            "# HELP zipkin_collector_kafka_consumer_lag Records of the partition not yet durable through this collector: high watermark minus the offset a restart resumes from\n" +
            "# TYPE zipkin_collector_kafka_consumer_lag gauge\n" +
            "zipkin_collector_kafka_consumer_lag{transport=\"kafka\",topic=\"zipkin\",partition=\"0\"} 3\n" +
            "zipkin_collector_kafka_consumer_lag{transport=\"kafka\",topic=\"zipkin\",partition=\"1\"} 7\n" +
            "zipkin_collector_kafka_consumer_lag{transport=\"kafka\",topic=\"zipkin\",partition=\"2\"} 0\n",
            text.ToString());

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            lag.WriteJson(json);
            json.WriteEndObject();
        }
        Assert.Equal("{\"gauge.zipkin_collector.kafka_consumer_lag.zipkin.0\":3,\"gauge.zipkin_collector.kafka_consumer_lag.zipkin.1\":7,\"gauge.zipkin_collector.kafka_consumer_lag.zipkin.2\":0}",
            Encoding.UTF8.GetString(stream.ToArray()));
    }
}
