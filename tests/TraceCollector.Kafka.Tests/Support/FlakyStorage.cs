using TraceCollector.Model;
using TraceCollector.Storage;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>
/// Puts a test in charge of storage: fail every write while <see cref="Failing"/>, or hang writes
/// after a number of batches (a collector stuck mid-stream). Counts what reached the real store,
/// duplicates included, so a test can tell redelivery happened.
/// </summary>
internal sealed class FlakyStorage : ISpanConsumer
{
    private readonly ISpanConsumer _inner;
    private readonly TaskCompletionSource _unblocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _blockAfterBatches = int.MaxValue;
    private long _batches, _spans, _failures, _blocked;

    public FlakyStorage(ISpanConsumer inner) => _inner = inner;

    public volatile bool Failing;

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Spans written to the real store, counting a redelivered span each time.</summary>
    public long SpansWritten => Interlocked.Read(ref _spans);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Writes currently held by <see cref="BlockAfter"/>.</summary>
    public long Blocked => Interlocked.Read(ref _blocked);

    /// <summary>Writes after the first <paramref name="batches"/> hang until <see cref="Unblock"/> or their cancellation.</summary>
    public void BlockAfter(int batches) => _blockAfterBatches = batches;

    public void Unblock() => _unblocked.TrySetResult();

    public async ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default)
    {
        if (Failing)
        {
            Interlocked.Increment(ref _failures);
            throw new IOException("storage unavailable (test)");
        }
        if (Interlocked.Read(ref _batches) >= _blockAfterBatches && !_unblocked.Task.IsCompleted)
        {
            Interlocked.Increment(ref _blocked);
            try
            {
                await _unblocked.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _blocked);
            }
        }
        await _inner.AcceptAsync(spans, cancellationToken);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _spans, spans.Count);
    }
}
