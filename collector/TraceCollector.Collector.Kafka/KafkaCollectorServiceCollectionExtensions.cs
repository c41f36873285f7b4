using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TraceCollector.Collector.Kafka;
using TraceCollector.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class KafkaCollectorServiceCollectionExtensions
{
    /// <summary>
    /// Consumes Zipkin's Kafka topic into the collector pipeline when KAFKA_BOOTSTRAP_SERVERS is set
    /// (and COLLECTOR_KAFKA_ENABLED is not false). Needs the pipeline's ISpanSink and CollectorMetrics
    /// (AddZipkinCollector). The lag registry is registered either way, so a metrics renderer can
    /// always ask for it.
    /// </summary>
    public static IServiceCollection AddKafkaCollector(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<KafkaConsumerLag>();
        var options = KafkaCollectorOptions.FromConfiguration(configuration);
        if (options is null) return services;

        services.AddSingleton(options);
        services.AddSingleton<KafkaCollector>();
        services.AddHostedService(static provider => provider.GetRequiredService<KafkaCollector>());
        // /health reports the collector beside storage: DOWN while no broker answers.
        services.AddSingleton<IStorageHealthCheck>(static provider => provider.GetRequiredService<KafkaCollector>());
        return services;
    }
}
