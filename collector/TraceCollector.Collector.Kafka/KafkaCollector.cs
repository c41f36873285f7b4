using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Storage;

namespace TraceCollector.Collector.Kafka;

/// <summary>
/// Zipkin's Kafka collector, at least once: KAFKA_STREAMS consumers in one group, each on its own
/// thread, feeding the shared sink. Offsets move only past records whose spans are durable.
/// </summary>
public sealed class KafkaCollector : IHostedService, IStorageHealthCheck, IDisposable
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(3);
    private const string Component = "KafkaCollector";

    private readonly KafkaConsumerStream[] _streams;
    private readonly object _adminLock = new();
    private IAdminClient? _admin;
    private bool _started;
    private volatile bool _stopped;

    public KafkaCollector(KafkaCollectorOptions options, ISpanSink sink, CollectorMetrics metrics, KafkaConsumerLag lag, ILoggerFactory logs)
    {
        Options = options;
        var transport = metrics.For("kafka");
        var logger = logs.CreateLogger<KafkaCollector>();
        _streams = new KafkaConsumerStream[options.Streams];
        for (int i = 0; i < _streams.Length; i++) _streams[i] = new KafkaConsumerStream(options, i, sink, transport, lag, logger);
    }

    public KafkaCollectorOptions Options { get; }

    /// <summary>Partitions owned by this collector's streams now.</summary>
    public IReadOnlyList<TopicPartition> Assignment => Collect(static s => s.Assignment);

    /// <summary>Partitions held paused now, because storage refused a record or too much is in flight.</summary>
    public IReadOnlyList<TopicPartition> Paused => Collect(static s => s.Paused);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_started) return Task.CompletedTask;
        _started = true;
        foreach (var stream in _streams) stream.Start();
        return Task.CompletedTask;
    }

    /// <summary>Clean stop: in-flight records get ShutdownDrainTimeout to land, watermarks are committed, the group is left. Cancelling abandons what is left.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_started) return;
        _stopped = true;
        ReleaseAdmin();
        foreach (var stream in _streams) stream.RequestStop();
        var exited = Task.WhenAll(Array.ConvertAll(_streams, static s => s.Exited));
        try
        {
            await exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var stream in _streams) stream.Abandon();
            await exited.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Without a prior <see cref="StopAsync"/> this is a crash as far as Kafka can tell: nothing more
    /// is committed, the group is not told, and the partitions move after the session timeout.
    /// </summary>
    public void Dispose()
    {
        if (!_started) return;
        _stopped = true;
        ReleaseAdmin();
        foreach (var stream in _streams) stream.Abandon();
        Task.WhenAll(Array.ConvertAll(_streams, static s => s.Exited)).GetAwaiter().GetResult();
    }

    /// <summary>
    /// UP while a broker answers a metadata request over the consumers' own connections; DOWN while
    /// none does (the consumers keep reconnecting meanwhile, as Zipkin's do).
    /// </summary>
    public async ValueTask<StorageHealth> CheckAsync(CancellationToken cancellationToken = default)
    {
        if (!_started || _stopped) return StorageHealth.Down(Component, "the Kafka collector is not running");
        try
        {
            var admin = Admin();
            // GetMetadata blocks on the network; it runs on the pool, bounded by its own timeout.
            var metadata = await Task.Run(() => admin.GetMetadata(HealthTimeout), cancellationToken).ConfigureAwait(false);
            return metadata.Brokers.Count > 0
                ? StorageHealth.Up(Component)
                : StorageHealth.Down(Component, $"no Kafka broker of {Options.BootstrapServers} is reachable");
        }
        catch (KafkaException e)
        {
            return StorageHealth.Down(Component, $"KafkaException: {e.Error.Reason} ({Options.BootstrapServers})");
        }
    }

    private IAdminClient Admin()
    {
        lock (_adminLock)
        {
            if (_stopped) throw new KafkaException(new Error(ErrorCode.Local_State, "the Kafka collector is stopping"));
            return _admin ??= new DependentAdminClientBuilder(_streams[0].Handle ?? throw new InvalidOperationException("not started")).Build();
        }
    }

    // The admin client borrows the first consumer's handle, so it goes before the consumers do.
    private void ReleaseAdmin()
    {
        lock (_adminLock)
        {
            _admin?.Dispose();
            _admin = null;
        }
    }

    private IReadOnlyList<TopicPartition> Collect(Func<KafkaConsumerStream, IReadOnlyList<TopicPartition>> select)
    {
        var all = new List<TopicPartition>();
        foreach (var stream in _streams) all.AddRange(select(stream));
        return all;
    }
}
