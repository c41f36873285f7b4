namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// Service names, span and remote service names per service, and autocomplete values per key, held in
/// memory so the search form's lists never touch disk. Each name is also a key in the default column
/// family, written in the same batch as the span that introduced it, and loaded back at open.
/// </summary>
internal sealed class NameCatalog
{
    private readonly object _gate = new();
    private readonly SortedSet<string> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _spanNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _remoteNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _autocomplete = new(StringComparer.Ordinal);

    /// <summary>True when the name is not known yet (so the caller writes its key).</summary>
    public bool IsNew(byte kind, string first, string? second)
    {
        lock (_gate)
        {
            return kind switch
            {
                StoreKeys.ServiceName => !_services.Contains(first),
                StoreKeys.SpanName => !Contains(_spanNames, first, second!),
                StoreKeys.RemoteServiceName => !Contains(_remoteNames, first, second!),
                StoreKeys.AutocompleteValue => !Contains(_autocomplete, first, second!),
                _ => false,
            };
        }
    }

    public void Add(byte kind, string first, string? second)
    {
        lock (_gate)
        {
            switch (kind)
            {
                case StoreKeys.ServiceName: _services.Add(first); break;
                case StoreKeys.SpanName: AddTo(_spanNames, first, second!); break;
                case StoreKeys.RemoteServiceName: AddTo(_remoteNames, first, second!); break;
                case StoreKeys.AutocompleteValue: AddTo(_autocomplete, first, second!); break;
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

    private static bool Contains(Dictionary<string, SortedSet<string>> map, string key, string value) =>
        map.TryGetValue(key, out var set) && set.Contains(value);

    private static void AddTo(Dictionary<string, SortedSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(value);
    }
}
