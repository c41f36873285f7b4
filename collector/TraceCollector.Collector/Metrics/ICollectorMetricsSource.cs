using System.Text;
using System.Text.Json;

namespace TraceCollector.Collector.Metrics;

/// <summary>
/// Meters a receiver outside the collector core adds to /metrics and /prometheus (the Kafka
/// receiver's consumer lag per partition). Registered in DI; <see cref="MetricsRenderer"/> appends
/// every registered source after the core meters.
/// </summary>
public interface ICollectorMetricsSource
{
    /// <summary>Properties of the flat /metrics object, written inside it.</summary>
    void WriteJson(Utf8JsonWriter json);

    /// <summary>Complete Prometheus families (HELP, TYPE, samples), each line ending in \n.</summary>
    void WritePrometheus(StringBuilder text);
}
