using TraceCollector.Storage;

namespace TraceCollector.Query.Health;

/// <summary>
/// Asks every registered health check at once, each bounded by a timeout: a store that hangs is
/// reported DOWN as unreachable instead of hanging the health endpoint (Docker's healthcheck
/// would otherwise see a timeout, not the reason).
/// </summary>
internal sealed class ComponentHealthProbe
{
    private readonly IReadOnlyList<IStorageHealthCheck> _checks;
    private readonly TimeSpan _timeout;

    public ComponentHealthProbe(IReadOnlyList<IStorageHealthCheck> checks, TimeSpan timeout)
    {
        _checks = checks;
        _timeout = timeout;
    }

    public async Task<StorageHealth[]> CheckAllAsync(CancellationToken cancellationToken)
    {
        var results = new Task<StorageHealth>[_checks.Count];
        for (int i = 0; i < results.Length; i++) results[i] = CheckOneAsync(_checks[i], cancellationToken);
        return await Task.WhenAll(results);
    }

    private async Task<StorageHealth> CheckOneAsync(IStorageHealthCheck check, CancellationToken cancellationToken)
    {
        string component = check.GetType().Name;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await check.CheckAsync(timeout.Token).AsTask().WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return StorageHealth.Down(component, $"TimeoutException: storage unreachable: no health answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return StorageHealth.Down(component, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
