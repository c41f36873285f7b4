using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TraceCollector.Codecs;
using TraceCollector.Collector;
using TraceCollector.Collector.Kafka;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Collector.Metrics;
using TraceCollector.Model;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;
using Xunit.Abstractions;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>
/// One test's world: a cluster, the real producer, one shared store behind a controllable
/// <see cref="FlakyStorage"/>, and any number of collectors, each a full KafkaCollector with its
/// own sink and metrics as in separate processes.
/// </summary>
internal sealed class KafkaScenario : IAsyncDisposable
{
    private readonly List<RunningCollector> _collectors = new();
    private readonly List<(TraceId TraceId, int Spans)> _produced = new();
    private readonly Lazy<IProducer<Null, byte[]>> _producer;

    public KafkaScenario(string kind, ITestOutputHelper output, int brokers = 1)
    {
        Kind = kind;
        Cluster = KafkaTestCluster.Create(kind, brokers);
        Log = new TestLog(output);
        Store = new InMemoryStorage(new StorageOptions());
        Storage = new FlakyStorage(Store);
        _producer = new(() => new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = Cluster.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 5,
            // A broker taken down must delay delivery, never fail it.
            MessageTimeoutMs = 300_000,
        }).SetLogHandler((_, line) => Log.CreateLogger("producer").LogDebug("{Facility}: {Message}", line.Facility, line.Message)).Build());
    }

    public string Kind { get; }

    public KafkaTestCluster Cluster { get; }

    public TestLog Log { get; }

    /// <summary>The real in-memory store; readers see traces through its merge, as the query API does.</summary>
    public InMemoryStorage Store { get; }

    public FlakyStorage Storage { get; }

    public IReadOnlyList<(TraceId TraceId, int Spans)> Produced
    {
        get
        {
            lock (_produced) return _produced.ToArray();
        }
    }

    public int ProducedSpans => Produced.Sum(p => p.Spans);

    /// <summary>The pipeline settings of collectors started from now on (one storage write per message, for tests that count writes).</summary>
    public CollectorOptions PipelineOptions { get; set; } = new();

    public Task<string> TopicAsync(int partitions) => Cluster.CreateTopicAsync("zipkin", partitions);

    /// <summary>Starts a collector configured the way a deployment would be: through the environment variable names.</summary>
    public RunningCollector StartCollector(string topic, string group, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["KAFKA_BOOTSTRAP_SERVERS"] = Cluster.BootstrapServers,
            ["KAFKA_TOPIC"] = topic,
            ["KAFKA_GROUP_ID"] = group,
            // A killed collector's partitions move after the session timeout; 6 s is the smallest a real broker allows by default.
            ["KAFKA_CONSUMER_SESSION_TIMEOUT_MS"] = "6000",
            ["KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS"] = "500",
            ["KAFKA_CONSUMER_TOPIC_METADATA_REFRESH_INTERVAL_MS"] = "1000",
        };
        foreach (var (key, value) in settings) values[key] = value;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = KafkaCollectorOptions.FromConfiguration(config) ?? throw new InvalidOperationException("collector not enabled");
        options = options with { InitialRetryBackoff = TimeSpan.FromMilliseconds(20), MaxRetryBackoff = TimeSpan.FromMilliseconds(250) };

        // Each collector is a process of its own: its pipeline and meters, over the one shared store.
        var metrics = new CollectorMetrics();
        var process = new ProcessStorage(Storage);
        var pipeline = new SpanPipeline(process, PipelineOptions, metrics, new PipelineMetrics(), new Logger<SpanPipeline>(Log));
        pipeline.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var lag = new KafkaConsumerLag();
        var collector = new KafkaCollector(options, pipeline, metrics, lag, Log);
        collector.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var running = new RunningCollector(collector, metrics.For("kafka"), lag, pipeline, process);
        lock (_collectors) _collectors.Add(running);
        return running;
    }

    /// <summary>Produces one JSON v2 message per trace, spread over the partitions in turn, and waits for the broker's acknowledgement.</summary>
    public async Task ProduceTracesAsync(string topic, int messages, int spansPerMessage, int partitions)
    {
        var deliveries = new List<Task>(messages);
        for (int i = 0; i < messages; i++)
        {
            var traceId = TestSpans.NewTraceId();
            var spans = TestSpans.Trace(traceId, spansPerMessage);
            deliveries.Add(ProduceAsync(topic, i % partitions, JsonV2Encoder.EncodeList(spans)));
            lock (_produced) _produced.Add((traceId, spans.Count));
        }
        await Task.WhenAll(deliveries);
    }

    public Task ProduceAsync(string topic, int partition, byte[] value) =>
        _producer.Value.ProduceAsync(new TopicPartition(topic, partition), new Message<Null, byte[]> { Value = value });

    /// <summary>Records spans as produced that a test sent itself (other encodings, hand-made messages).</summary>
    public void Expect(TraceId traceId, int spans)
    {
        lock (_produced) _produced.Add((traceId, spans));
    }

    /// <summary>Every produced span is readable, each exactly once, as a reader of the store sees traces.</summary>
    public Task AllStoredOnceAsync() => Eventually.HoldsAsync(() => Shortfall() == 0, () => $"{Shortfall()} of {ProducedSpans} produced spans not readable; {Storage.SpansWritten} written");

    public int Shortfall()
    {
        int missing = 0;
        foreach (var (traceId, spans) in Produced)
        {
            var trace = Store.GetTraceAsync(traceId).AsTask().GetAwaiter().GetResult();
            var ids = trace.Select(s => s.Id).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count()); // a reader never sees a span twice
            missing += Math.Max(0, spans - ids.Count);
        }
        return missing;
    }

    /// <summary>The group's committed offset per partition (0 where nothing is committed), read without joining the group.</summary>
    public Task<IReadOnlyList<long>> CommittedAsync(string topic, string group, int partitions) => Task.Run<IReadOnlyList<long>>(() =>
    {
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Cluster.BootstrapServers, GroupId = group }).Build();
        var tps = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        return reader.Committed(tps, TimeSpan.FromSeconds(10)).OrderBy(c => c.Partition.Value).Select(c => Math.Max(0, c.Offset.Value)).ToList();
    });

    public async ValueTask DisposeAsync()
    {
        RunningCollector[] collectors;
        lock (_collectors) collectors = _collectors.ToArray();
        foreach (var running in collectors) running.Kill();
        foreach (var running in collectors) await running.Pipeline.DisposeAsync();
        if (_producer.IsValueCreated) _producer.Value.Dispose();
        Storage.Unblock();
        Cluster.Dispose();
        Log.Dispose();
        await Store.DisposeAsync();
    }
}

internal sealed record RunningCollector(KafkaCollector Collector, TransportMetrics Metrics, KafkaConsumerLag Lag, SpanPipeline Pipeline, ProcessStorage Process)
{
    /// <summary>As a crash: nothing more is committed or written, and the group finds out at the session timeout.</summary>
    public void Kill()
    {
        Process.Kill();
        Collector.Dispose();
    }
}
