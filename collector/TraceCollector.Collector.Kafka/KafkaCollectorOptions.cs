using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace TraceCollector.Collector.Kafka;

/// <summary>
/// The Kafka receiver's settings, read from Zipkin's environment variable names (zipkin-contract §2.1)
/// plus <c>KAFKA_CONSUMER_*</c>, which passes any librdkafka consumer property through
/// (<c>KAFKA_CONSUMER_SECURITY_PROTOCOL=SASL_SSL</c> becomes <c>security.protocol=SASL_SSL</c>).
/// </summary>
public sealed record KafkaCollectorOptions
{
    public const string ConsumerPropertyPrefix = "KAFKA_CONSUMER_";

    /// <summary>KAFKA_BOOTSTRAP_SERVERS: setting it is what turns the receiver on.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>KAFKA_TOPIC, a comma-separated list; default <c>zipkin</c>.</summary>
    public IReadOnlyList<string> Topics { get; init; } = ["zipkin"];

    /// <summary>KAFKA_GROUP_ID; default <c>zipkin</c>.</summary>
    public string GroupId { get; init; } = "zipkin";

    /// <summary>KAFKA_STREAMS: consumers in this process, each with its own thread; more than the partitions leaves some idle.</summary>
    public int Streams { get; init; } = 1;

    /// <summary>librdkafka properties from KAFKA_CONSUMER_*, applied over our defaults.</summary>
    public IReadOnlyDictionary<string, string> ConsumerProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Messages a stream keeps submitted but not yet durable. Past it every assigned partition is
    /// paused until half have completed, so a slow store slows consumption instead of growing memory.
    /// </summary>
    public int MaxInFlightMessages { get; init; } = 256;

    /// <summary>How long a rebalance waits for in-flight messages of revoked partitions before abandoning them (uncommitted, so the next owner redelivers them).</summary>
    public TimeSpan RevokeDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a clean stop waits for in-flight messages before closing the consumer.</summary>
    public TimeSpan ShutdownDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before a refused message is submitted again; doubles per attempt up to <see cref="MaxRetryBackoff"/>.</summary>
    public TimeSpan InitialRetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often per-partition consumer lag is recomputed.</summary>
    public TimeSpan LagInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The options when the receiver is enabled (KAFKA_BOOTSTRAP_SERVERS set, COLLECTOR_KAFKA_ENABLED not false), else null.</summary>
    public static KafkaCollectorOptions? FromConfiguration(IConfiguration config)
    {
        string? servers = config["KAFKA_BOOTSTRAP_SERVERS"];
        if (string.IsNullOrWhiteSpace(servers)) return null;
        if (bool.TryParse(config["COLLECTOR_KAFKA_ENABLED"], out bool enabled) && !enabled) return null;

        var options = new KafkaCollectorOptions { BootstrapServers = servers.Trim(), ConsumerProperties = ReadConsumerProperties(config) };

        string? topics = config["KAFKA_TOPIC"];
        if (!string.IsNullOrWhiteSpace(topics))
        {
            string[] list = topics.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (list.Length == 0) throw new InvalidOperationException($"KAFKA_TOPIC '{topics}' names no topic");
            options = options with { Topics = list };
        }

        string? group = config["KAFKA_GROUP_ID"];
        if (!string.IsNullOrWhiteSpace(group)) options = options with { GroupId = group.Trim() };

        string? streams = config["KAFKA_STREAMS"];
        if (!string.IsNullOrWhiteSpace(streams))
        {
            if (!int.TryParse(streams, out int count) || count < 1)
                throw new InvalidOperationException($"KAFKA_STREAMS must be a positive integer, was '{streams}'");
            options = options with { Streams = count };
        }
        return options;
    }

    /// <summary>KAFKA_CONSUMER_SESSION_TIMEOUT_MS=6000 → session.timeout.ms=6000 (librdkafka names use dots where the variable has underscores).</summary>
    private static Dictionary<string, string> ReadConsumerProperties(IConfiguration config)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in config.GetChildren())
        {
            if (entry.Value is null || entry.Key.Length <= ConsumerPropertyPrefix.Length) continue;
            if (!entry.Key.StartsWith(ConsumerPropertyPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            string name = entry.Key[ConsumerPropertyPrefix.Length..].ToLowerInvariant().Replace('_', '.');
            properties[name] = entry.Value;
        }
        return properties;
    }

    /// <summary>
    /// The librdkafka configuration of one stream. Offsets are stored by us, only once a message's
    /// spans are durable, and librdkafka's auto-commit then commits what was stored; the settings
    /// that would break that (auto-storing consumed offsets) cannot be overridden.
    /// </summary>
    /// <param name="ignored">Passed-through properties that were overruled, for a warning.</param>
    public ConsumerConfig BuildConsumerConfig(int stream, out IReadOnlyList<string> ignored)
    {
        var config = new ConsumerConfig
        {
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AutoCommitIntervalMs = 1000,
            ClientId = Streams == 1 ? "tracecollector" : $"tracecollector-{stream}",
            SessionTimeoutMs = 10_000,
        };
        foreach (var (name, value) in ConsumerProperties) config.Set(name, value);

        var overruled = new List<string>();
        Force(config, "bootstrap.servers", BootstrapServers, overruled);
        Force(config, "group.id", GroupId, overruled);
        Force(config, "enable.auto.commit", "true", overruled);
        Force(config, "enable.auto.offset.store", "false", overruled);
        Force(config, "enable.partition.eof", "false", overruled);
        ignored = overruled;
        return config;
    }

    private static void Force(ConsumerConfig config, string name, string value, List<string> overruled)
    {
        string? current = config.Get(name);
        if (current is not null && !string.Equals(current, value, StringComparison.OrdinalIgnoreCase)) overruled.Add($"{name}={current}");
        config.Set(name, value);
    }
}
