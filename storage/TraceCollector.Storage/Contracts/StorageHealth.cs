namespace TraceCollector.Storage;

/// <summary>Whether a backend can serve reads and writes right now.</summary>
public sealed record StorageHealth(bool IsHealthy, string Component, string? Error = null)
{
    public static StorageHealth Up(string component) => new(true, component);

    public static StorageHealth Down(string component, string error) => new(false, component, error);
}

public interface IStorageHealthCheck
{
    ValueTask<StorageHealth> CheckAsync(CancellationToken cancellationToken = default);
}
