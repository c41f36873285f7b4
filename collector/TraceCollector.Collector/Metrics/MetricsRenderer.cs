using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TraceCollector.Collector.Metrics;

/// <summary>
/// Renders the collector meters in Zipkin's two shapes: the flat JSON of <c>/metrics</c>
/// (<c>counter.zipkin_collector.messages.http</c>, ...) and Prometheus text with Zipkin's Micrometer
/// names and a transport label, plus the pipeline's queue depth and storage write latency.
/// </summary>
public static class MetricsRenderer
{
    private static readonly (string Name, Func<TransportMetrics, long> Read)[] Counters =
    [
        ("messages", t => t.Messages),
        ("messages_dropped", t => t.MessagesDropped),
        ("bytes", t => t.Bytes),
        ("spans", t => t.Spans),
        ("spans_dropped", t => t.SpansDropped),
    ];

    private static readonly (string Name, Func<TransportMetrics, long> Read)[] Gauges =
    [
        ("message_spans", t => t.LastMessageSpans),
        ("message_bytes", t => t.LastMessageBytes),
    ];

    public static byte[] Json(CollectorMetrics collector, PipelineMetrics pipeline)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            foreach (var transport in Sorted(collector))
            {
                foreach (var (name, read) in Counters) json.WriteNumber($"counter.zipkin_collector.{name}.{transport.Transport}", read(transport));
                foreach (var (name, read) in Gauges) json.WriteNumber($"gauge.zipkin_collector.{name}.{transport.Transport}", read(transport));
            }
            json.WriteNumber("gauge.tracecollector.pipeline.queue_batches", pipeline.QueuedBatches);
            json.WriteNumber("gauge.tracecollector.pipeline.queue_spans", pipeline.QueuedSpans);
            json.WriteNumber("gauge.tracecollector.pipeline.queue_capacity_spans", pipeline.CapacitySpans);
            json.WriteNumber("counter.tracecollector.storage.writes", pipeline.Writes);
            json.WriteNumber("counter.tracecollector.storage.write_failures", pipeline.WriteFailures);
            json.WriteNumber("counter.tracecollector.storage.spans_written", pipeline.SpansWritten);
            json.WriteNumber("timer.tracecollector.storage.write_seconds.sum", pipeline.StorageWrite.SumSeconds);
            json.WriteNumber("timer.tracecollector.storage.write_seconds.max", pipeline.StorageWrite.MaxSeconds);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    public static string Prometheus(CollectorMetrics collector, PipelineMetrics pipeline)
    {
        var text = new StringBuilder(4096);
        var transports = Sorted(collector);
        foreach (var (name, read) in Counters)
        {
            string metric = $"zipkin_collector_{name}_total";
            text.Append("# HELP ").Append(metric).Append(" Zipkin collector ").Append(name.Replace('_', ' ')).Append(", per transport\n");
            text.Append("# TYPE ").Append(metric).Append(" counter\n");
            foreach (var t in transports) Sample(text, metric, t.Transport, read(t));
        }
        foreach (var (name, read) in Gauges)
        {
            string metric = $"zipkin_collector_{name}";
            text.Append("# HELP ").Append(metric).Append(" Size of the last message, per transport\n");
            text.Append("# TYPE ").Append(metric).Append(" gauge\n");
            foreach (var t in transports) Sample(text, metric, t.Transport, read(t));
        }
        Single(text, "tracecollector_pipeline_queue_batches", "gauge", "Batches waiting in the pipeline", pipeline.QueuedBatches);
        Single(text, "tracecollector_pipeline_queue_spans", "gauge", "Spans waiting in the pipeline", pipeline.QueuedSpans);
        Single(text, "tracecollector_pipeline_queue_capacity_spans", "gauge", "Spans the pipeline holds before it refuses work", pipeline.CapacitySpans);
        Single(text, "tracecollector_storage_writes_total", "counter", "Storage writes (groups of batches)", pipeline.Writes);
        Single(text, "tracecollector_storage_write_failures_total", "counter", "Storage writes that failed", pipeline.WriteFailures);
        Single(text, "tracecollector_storage_spans_written_total", "counter", "Spans made durable by storage", pipeline.SpansWritten);

        const string histogram = "tracecollector_storage_write_seconds";
        text.Append("# HELP ").Append(histogram).Append(" Duration of one storage write\n");
        text.Append("# TYPE ").Append(histogram).Append(" histogram\n");
        long[] buckets = pipeline.StorageWrite.CumulativeBuckets();
        for (int i = 0; i < LatencyHistogram.Bounds.Length; i++)
        {
            text.Append(histogram).Append("_bucket{le=\"").Append(LatencyHistogram.Bounds[i].ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(buckets[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        text.Append(histogram).Append("_bucket{le=\"+Inf\"} ").Append(buckets[^1].ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(histogram).Append("_sum ").Append(pipeline.StorageWrite.SumSeconds.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        text.Append(histogram).Append("_count ").Append(pipeline.StorageWrite.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    private static List<TransportMetrics> Sorted(CollectorMetrics collector)
    {
        var list = new List<TransportMetrics>(collector.Transports);
        list.Sort(static (a, b) => string.CompareOrdinal(a.Transport, b.Transport));
        return list;
    }

    private static void Sample(StringBuilder text, string metric, string transport, long value) =>
        text.Append(metric).Append("{transport=\"").Append(transport).Append("\"} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Single(StringBuilder text, string metric, string type, string help, long value) =>
        text.Append("# HELP ").Append(metric).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(metric).Append(' ').Append(type).Append('\n')
            .Append(metric).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
