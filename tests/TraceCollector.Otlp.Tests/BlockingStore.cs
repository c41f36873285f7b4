using TraceCollector.Model;
using TraceCollector.Storage;

namespace TraceCollector.Otlp.Tests;

/// <summary>A store whose writes wait until the test opens it, to fill the pipeline on purpose; it counts what it stored.</summary>
internal sealed class BlockingStore : ISpanConsumer
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stored;

    public int Stored => Volatile.Read(ref _stored);

    public void Open() => _open.TrySetResult();

    public async ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default)
    {
        await _open.Task.WaitAsync(cancellationToken);
        Interlocked.Add(ref _stored, spans.Count);
    }
}
