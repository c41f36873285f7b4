using System.Runtime.InteropServices;
using RocksDbSharp;
using NativeDb = RocksDbSharp.RocksDb;
using TraceCollector.Model;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// Turns one accepted batch into one WriteBatch: a span record per trace, the index entries a search
/// needs, the names not seen before and the change to the dependency counts. Used by one writer at a
/// time (the storage keeps one per concurrent writer), so its buffers are reused without locking.
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
    private readonly List<ulong> _encodedLows = new();
    private readonly Stack<List<Span>> _spareLists = new();
    private readonly Dictionary<string, (long Max, long Min)> _serviceDurations = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, string?> _terms = new();
    private readonly HashSet<(byte, string, string?)> _pendingNames = new(NameKeyComparer.Instance);
    private readonly Dictionary<(string, string), (long Calls, long Errors)> _linkDelta = new(LinkComparer.Instance);
    private readonly Action<string, string, long, long> _countLink;
    private int _linkSign;
    private readonly IndexPostings _postings = new();
    private readonly DependencyDeltas _dependencyDeltas = new();

    public BatchEncoder(StorageOptions options, PartitionedDb db, NameCatalog names)
    {
        _options = options;
        _db = db;
        _names = names;
        _autocompleteKeys = new HashSet<string>(options.AutocompleteKeys, StringComparer.Ordinal);
        _countLink = CountLink;
    }

    /// <summary>Names the batch writes into <see cref="PendingPartitionStart"/>'s partition; add them to the catalog once the batch is durable.</summary>
    public IReadOnlyCollection<(byte Kind, string First, string? Second)> PendingNames => _pendingNames;

    public long PendingPartitionStart { get; private set; }

    /// <summary>The traces (low 64 bits) the last <see cref="Encode"/> wrote to.</summary>
    public IReadOnlyList<ulong> EncodedLows => _encodedLows;

    public void Encode(IReadOnlyList<Span> spans, WriteBatch batch, long nowMillis, ReadOptions readOptions)
    {
        _pendingNames.Clear();
        _postings.Clear();
        _dependencyDeltas.Clear();
        _encodedLows.Clear();
        GroupByLow64(spans);
        // Everything a batch writes goes to the partition of the time it was accepted, so retention
        // (which counts from acceptance) drops exactly the partitions that have expired.
        var partition = _db.GetOrCreate(nowMillis, PartitionedDb.PartitionLength(_options.Ttl));
        var family = partition.Handle;
        PendingPartitionStart = partition.StartMillis;
        foreach (var (low, group) in _groups)
        {
            _encodedLows.Add(low);
            // What is stored of the trace already: the index entries carry the whole trace's timestamp
            // (so a late fragment without one is still found) and dependency counts change by the difference.
            var stored = _db.ReadGroup(low, readOptions);
            var before = stored.Count == 0 ? null : stored.ToArray();
            stored.AddRange(group);
            long traceTs = QueryRequest.TimestampOf(stored);

            _value.Clear();
            SpanRecordCodec.Encode(low, group, _value, _tables);
            _key.Clear();
            StoreKeys.WriteSpanRecordKey(_key, low, StableHash.Of(_value.Written));
            batch.Put(_key.Written, _value.Written, family);

            if (_options.SearchEnabled)
            {
                if (traceTs > 0) AddIndexEntries(low, group, traceTs);
                CollectNames(group, batch, partition);
            }
            if (traceTs > 0) AddDependencyDelta(before, stored, traceTs);
        }
        _postings.WriteTo(batch, family, _key, _value);
        _dependencyDeltas.WriteTo(batch, family, _key, _value);
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

    // One entry per term for this trace and batch, all at the trace's timestamp (as far as it is
    // known) so that a search window selects on what Zipkin's rule tests; the entry carries the
    // durations of the service's spans in this batch, which a duration filter needs.
    private void AddIndexEntries(ulong low, List<Span> group, long traceTs)
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
            ulong scope = IndexTerms.ScopeOf(service);
            _terms.TryAdd(IndexTerms.ForService(scope), service);
            if (span.Name is { } name) _terms.TryAdd(IndexTerms.ForSpanName(scope, name), service);
            if (span.RemoteServiceName is { } remote) _terms.TryAdd(IndexTerms.ForRemoteService(scope, remote), service);
            foreach (var tag in span.Tags)
            {
                _terms.TryAdd(IndexTerms.ForTag(scope, tag.Key, tag.Value), service);
                _terms.TryAdd(IndexTerms.ForWord(scope, tag.Key), service);
            }
            foreach (var a in span.Annotations) _terms.TryAdd(IndexTerms.ForWord(scope, a.Value), service);
        }
        _terms.TryAdd(IndexTerms.AllTraces, null);
        long millis = traceTs / 1000;
        foreach (var (term, service) in _terms)
        {
            var (max, min) = service is null ? (allMax, allMin) : _serviceDurations[service];
            _postings.Add(term, millis, low, max, min);
        }
    }

    private static void Widen(ref long max, ref long min, long duration)
    {
        if (duration <= 0) return;
        if (duration > max) max = duration;
        if (min == 0 || duration < min) min = duration;
    }

    private void CollectNames(List<Span> group, WriteBatch batch, Partition partition)
    {
        foreach (var span in group)
        {
            if (span.LocalServiceName is { } service)
            {
                AddName(StoreKeys.ServiceName, service, null, batch, partition);
                if (span.Name is { } name) AddName(StoreKeys.SpanName, service, name, batch, partition);
                if (span.RemoteServiceName is { } remote) AddName(StoreKeys.RemoteServiceName, service, remote, batch, partition);
            }
            if (_autocompleteKeys.Count == 0) continue;
            foreach (var tag in span.Tags)
            {
                if (_autocompleteKeys.Contains(tag.Key)) AddName(StoreKeys.AutocompleteValue, tag.Key, tag.Value, batch, partition);
            }
        }
    }

    private void AddName(byte kind, string first, string? second, WriteBatch batch, Partition partition)
    {
        if (_pendingNames.Contains((kind, first, second)) || !_names.IsNewIn(kind, first, second, partition.StartMillis)) return;
        _pendingNames.Add((kind, first, second));
        batch.Put(StoreKeys.NameKey(kind, first, second), ReadOnlySpan<byte>.Empty, partition.Handle);
    }

    // Links are counted per trace, but a trace may arrive over several batches. Counting
    // links(all spans so far) - links(spans before this batch) keeps the stored sum equal to the links
    // of the whole trace, whatever order its pieces come in; redelivered spans change nothing.
    private void AddDependencyDelta(Span[]? before, List<Span> all, long traceTs)
    {
        _linkDelta.Clear();
        if (before is not null)
        {
            _linkSign = -1;
            DependencyLinker.AddLinks(before, _countLink);
        }
        _linkSign = 1;
        DependencyLinker.AddLinks(all, _countLink);
        long millis = traceTs / 1000;
        foreach (var ((parent, child), (calls, errors)) in _linkDelta) _dependencyDeltas.Add(millis, parent, child, calls, errors);
    }

    private void CountLink(string parent, string child, long calls, long errors)
    {
        ref var d = ref CollectionsMarshal.GetValueRefOrAddDefault(_linkDelta, (parent, child), out _);
        d = (d.Calls + _linkSign * calls, d.Errors + _linkSign * errors);
    }

    public void Dispose()
    {
        _key.Dispose();
        _value.Dispose();
    }
}
