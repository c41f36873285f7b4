namespace TraceCollector.Storage;

/// <summary>The names a search form offers. All lists are sorted (ordinal) and lower-case.</summary>
public interface INameReader
{
    /// <summary>Local service names.</summary>
    ValueTask<IReadOnlyList<string>> GetServiceNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>Span names recorded by the local service.</summary>
    ValueTask<IReadOnlyList<string>> GetSpanNamesAsync(string serviceName, CancellationToken cancellationToken = default);

    /// <summary>Remote service names seen from the local service.</summary>
    ValueTask<IReadOnlyList<string>> GetRemoteServiceNamesAsync(string serviceName, CancellationToken cancellationToken = default);
}
