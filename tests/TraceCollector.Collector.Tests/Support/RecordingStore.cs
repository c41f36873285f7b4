using System.Collections.Concurrent;
using TraceCollector.Model;
using TraceCollector.Storage;

namespace TraceCollector.Collector.Tests.Support;

/// <summary>
/// A span consumer that records every write and can be made to block (a store that stopped
/// answering) or fail, so the pipeline's back-pressure and error paths can be driven deterministically.
/// </summary>
internal sealed class RecordingStore : ISpanConsumer
{
    private readonly ConcurrentQueue<IReadOnlyList<Span>> _writes = new();
    private readonly SemaphoreSlim _writeStarted = new(0);
    private volatile TaskCompletionSource? _gate;
    private volatile Exception? _failure;

    public IReadOnlyCollection<IReadOnlyList<Span>> Writes => _writes;

    public int WriteCount => _writes.Count;

    public List<Span> StoredSpans()
    {
        var all = new List<Span>();
        foreach (var write in _writes) all.AddRange(write);
        return all;
    }

    /// <summary>Until <see cref="Open"/>, every write waits (as a stalled disk or cluster would).</summary>
    public void Block() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

    public void FailWith(Exception? failure) => _failure = failure;

    /// <summary>Waits until a write has reached the store (blocked or not).</summary>
    public Task<bool> WaitForWriteStartAsync() => _writeStarted.WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default)
    {
        _writeStarted.Release();
        if (_gate is { } gate) await gate.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        if (_failure is { } failure) throw failure;
        _writes.Enqueue(spans.ToArray());
    }
}
