using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TraceCollector.Collector.Kafka;
using TraceCollector.Collector.Metrics;
using TraceCollector.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class KafkaCollectorServiceCollectionExtensions
{
    /// <summary>
    /// Consumes Zipkin's Kafka topic into the collector pipeline when KAFKA_BOOTSTRAP_SERVERS is set
    /// (and COLLECTOR_KAFKA_ENABLED is not false). Needs the pipeline's ISpanSink and CollectorMetrics
    /// (AddZipkinCollector), which must be registered first: hosted services stop in reverse order,
    /// so the consumers stop (and commit) while the pipeline still writes. Consumer lag per
    /// partition is added to /metrics and /prometheus.
    /// </summary>
    public static IServiceCollection AddKafkaCollector(this IServiceCollection services, IConfiguration configuration)
    {
        var options = KafkaCollectorOptions.FromConfiguration(configuration);
        if (options is null) return services;

        services.TryAddSingleton<KafkaConsumerLag>();
        services.AddSingleton<ICollectorMetricsSource>(static provider => provider.GetRequiredService<KafkaConsumerLag>());
        services.AddSingleton(options);
        services.AddSingleton<KafkaCollector>();
        services.AddHostedService(static provider => provider.GetRequiredService<KafkaCollector>());
        // /health reports the collector beside storage: DOWN while no broker answers.
        services.AddSingleton<IStorageHealthCheck>(static provider => provider.GetRequiredService<KafkaCollector>());
        return services;
    }
}
