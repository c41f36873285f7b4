using System.Buffers.Binary;
using RocksDbSharp;
using NativeDb = RocksDbSharp.RocksDb;
using TraceCollector.Model;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// Turns one accepted batch into one WriteBatch: a span record per trace, the index entries a search
/// needs, the names not seen before and the change to the dependency counts. Used by one writer at a
/// time (the storage serialises writes), so its buffers are reused without locking.
/// </summary>
internal sealed class BatchEncoder : IDisposable
{
    private readonly StorageOptions _options;
    private readonly PartitionedDb _db;
    private readonly NameCatalog _names;
    private readonly HashSet<string> _autocompleteKeys;
    private readonly ByteWriter _key = new(256);
    private readonly ByteWriter _value = new(64 * 1024);
    private readonly RecordTables _tables = new();
    private readonly Dictionary<ulong, List<Span>> _groups = new();
    private readonly Stack<List<Span>> _spareLists = new();
    private readonly Dictionary<string, (long Max, long Min)> _serviceDurations = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, string?> _terms = new();
    private readonly HashSet<(byte, string, string?)> _pendingNames = new();
    private readonly Dictionary<(string, string), (long Calls, long Errors)> _linkDelta = new();
    private readonly byte[] _counter = new byte[8];

    public BatchEncoder(StorageOptions options, PartitionedDb db, NameCatalog names)
    {
        _options = options;
        _db = db;
        _names = names;
        _autocompleteKeys = new HashSet<string>(options.AutocompleteKeys, StringComparer.Ordinal);
    }

    /// <summary>Names the batch introduces; add them to the catalog once the batch is durable.</summary>
    public IReadOnlyCollection<(byte Kind, string First, string? Second)> PendingNames => _pendingNames;

    public void Encode(IReadOnlyList<Span> spans, WriteBatch batch, long nowMillis, ReadOptions readOptions)
    {
        _pendingNames.Clear();
        GroupByLow64(spans);
        var defaultFamily = _db.Db.GetDefaultColumnFamily();
        // Everything a batch writes goes to the partition of the time it was accepted, so retention
        // (which counts from acceptance) drops exactly the days that have expired.
        var family = _db.GetOrCreate(nowMillis, PartitionedDb.PartitionLength(_options.Ttl));
        foreach (var (low, group) in _groups)
        {
            long minTs = EarliestTimestamp(group, 0);

            _value.Clear();
            SpanRecordCodec.Encode(low, group, _value, _tables);
            _key.Clear();
            StoreKeys.WriteSpanRecordKey(_key, low, StableHash.Of(_value.Written));
            batch.Put(_key.Written, _value.Written, family);

            if (_options.SearchEnabled)
            {
                if (minTs > 0) WriteIndexEntries(low, group, minTs, family, batch);
                CollectNames(group, batch, defaultFamily);
            }
            WriteDependencyDelta(low, group, family, batch, readOptions);
        }
        foreach (var list in _groups.Values)
        {
            list.Clear();
            _spareLists.Push(list);
        }
        _groups.Clear();
    }

    private void GroupByLow64(IReadOnlyList<Span> spans)
    {
        foreach (var span in spans)
        {
            if (!_groups.TryGetValue(span.TraceId.Low, out var list))
            {
                list = _spareLists.Count > 0 ? _spareLists.Pop() : new List<Span>();
                _groups.Add(span.TraceId.Low, list);
            }
            list.Add(span);
        }
    }

    private static long EarliestTimestamp(List<Span> spans, long start)
    {
        long min = start;
        foreach (var s in spans)
        {
            if (s.Timestamp > 0 && (min == 0 || s.Timestamp < min)) min = s.Timestamp;
        }
        return min;
    }

    // One entry per term for this trace and batch, all at the batch's earliest timestamp so that the
    // entries of one trace sort together; the value carries the durations a duration filter needs.
    private void WriteIndexEntries(ulong low, List<Span> group, long minTs, ColumnFamilyHandle family, WriteBatch batch)
    {
        _serviceDurations.Clear();
        _terms.Clear();
        long allMax = 0, allMin = 0;
        foreach (var span in group)
        {
            Widen(ref allMax, ref allMin, span.Duration);
            if (span.LocalServiceName is not { } service) continue;
            var d = _serviceDurations.GetValueOrDefault(service);
            Widen(ref d.Max, ref d.Min, span.Duration);
            _serviceDurations[service] = d;
            _terms.TryAdd(IndexTerms.ForService(service), service);
            if (span.Name is { } name) _terms.TryAdd(IndexTerms.ForSpanName(service, name), service);
            if (span.RemoteServiceName is { } remote) _terms.TryAdd(IndexTerms.ForRemoteService(service, remote), service);
            foreach (var tag in span.Tags)
            {
                _terms.TryAdd(IndexTerms.ForTag(service, tag.Key, tag.Value), service);
                _terms.TryAdd(IndexTerms.ForWord(service, tag.Key), service);
            }
            foreach (var a in span.Annotations) _terms.TryAdd(IndexTerms.ForWord(service, a.Value), service);
        }
        _terms.TryAdd(IndexTerms.AllTraces, null);
        foreach (var (term, service) in _terms)
        {
            var (max, min) = service is null ? (allMax, allMin) : _serviceDurations[service];
            _key.Clear();
            StoreKeys.WriteIndexKey(_key, term, minTs, low);
            _value.Clear();
            _value.WriteVarint((ulong)max);
            _value.WriteVarint((ulong)min);
            batch.Put(_key.Written, _value.Written, family);
        }
    }

    private static void Widen(ref long max, ref long min, long duration)
    {
        if (duration <= 0) return;
        if (duration > max) max = duration;
        if (min == 0 || duration < min) min = duration;
    }

    private void CollectNames(List<Span> group, WriteBatch batch, ColumnFamilyHandle defaultFamily)
    {
        foreach (var span in group)
        {
            if (span.LocalServiceName is { } service)
            {
                AddName(StoreKeys.ServiceName, service, null, batch, defaultFamily);
                if (span.Name is { } name) AddName(StoreKeys.SpanName, service, name, batch, defaultFamily);
                if (span.RemoteServiceName is { } remote) AddName(StoreKeys.RemoteServiceName, service, remote, batch, defaultFamily);
            }
            if (_autocompleteKeys.Count == 0) continue;
            foreach (var tag in span.Tags)
            {
                if (_autocompleteKeys.Contains(tag.Key)) AddName(StoreKeys.AutocompleteValue, tag.Key, tag.Value, batch, defaultFamily);
            }
        }
    }

    private void AddName(byte kind, string first, string? second, WriteBatch batch, ColumnFamilyHandle defaultFamily)
    {
        if (_pendingNames.Contains((kind, first, second)) || !_names.IsNew(kind, first, second)) return;
        _pendingNames.Add((kind, first, second));
        batch.Put(StoreKeys.NameKey(kind, first, second), ReadOnlySpan<byte>.Empty, defaultFamily);
    }

    // Links are counted per trace, but a trace may arrive over several batches. Counting
    // links(all spans so far) - links(spans before this batch) keeps the stored sum equal to the links
    // of the whole trace, whatever order its pieces come in; redelivered spans change nothing.
    private void WriteDependencyDelta(ulong low, List<Span> group, ColumnFamilyHandle family, WriteBatch batch, ReadOptions readOptions)
    {
        var existing = _db.ReadGroup(low, readOptions);
        long ts = EarliestTimestamp(existing, EarliestTimestamp(group, 0));
        if (ts == 0) return;
        _linkDelta.Clear();
        if (existing.Count > 0) Count(DependencyLinker.Link(new IReadOnlyList<Span>[] { existing }), -1);
        existing.AddRange(group);
        Count(DependencyLinker.Link(new IReadOnlyList<Span>[] { existing }), +1);
        if (_linkDelta.Count == 0) return;

        uint minute = (uint)(ts / 60_000_000);
        foreach (var ((parent, child), (calls, errors)) in _linkDelta)
        {
            if (calls != 0) MergeCounter(minute, false, parent, child, calls, family, batch);
            if (errors != 0) MergeCounter(minute, true, parent, child, errors, family, batch);
        }
    }

    private void Count(IReadOnlyList<DependencyLink> links, int sign)
    {
        foreach (var link in links)
        {
            var d = _linkDelta.GetValueOrDefault((link.Parent, link.Child));
            _linkDelta[(link.Parent, link.Child)] = (d.Calls + sign * link.CallCount, d.Errors + sign * link.ErrorCount);
        }
    }

    private void MergeCounter(uint minute, bool errors, string parent, string child, long delta, ColumnFamilyHandle family, WriteBatch batch)
    {
        _key.Clear();
        StoreKeys.WriteDependencyKey(_key, minute, errors, parent, child);
        // The uint64add merge operator adds little-endian 64-bit values; a negative delta wraps correctly.
        BinaryPrimitives.WriteInt64LittleEndian(_counter, delta);
        batch.Merge(_key.Written, _counter, family);
    }

    public void Dispose()
    {
        _key.Dispose();
        _value.Dispose();
    }
}
