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
/// entry's trace (low 64 bits) when its durations could satisfy the request. Entries are stored in
/// blocks per second (<see cref="IndexPostings"/>), so the cursor reads one second's blocks from every
/// partition at a time and orders that second's entries itself.
/// </summary>
internal sealed class TermCursor : IDisposable
{
    private readonly List<Iterator> _iterators = new();
    private readonly byte[] _prefix;
    private readonly long _startMillis, _endMillis;
    private readonly long? _minDuration, _maxDuration;
    private readonly List<Posting> _second = new();
    private readonly List<ulong> _prefetched = new();
    private int _secondAt;
    private int _replayed;
    private bool _exhausted;

    public TermCursor(PartitionedDb db, ulong term, QueryRequest request, ReadOptions prefixRead)
    {
        _startMillis = request.StartMicros / 1000;
        _endMillis = request.EndTs;
        _minDuration = request.MinDuration;
        _maxDuration = request.MaxDuration;
        var seek = StoreKeys.IndexSeekKey(term, _endMillis / 1000);
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

    private bool ReadNext(out ulong low)
    {
        while (_secondAt >= _second.Count)
        {
            if (!ReadNewestSecond())
            {
                _exhausted = true;
                low = 0;
                return false;
            }
        }
        low = _second[_secondAt++].Low;
        return true;
    }

    // Every iterator in the list is positioned on a block of the window. The newest second any of
    // them is on is read from all of them; an iterator leaves the list once it runs out of the window.
    private bool ReadNewestSecond()
    {
        _second.Clear();
        _secondAt = 0;
        if (_iterators.Count == 0) return false;
        long newest = long.MinValue;
        foreach (var it in _iterators) newest = Math.Max(newest, StoreKeys.SecondOfIndexBlockKey(it.GetKeySpan()));
        for (int i = _iterators.Count - 1; i >= 0; i--)
        {
            var it = _iterators[i];
            while (InRange(it) && StoreKeys.SecondOfIndexBlockKey(it.GetKeySpan()) == newest)
            {
                IndexPostings.ReadBlock(it.GetKeySpan(), it.GetValueSpan(), _second);
                it.Next();
            }
            if (!InRange(it))
            {
                it.Dispose();
                _iterators.RemoveAt(i);
            }
        }
        int kept = 0;
        for (int i = 0; i < _second.Count; i++)
        {
            var e = _second[i];
            if (e.Millis >= _startMillis && e.Millis <= _endMillis && DurationsFit(e)) _second[kept++] = e;
        }
        _second.RemoveRange(kept, _second.Count - kept);
        _second.Sort(static (a, b) => b.Millis != a.Millis ? b.Millis.CompareTo(a.Millis) : a.Low.CompareTo(b.Low));
        return true;
    }

    private bool InRange(Iterator it)
    {
        if (!it.Valid()) return false;
        var key = it.GetKeySpan();
        return key.Length == StoreKeys.IndexBlockKeyLength && key.StartsWith(_prefix)
            && StoreKeys.SecondOfIndexBlockKey(key) >= _startMillis / 1000;
    }

    private bool DurationsFit(in Posting e)
    {
        if (_minDuration is null) return true;
        return e.MaxDuration > 0 && e.MaxDuration >= _minDuration && (_maxDuration is null || e.MinDuration <= _maxDuration);
    }

    public void Dispose()
    {
        foreach (var it in _iterators) it.Dispose();
        _iterators.Clear();
    }
}
