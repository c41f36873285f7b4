using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TraceCollector.Model;

namespace TraceCollector.Storage.Cassandra;

/// <summary>
/// Keeps the per-trace dependency rows current without Zipkin's Spark job: every trace a write
/// touches is re-linked (read whole, run through <see cref="DependencyLinker"/>, its links
/// overwritten) once it has been quiet for a moment, so a trace arriving in several batches is linked
/// once rather than per batch. The rows are keyed by trace, so re-linking, replays and two collectors
/// linking the same trace all converge on the same row. A read of the graph flushes what is pending first.
/// </summary>
internal sealed class DependencyAggregator : IAsyncDisposable
{
    /// <summary>Partitions per day, so one busy day is not one huge partition and reads fan out.</summary>
    public const int Shards = 16;

    /// <summary>Traces waiting beyond this are linked at once instead of after the quiet period.</summary>
    private const int MaxPending = 50_000;

    private readonly CassandraStorage _storage;
    private readonly TimeSpan _quiet;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TraceId, long> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _linking = new(1, 1);
    private readonly Task _loop;

    public DependencyAggregator(CassandraStorage storage, TimeSpan quiet, ILogger logger)
    {
        _storage = storage;
        _quiet = quiet;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    public static int ShardOf(string traceKey)
    {
        uint h = 2166136261;
        foreach (char c in traceKey) h = (h ^ c) * 16777619;
        return (int)(h % Shards);
    }

    public void Touch(IEnumerable<TraceId> traces)
    {
        long due = Environment.TickCount64 + (long)_quiet.TotalMilliseconds;
        foreach (var t in traces) _pending[t] = due;
    }

    private async Task LoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(Math.Max(50, _quiet.TotalMilliseconds / 2));
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, _stop.Token).ConfigureAwait(false);
                await LinkAsync(all: _pending.Count > MaxPending, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Linking dependencies failed, will retry: {Error}", e.Message);
            }
        }
    }

    public Task FlushAsync(CancellationToken ct) => LinkAsync(all: true, ct);

    private async Task LinkAsync(bool all, CancellationToken ct)
    {
        await _linking.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long now = Environment.TickCount64;
            var due = _pending.Where(p => all || p.Value <= now).Select(p => p.Key).ToList();
            foreach (var chunk in due.Chunk(64))
            {
                var tasks = chunk.Select(async id =>
                {
                    long stamp = _pending.TryGetValue(id, out long s) ? s : 0;
                    await _storage.WriteTraceLinksAsync(id, ct).ConfigureAwait(false);
                    // Leave it pending if it was touched again meanwhile.
                    _pending.TryRemove(new KeyValuePair<TraceId, long>(id, stamp));
                });
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
        }
        finally
        {
            _linking.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (!_pending.IsEmpty)
        {
            try
            {
                await LinkAsync(all: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning("Dependency links of {Count} traces not written at shutdown: {Error}", _pending.Count, e.Message);
            }
        }
    }
}
