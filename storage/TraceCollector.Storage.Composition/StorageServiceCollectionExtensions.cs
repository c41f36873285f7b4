using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TraceCollector.Storage.Composition;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the backend chosen by <see cref="StorageFactory.Create"/> as one singleton, exposed as
    /// <see cref="ISpanStorage"/> and as each of its parts (a collector asks for <see cref="ISpanConsumer"/>,
    /// the query API for the readers), plus the <see cref="StorageOptions"/> it was built with. The
    /// container disposes it at shutdown.
    /// </summary>
    public static IServiceCollection AddTraceStorage(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(_ => StorageFactory.ReadOptions(config));
        services.AddSingleton(provider => StorageFactory.Create(config, provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ISpanConsumer>(p => p.GetRequiredService<ISpanStorage>());
        services.AddSingleton<ITraceReader>(p => p.GetRequiredService<ISpanStorage>());
        services.AddSingleton<INameReader>(p => p.GetRequiredService<ISpanStorage>());
        services.AddSingleton<IAutocompleteReader>(p => p.GetRequiredService<ISpanStorage>());
        services.AddSingleton<IDependencyReader>(p => p.GetRequiredService<ISpanStorage>());
        services.AddSingleton<IStorageHealthCheck>(p => p.GetRequiredService<ISpanStorage>());
        return services;
    }
}
