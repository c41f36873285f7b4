namespace TraceCollector.Storage;

/// <summary>Service dependency links aggregated over a time window.</summary>
public interface IDependencyReader
{
    /// <param name="endTs">End of the window, epoch milliseconds.</param>
    /// <param name="lookback">Length of the window in milliseconds.</param>
    ValueTask<IReadOnlyList<DependencyLink>> GetDependenciesAsync(long endTs, long lookback, CancellationToken cancellationToken = default);
}
