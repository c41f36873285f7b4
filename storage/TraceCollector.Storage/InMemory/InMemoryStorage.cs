using TraceCollector.Model;

namespace TraceCollector.Storage.InMemory;

/// <summary>
/// The reference store (STORAGE_TYPE=mem): Zipkin's in-memory semantics, bounded by MEM_MAX_SPANS
/// (the trace with the oldest timestamp is evicted whole when over capacity) and by STORAGE_TTL
/// (spans accepted longer ago than the TTL are dropped). Spans are grouped by the low 64 bits of
/// their trace id; with STRICT_TRACE_ID a group is split by the full id on every read.
/// One lock guards everything: this store is for tests and small installations, not for speed.
/// </summary>
public sealed class InMemoryStorage : ISpanStorage
{
    public const int DefaultMaxSpans = 500_000;

    private readonly Lock _gate = new();
    private readonly StorageOptions _options;
    private readonly int _maxSpans;
    private readonly Dictionary<ulong, TraceGroup> _groups = new();
    private readonly SortedSet<(long Timestamp, ulong LowTraceId)> _evictionOrder = new();
    private readonly Queue<Arrival> _arrivals = new();
    private readonly SearchIndex? _index;
    private readonly IReadOnlyList<string> _autocompleteKeys;
    private int _spanCount;
    private bool _disposed;

    public InMemoryStorage(StorageOptions options, int maxSpans = DefaultMaxSpans)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSpans, 1);
        _options = options;
        _maxSpans = maxSpans;
        var keys = new List<string>(options.AutocompleteKeys);
        keys.Sort(StringComparer.Ordinal);
        _autocompleteKeys = keys;
        if (options.SearchEnabled) _index = new SearchIndex(keys);
    }

    /// <summary>Spans currently held, duplicates counted once.</summary>
    public int SpanCount
    {
        get { lock (_gate) return _spanCount; }
    }

    public ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long now = _options.Clock.GetUtcNow().UtcTicks;
            RemoveExpired(now);
            for (int i = 0; i < spans.Count; i++) Store(spans[i], now);
            while (_spanCount > _maxSpans && _evictionOrder.Count > 0) RemoveGroup(_evictionOrder.Min.LowTraceId);
            CompactArrivals();
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<Span>> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<Span>? spans;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RemoveExpired(Now());
            spans = _groups.TryGetValue(traceId.Low, out var group) ? group.Spans(_options.StrictTraceId ? traceId : null) : null;
        }
        return ValueTask.FromResult(spans is { Count: > 0 } ? TraceMerger.Merge(spans) : Array.Empty<Span>());
    }

    public ValueTask<IReadOnlyList<IReadOnlyList<Span>>> GetTracesAsync(IReadOnlyList<TraceId> traceIds, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var found = new List<List<Span>>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RemoveExpired(Now());
            // Lenient lookups group by the low half, so two ids naming one group must not return it twice.
            var seen = new HashSet<TraceId>();
            foreach (var requested in traceIds)
            {
                var id = _options.StrictTraceId ? requested : requested.ToLow64();
                if (!seen.Add(id) || !_groups.TryGetValue(id.Low, out var group)) continue;
                var spans = group.Spans(_options.StrictTraceId ? id : null);
                if (spans.Count > 0) found.Add(spans);
            }
        }
        var result = new IReadOnlyList<Span>[found.Count];
        for (int i = 0; i < found.Count; i++) result[i] = TraceMerger.Merge(found[i]);
        return ValueTask.FromResult<IReadOnlyList<IReadOnlyList<Span>>>(result);
    }

    public ValueTask<IReadOnlyList<IReadOnlyList<Span>>> FindTracesAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (_index is null) return ValueTask.FromResult<IReadOnlyList<IReadOnlyList<Span>>>(Array.Empty<IReadOnlyList<Span>>());
        var hits = new List<(long Timestamp, TraceId Id, List<Span> Spans)>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RemoveExpired(Now());
            IEnumerable<ulong> candidates = request.ServiceName is { } service ? _index.TracesOf(service) : _groups.Keys;
            foreach (ulong low in candidates)
            {
                var group = _groups[low];
                // A trace's timestamp is never before its earliest span, so later groups cannot match.
                if (group.EvictionTimestamp > request.EndMicros) continue;
                var spans = group.Spans(null);
                foreach (var trace in _options.StrictTraceId ? SplitByTraceId(spans) : [spans])
                {
                    if (request.Matches(trace)) hits.Add((QueryRequest.TimestampOf(trace), trace[0].TraceId, trace));
                }
            }
        }
        hits.Sort(static (a, b) =>
        {
            int c = b.Timestamp.CompareTo(a.Timestamp);
            return c != 0 ? c : b.Id.CompareTo(a.Id);
        });
        int count = Math.Min(request.Limit, hits.Count);
        var result = new IReadOnlyList<Span>[count];
        for (int i = 0; i < count; i++) result[i] = TraceMerger.Merge(hits[i].Spans);
        return ValueTask.FromResult<IReadOnlyList<IReadOnlyList<Span>>>(result);
    }

    public ValueTask<IReadOnlyList<string>> GetServiceNamesAsync(CancellationToken cancellationToken = default) =>
        ReadNames(static index => index.ServiceNames());

    public ValueTask<IReadOnlyList<string>> GetSpanNamesAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        string? service = NameNormalizer.Normalize(serviceName);
        return service is null ? Empty() : ReadNames(index => index.SpanNames(service));
    }

    public ValueTask<IReadOnlyList<string>> GetRemoteServiceNamesAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        string? service = NameNormalizer.Normalize(serviceName);
        return service is null ? Empty() : ReadNames(index => index.RemoteServiceNames(service));
    }

    public ValueTask<IReadOnlyList<string>> GetKeysAsync(CancellationToken cancellationToken = default) =>
        _index is null ? Empty() : ValueTask.FromResult(_autocompleteKeys);

    public ValueTask<IReadOnlyList<string>> GetValuesAsync(string key, CancellationToken cancellationToken = default) =>
        string.IsNullOrEmpty(key) ? Empty() : ReadNames(index => index.TagValues(key));

    public ValueTask<IReadOnlyList<DependencyLink>> GetDependenciesAsync(long endTs, long lookback, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(endTs, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lookback, 0);
        cancellationToken.ThrowIfCancellationRequested();
        long end = endTs * 1000, start = Math.Max(0, endTs - lookback) * 1000;
        var traces = new List<IReadOnlyList<Span>>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RemoveExpired(Now());
            // Always whole low-64 groups, as Zipkin does, so a trace reported with both id lengths counts once.
            foreach (var group in _groups.Values)
            {
                if (group.HasSpanIn(start, end)) traces.Add(group.Spans(null));
            }
        }
        return ValueTask.FromResult(DependencyLinker.Link(traces));
    }

    public ValueTask<StorageHealth> CheckAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_disposed
                ? StorageHealth.Down(nameof(InMemoryStorage), "ObjectDisposedException: the store was closed")
                : StorageHealth.Up(nameof(InMemoryStorage)));
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
            _groups.Clear();
            _evictionOrder.Clear();
            _arrivals.Clear();
            _spanCount = 0;
        }
        return ValueTask.CompletedTask;
    }

    private long Now() => _options.Clock.GetUtcNow().UtcTicks;

    private static ValueTask<IReadOnlyList<string>> Empty() => ValueTask.FromResult<IReadOnlyList<string>>(Array.Empty<string>());

    private ValueTask<IReadOnlyList<string>> ReadNames(Func<SearchIndex, IReadOnlyList<string>> read)
    {
        if (_index is null) return Empty();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RemoveExpired(Now());
            return ValueTask.FromResult(read(_index));
        }
    }

    private void Store(Span span, long now)
    {
        ulong low = span.TraceId.Low;
        if (!_groups.TryGetValue(low, out var group))
        {
            _groups[low] = group = new TraceGroup();
            _evictionOrder.Add((0, low));
        }
        if (!group.AcceptedAt.TryAdd(span, now)) return;
        _spanCount++;
        _index?.Add(low, span);
        _arrivals.Enqueue(new Arrival(now, low, span));
        if (span.Timestamp != 0 && (group.EvictionTimestamp == 0 || span.Timestamp < group.EvictionTimestamp))
        {
            Reorder(low, group, span.Timestamp);
        }
    }

    private void Reorder(ulong low, TraceGroup group, long timestamp)
    {
        _evictionOrder.Remove((group.EvictionTimestamp, low));
        group.EvictionTimestamp = timestamp;
        _evictionOrder.Add((timestamp, low));
    }

    private void RemoveGroup(ulong low)
    {
        if (!_groups.Remove(low, out var group)) return;
        _evictionOrder.Remove((group.EvictionTimestamp, low));
        _spanCount -= group.AcceptedAt.Count;
        if (_index is not null)
        {
            foreach (var span in group.AcceptedAt.Keys) _index.Remove(low, span);
        }
    }

    private void RemoveExpired(long now)
    {
        var ttl = _options.Ttl;
        if (ttl <= TimeSpan.Zero || _arrivals.Count == 0 || ttl.Ticks >= now) return;
        long cutoff = now - ttl.Ticks;
        HashSet<ulong>? touched = null;
        while (_arrivals.TryPeek(out var arrival) && arrival.AcceptedAt <= cutoff)
        {
            _arrivals.Dequeue();
            // The span may have been evicted for space since, or evicted and accepted again later.
            if (!_groups.TryGetValue(arrival.LowTraceId, out var group)
                || !group.AcceptedAt.TryGetValue(arrival.Span, out long acceptedAt) || acceptedAt != arrival.AcceptedAt) continue;
            group.AcceptedAt.Remove(arrival.Span);
            _spanCount--;
            _index?.Remove(arrival.LowTraceId, arrival.Span);
            (touched ??= new HashSet<ulong>()).Add(arrival.LowTraceId);
        }
        if (touched is null) return;
        foreach (ulong low in touched)
        {
            var group = _groups[low];
            if (group.AcceptedAt.Count == 0) RemoveGroup(low);
            else Reorder(low, group, group.RecomputeEvictionTimestamp());
        }
    }

    // Arrivals of spans evicted for space stay queued until their TTL; rebuild the queue before it
    // holds far more than the store does, so eviction really frees memory.
    private void CompactArrivals()
    {
        if (_arrivals.Count <= 2 * _spanCount + 1024) return;
        var live = new Queue<Arrival>(_spanCount);
        foreach (var arrival in _arrivals)
        {
            if (_groups.TryGetValue(arrival.LowTraceId, out var group)
                && group.AcceptedAt.TryGetValue(arrival.Span, out long acceptedAt) && acceptedAt == arrival.AcceptedAt)
            {
                live.Enqueue(arrival);
            }
        }
        _arrivals.Clear();
        foreach (var arrival in live) _arrivals.Enqueue(arrival);
    }

    private static IEnumerable<List<Span>> SplitByTraceId(List<Span> spans)
    {
        var first = spans[0].TraceId;
        bool mixed = false;
        foreach (var span in spans) mixed |= span.TraceId != first;
        if (!mixed)
        {
            yield return spans;
            yield break;
        }
        var byId = new Dictionary<TraceId, List<Span>>();
        foreach (var span in spans)
        {
            if (!byId.TryGetValue(span.TraceId, out var list)) byId[span.TraceId] = list = new List<Span>();
            list.Add(span);
        }
        foreach (var list in byId.Values) yield return list;
    }

    private readonly record struct Arrival(long AcceptedAt, ulong LowTraceId, Span Span);
}
