using TraceCollector.Storage;

namespace TraceCollector.Query.Tests.Health;

/// <summary>A component whose health a test decides: up, down with a reason, throwing, or never answering.</summary>
internal sealed class ScriptedHealthCheck(Func<CancellationToken, ValueTask<StorageHealth>> check) : IStorageHealthCheck
{
    public ValueTask<StorageHealth> CheckAsync(CancellationToken cancellationToken = default) => check(cancellationToken);

    public static ScriptedHealthCheck Up(string component) => new(_ => ValueTask.FromResult(StorageHealth.Up(component)));

    public static ScriptedHealthCheck Down(string component, string error) => new(_ => ValueTask.FromResult(StorageHealth.Down(component, error)));

    public static ScriptedHealthCheck Throws(Exception e) => new(_ => ValueTask.FromException<StorageHealth>(e));

    public static ScriptedHealthCheck Hangs() => new(async ct =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });
}
