using TraceCollector.Model;
using TraceCollector.Storage;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>
/// One collector "process"'s path to the shared store. Killing it makes every write of that
/// process fail from then on, including writes already waiting inside storage, as a crash would:
/// a dead collector's pipeline must not store anything after its death.
/// </summary>
internal sealed class ProcessStorage(ISpanConsumer shared) : ISpanConsumer
{
    private readonly CancellationTokenSource _killed = new();

    public void Kill() => _killed.Cancel();

    public async ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default)
    {
        _killed.Token.ThrowIfCancellationRequested();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _killed.Token);
        await shared.AcceptAsync(spans, linked.Token);
    }
}
