using RocksDbSharp;
using NativeDb = RocksDbSharp.RocksDb;
using TraceCollector.Model;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// Answers a QueryRequest from the index: each term's entries are read newest first within the time
/// window, filtered by their durations, intersected, and only the surviving traces are read and
/// re-checked with Zipkin's rules until <see cref="QueryRequest.Limit"/> traces match.
/// </summary>
internal sealed class TraceSearch
{
    // A term with at most this many traces in the window is read whole and used as a filter; a
    // bigger one is only followed lazily (the re-check still makes the answer exact).
    private const int FilterCapacity = 4096;

    private readonly PartitionedDb _db;
    private readonly StorageOptions _options;

    public TraceSearch(PartitionedDb db, StorageOptions options)
    {
        _db = db;
        _options = options;
    }

    public IReadOnlyList<IReadOnlyList<Span>> Find(QueryRequest request, ReadOptions prefixRead)
    {
        var terms = IndexTerms.ForQuery(request);
        var cursors = new List<TermCursor>(terms.Count);
        try
        {
            foreach (var term in terms) cursors.Add(new TermCursor(_db, term, request, prefixRead));
            var (driver, filters) = Plan(cursors);
            var results = new List<(long Ts, IReadOnlyList<Span> Spans)>();
            var visited = new HashSet<ulong>();
            while (results.Count < request.Limit && driver.TryNext(out ulong low))
            {
                if (!visited.Add(low) || !PassesFilters(low, filters)) continue;
                AddMatches(_db.ReadGroup(low, prefixRead), request, results);
            }
            results.Sort((a, b) => b.Ts.CompareTo(a.Ts));
            if (results.Count > request.Limit) results.RemoveRange(request.Limit, results.Count - request.Limit);
            var answer = new IReadOnlyList<Span>[results.Count];
            for (int i = 0; i < answer.Length; i++) answer[i] = results[i].Spans;
            return answer;
        }
        finally
        {
            foreach (var c in cursors) c.Dispose();
        }
    }

    // With several terms, the ones small enough to read whole become filters; the smallest of those
    // drives (its order is newest first), else the first term drives lazily.
    private static (TermCursor Driver, List<HashSet<ulong>> Filters) Plan(List<TermCursor> cursors)
    {
        var filters = new List<HashSet<ulong>>();
        if (cursors.Count == 1) return (cursors[0], filters);
        TermCursor? smallest = null;
        foreach (var c in cursors)
        {
            if (c.Prefetch(FilterCapacity) && (smallest is null || c.PrefetchedCount < smallest.PrefetchedCount)) smallest = c;
        }
        var driver = smallest ?? cursors[0];
        foreach (var c in cursors)
        {
            if (c != driver && c.IsComplete) filters.Add(c.PrefetchedSet());
        }
        return (driver, filters);
    }

    private static bool PassesFilters(ulong low, List<HashSet<ulong>> filters)
    {
        foreach (var f in filters) if (!f.Contains(low)) return false;
        return true;
    }

    private void AddMatches(List<Span> group, QueryRequest request, List<(long, IReadOnlyList<Span>)> results)
    {
        if (group.Count == 0) return;
        if (!_options.StrictTraceId)
        {
            if (request.Matches(group)) results.Add((QueryRequest.TimestampOf(group), TraceMerger.Merge(group)));
            return;
        }
        // Strict ids: the low-64 group may hold several traces; each is tested on its own.
        foreach (var trace in SplitByTraceId(group))
        {
            if (request.Matches(trace)) results.Add((QueryRequest.TimestampOf(trace), TraceMerger.Merge(trace)));
        }
    }

    public static IEnumerable<List<Span>> SplitByTraceId(List<Span> group)
    {
        ulong firstHigh = group[0].TraceId.High;
        bool single = true;
        foreach (var s in group) if (s.TraceId.High != firstHigh) { single = false; break; }
        if (single) return new[] { group };
        var byId = new Dictionary<TraceId, List<Span>>();
        foreach (var s in group)
        {
            if (!byId.TryGetValue(s.TraceId, out var list)) byId[s.TraceId] = list = new List<Span>();
            list.Add(s);
        }
        return byId.Values;
    }
}

/// <summary>
/// The entries of one term in the window, newest first, merged across day partitions; yields each
/// entry's trace (low 64 bits) when its durations could satisfy the request.
/// </summary>
internal sealed class TermCursor : IDisposable
{
    private readonly List<Iterator> _iterators = new();
    private readonly byte[] _prefix;
    private readonly long _startMillis;
    private readonly long? _minDuration, _maxDuration;
    private readonly List<ulong> _prefetched = new();
    private int _replayed;
    private bool _exhausted;

    public TermCursor(PartitionedDb db, ulong term, QueryRequest request, ReadOptions prefixRead)
    {
        _startMillis = request.StartMicros / 1000;
        _minDuration = request.MinDuration;
        _maxDuration = request.MaxDuration;
        var seek = StoreKeys.IndexSeekKey(term, request.EndTs);
        _prefix = seek[..StoreKeys.PrefixLength];
        foreach (var p in db.Partitions)
        {
            var it = db.Db.NewIterator(p.Handle, prefixRead);
            it.Seek(seek);
            if (InRange(it)) _iterators.Add(it); else it.Dispose();
        }
    }

    public bool IsComplete => _exhausted;

    public int PrefetchedCount => _prefetched.Count;

    /// <summary>Reads ahead up to <paramref name="capacity"/> entries; true when that was all of them.</summary>
    public bool Prefetch(int capacity)
    {
        while (_prefetched.Count < capacity)
        {
            if (!ReadNext(out ulong low)) return true;
            _prefetched.Add(low);
        }
        return false;
    }

    public HashSet<ulong> PrefetchedSet() => new(_prefetched);

    public bool TryNext(out ulong low)
    {
        if (_replayed < _prefetched.Count)
        {
            low = _prefetched[_replayed++];
            return true;
        }
        return ReadNext(out low);
    }

    // Every iterator in the list is positioned on an entry of the window; the one with the smallest
    // key (newest time) goes next, and leaves the list once it runs out of the window.
    private bool ReadNext(out ulong low)
    {
        while (true)
        {
            int best = -1;
            for (int i = 0; i < _iterators.Count; i++)
            {
                if (best < 0 || _iterators[i].GetKeySpan().SequenceCompareTo(_iterators[best].GetKeySpan()) < 0) best = i;
            }
            if (best < 0)
            {
                _exhausted = true;
                low = 0;
                return false;
            }
            var it = _iterators[best];
            low = StoreKeys.LowOfIndexKey(it.GetKeySpan());
            bool durationsFit = DurationsFit(it.GetValueSpan());
            it.Next();
            if (!InRange(it))
            {
                it.Dispose();
                _iterators.RemoveAt(best);
            }
            if (durationsFit) return true;
        }
    }

    private bool InRange(Iterator it)
    {
        if (!it.Valid()) return false;
        var key = it.GetKeySpan();
        return key.Length == 25 && key.StartsWith(_prefix) && StoreKeys.MillisOfIndexKey(key) >= _startMillis;
    }

    private bool DurationsFit(ReadOnlySpan<byte> value)
    {
        if (_minDuration is null) return true;
        var reader = new ByteReader(value);
        long max = (long)reader.ReadVarint(), min = (long)reader.ReadVarint();
        return max > 0 && max >= _minDuration && (_maxDuration is null || min <= _maxDuration);
    }

    public void Dispose()
    {
        foreach (var it in _iterators) it.Dispose();
        _iterators.Clear();
    }
}
