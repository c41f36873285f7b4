namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// Service names, span and remote service names per service, and autocomplete values per key, held in
/// memory so the search form's lists never touch disk. Each name is also a key in every partition it
/// was seen in, written in the same batch as the span that brought it, so the catalog is rebuilt at
/// open and a name leaves it when the last partition holding it is dropped.
/// </summary>
internal sealed class NameCatalog
{
    private readonly object _gate = new();
    private readonly SortedSet<string> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _spanNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _remoteNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _autocomplete = new(StringComparer.Ordinal);
    // The newest partition (by start) each name is written in.
    private readonly Dictionary<(byte, string, string?), long> _lastPartition = new(NameKeyComparer.Instance);

    /// <summary>True when the partition starting at <paramref name="partitionStart"/> has no key for the name yet.</summary>
    public bool IsNewIn(byte kind, string first, string? second, long partitionStart)
    {
        lock (_gate) return !_lastPartition.TryGetValue((kind, first, second), out long last) || last < partitionStart;
    }

    public void Add(byte kind, string first, string? second, long partitionStart)
    {
        lock (_gate)
        {
            var key = (kind, first, second);
            if (_lastPartition.TryGetValue(key, out long last))
            {
                if (partitionStart > last) _lastPartition[key] = partitionStart;
                return;
            }
            _lastPartition[key] = partitionStart;
            switch (kind)
            {
                case StoreKeys.ServiceName: _services.Add(first); break;
                case StoreKeys.SpanName: AddTo(_spanNames, first, second!); break;
                case StoreKeys.RemoteServiceName: AddTo(_remoteNames, first, second!); break;
                case StoreKeys.AutocompleteValue: AddTo(_autocomplete, first, second!); break;
            }
        }
    }

    /// <summary>Forgets the names last seen in partitions older than <paramref name="oldestLiveStart"/>.</summary>
    public void ExpireBefore(long oldestLiveStart)
    {
        lock (_gate)
        {
            var expired = new List<(byte, string, string?)>();
            foreach (var (key, last) in _lastPartition) if (last < oldestLiveStart) expired.Add(key);
            foreach (var key in expired)
            {
                _lastPartition.Remove(key);
                var (kind, first, second) = key;
                switch (kind)
                {
                    case StoreKeys.ServiceName: _services.Remove(first); break;
                    case StoreKeys.SpanName: RemoveFrom(_spanNames, first, second!); break;
                    case StoreKeys.RemoteServiceName: RemoveFrom(_remoteNames, first, second!); break;
                    case StoreKeys.AutocompleteValue: RemoveFrom(_autocomplete, first, second!); break;
                }
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _services.Clear();
            _spanNames.Clear();
            _remoteNames.Clear();
            _autocomplete.Clear();
            _lastPartition.Clear();
        }
    }

    public IReadOnlyList<string> Services()
    {
        lock (_gate) return _services.ToArray();
    }

    public IReadOnlyList<string> SpanNames(string service) => Snapshot(_spanNames, service);

    public IReadOnlyList<string> RemoteServiceNames(string service) => Snapshot(_remoteNames, service);

    public IReadOnlyList<string> AutocompleteValues(string key) => Snapshot(_autocomplete, key);

    private IReadOnlyList<string> Snapshot(Dictionary<string, SortedSet<string>> map, string key)
    {
        lock (_gate) return map.TryGetValue(key, out var set) ? set.ToArray() : Array.Empty<string>();
    }

    private static void AddTo(Dictionary<string, SortedSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(value);
    }

    private static void RemoveFrom(Dictionary<string, SortedSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set)) return;
        set.Remove(value);
        if (set.Count == 0) map.Remove(key);
    }
}
