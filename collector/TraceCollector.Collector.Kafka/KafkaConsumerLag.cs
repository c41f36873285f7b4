using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TraceCollector.Collector.Metrics;

namespace TraceCollector.Collector.Kafka;

/// <summary>
/// Consumer lag per assigned partition: the partition's high watermark minus the offset this
/// collector would commit (every record below it is durable). Written by the consume threads about
/// once a second, read by the metrics renderer.
/// </summary>
public sealed class KafkaConsumerLag : ICollectorMetricsSource
{
    private const string Metric = "zipkin_collector_kafka_consumer_lag";

    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _lag = new();

    public void Set(string topic, int partition, long lag) => _lag[(topic, partition)] = Math.Max(0, lag);

    /// <summary>The partition left this collector (revoked or lost): its lag is another collector's to report.</summary>
    public void Remove(string topic, int partition) => _lag.TryRemove((topic, partition), out _);

    /// <summary>(topic, partition, lag) ordered by topic then partition, for stable output.</summary>
    public IReadOnlyList<(string Topic, int Partition, long Lag)> Snapshot()
    {
        var list = new List<(string Topic, int Partition, long Lag)>(_lag.Count);
        foreach (var entry in _lag) list.Add((entry.Key.Topic, entry.Key.Partition, entry.Value));
        list.Sort(static (a, b) =>
        {
            int byTopic = string.CompareOrdinal(a.Topic, b.Topic);
            return byTopic != 0 ? byTopic : a.Partition.CompareTo(b.Partition);
        });
        return list;
    }

    public bool TryGet(string topic, int partition, out long lag) => _lag.TryGetValue((topic, partition), out lag);

    /// <summary><c>gauge.zipkin_collector.kafka_consumer_lag.&lt;topic&gt;.&lt;partition&gt;</c>, in the flat style of Zipkin's /metrics.</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        foreach (var (topic, partition, lag) in Snapshot())
        {
            json.WriteNumber(string.Create(CultureInfo.InvariantCulture, $"gauge.zipkin_collector.kafka_consumer_lag.{topic}.{partition}"), lag);
        }
    }

    public void WritePrometheus(StringBuilder text)
    {
        var snapshot = Snapshot();
        text.Append("# HELP ").Append(Metric).Append(" Records of the partition not yet durable through this collector: high watermark minus the offset a restart resumes from\n");
        text.Append("# TYPE ").Append(Metric).Append(" gauge\n");
        foreach (var (topic, partition, lag) in snapshot)
        {
            // Kafka topic names are [a-zA-Z0-9._-]: nothing to escape in a label value.
            text.Append(Metric).Append("{transport=\"kafka\",topic=\"").Append(topic).Append("\",partition=\"")
                .Append(partition.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(lag.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
