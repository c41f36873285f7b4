using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using IHost = Microsoft.Extensions.Hosting.IHost;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TraceCollector.Codecs;
using TraceCollector.Collector;
using TraceCollector.Collector.Kafka;
using TraceCollector.Collector.Metrics;
using TraceCollector.Kafka.Tests.Support;
using TraceCollector.Model;
using TraceCollector.Storage.Composition;

namespace TraceCollector.Benchmarks.Kafka;

/// <summary>
/// Spans per second from a pre-filled topic of 100-span JSON v2 messages into the store, through
/// the server's own composition (AddTraceStorage, AddZipkinCollector, AddKafkaCollector): decode,
/// the pipeline, a durable write, offset commit. The broker is librdkafka's in-process mock
/// cluster, so it shares the machine's cores with the collector. Each iteration is a new consumer
/// group reading the topic from the start; <see cref="JoinGroupOnly"/> measures what of that is the
/// group join on an empty topic. Store: KAFKA_BENCH_STORAGE_TYPE (mem by default, or rocksdb).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class KafkaIngestBenchmark
{
    private const int Messages = 2000;

    public const int MessageCount = Messages;

    public const int TotalSpans = Messages * SpansPerMessage;

    /// <summary>Collector warnings and errors to the console (the command line driver turns it on).</summary>
    public bool LogToConsole { get; init; }
    private const int SpansPerMessage = 100;
    // Sixteen partitions, because librdkafka's mock broker keeps only about 4 MB of each.
    private const int Partitions = 16;

    private MockKafkaCluster? _cluster;
    private string _topic = "", _emptyTopic = "";
    private IHost? _host;
    private string? _storageDir;

    public static string StorageType => Environment.GetEnvironmentVariable("KAFKA_BENCH_STORAGE_TYPE") is { Length: > 0 } type ? type : "mem";

    [GlobalSetup]
    public void Prefill()
    {
        _cluster = new MockKafkaCluster();
        _topic = "zipkin-bench";
        _emptyTopic = "zipkin-empty";
        _cluster.CreateTopic(_topic, Partitions);
        _cluster.CreateTopic(_emptyTopic, Partitions);
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, LingerMs = 20 }).Build();
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        for (int m = 0; m < Messages; m++)
        {
            var traceId = new TraceId(0x5eed, (ulong)m + 1);
            var spans = new List<Span>(SpansPerMessage);
            for (int i = 0; i < SpansPerMessage; i++)
            {
                var span = new SpanBuilder
                {
                    TraceId = traceId,
                    Id = (ulong)i + 1,
                    ParentId = i == 0 ? 0UL : 1UL,
                    Kind = i == 0 ? SpanKind.Server : SpanKind.Client,
                    Name = i == 0 ? "get /api" : "select",
                    Timestamp = start + m * 1000 + i,
                    Duration = 150 + i,
                    LocalEndpoint = Endpoint.Create("frontend", "10.1.2.3", null, 8080),
                    RemoteEndpoint = i == 0 ? null : Endpoint.Create("backend", "10.1.2.4", null, 9000),
                };
                span.PutTag("http.path", "/api/items/" + i).PutTag("http.method", "GET");
                spans.Add(span.Build());
            }
            producer.Produce(new TopicPartition(_topic, m % Partitions), new Message<Null, byte[]> { Value = JsonV2Encoder.EncodeList(spans) });
        }
        if (producer.Flush(TimeSpan.FromMinutes(2)) != 0) throw new InvalidOperationException("prefill did not complete");
        // The mock broker keeps only the last few MB of each partition; count what it kept.
        using var probe = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "probe" }).Build();
        long retained = 0;
        for (int p = 0; p < Partitions; p++)
        {
            var marks = probe.QueryWatermarkOffsets(new TopicPartition(_topic, p), TimeSpan.FromSeconds(10));
            retained += marks.High.Value - marks.Low.Value;
        }
        if (retained != Messages) throw new InvalidOperationException($"the mock broker kept {retained} of {Messages} messages; spread them over more partitions");
    }

    [IterationSetup(Target = nameof(ConsumePrefilledTopic))]
    public void NewCollectorOnTopic() => _host = BuildHost(_topic);

    [IterationSetup(Target = nameof(JoinGroupOnly))]
    public void NewCollectorOnEmptyTopic() => _host = BuildHost(_emptyTopic);

    [Benchmark(OperationsPerInvoke = Messages * SpansPerMessage)]
    public void ConsumePrefilledTopic()
    {
        var host = _host!;
        host.Start();
        var pipeline = host.Services.GetRequiredService<PipelineMetrics>();
        var collector = host.Services.GetRequiredService<KafkaCollector>();
        WaitFor(() => pipeline.SpansWritten >= Messages * SpansPerMessage, "every span written",
            () => $"{pipeline.SpansWritten} spans written, {collector.Assignment.Count} partitions assigned, paused: {string.Join(",", collector.Paused)}");
    }

    [Benchmark]
    public void JoinGroupOnly()
    {
        var host = _host!;
        host.Start();
        var collector = host.Services.GetRequiredService<KafkaCollector>();
        WaitFor(() => collector.Assignment.Count == Partitions, "partitions assigned", () => $"{collector.Assignment.Count} partitions assigned");
    }

    [IterationCleanup]
    public void StopCollector()
    {
        _host!.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        _host = null;
        if (_storageDir is not null && Directory.Exists(_storageDir)) Directory.Delete(_storageDir, recursive: true);
        _storageDir = null;
    }

    [GlobalCleanup]
    public void StopCluster() => _cluster?.Dispose();

    private IHost BuildHost(string topic)
    {
        _storageDir = Path.Combine(Path.GetTempPath(), "kafka-bench-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["KAFKA_BOOTSTRAP_SERVERS"] = _cluster!.BootstrapServers,
            ["KAFKA_TOPIC"] = topic,
            ["KAFKA_GROUP_ID"] = "bench-" + Guid.NewGuid().ToString("N"),
            ["STORAGE_TYPE"] = StorageType,
            ["STORAGE_DIR"] = _storageDir,
            ["MEM_MAX_SPANS"] = (Messages * SpansPerMessage * 2).ToString(),
        };
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (LogToConsole) builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTraceStorage(config);
        builder.Services.AddZipkinCollector(config);
        builder.Services.AddKafkaCollector(config);
        return builder.Build();
    }

    private void WaitFor(Func<bool> condition, string what, Func<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"benchmark never reached: {what} ({progress()})");
            if (LogToConsole && clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  waiting for {what}: {progress()}");
            }
            Thread.Sleep(1);
        }
    }
}
