using TraceCollector.Model;

namespace TraceCollector.Storage.InMemory;

/// <summary>
/// What searches and name lists read: traces by local service, span and remote service names by
/// service, autocomplete values of the configured keys. Every entry counts the stored spans behind
/// it, so evicted or expired spans take their names with them. Not thread-safe: the store's lock guards it.
/// </summary>
internal sealed class SearchIndex
{
    private readonly HashSet<string> _autocompleteKeys;
    private readonly Dictionary<string, Dictionary<ulong, int>> _tracesByService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _spanNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _remoteNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _tagValues = new(StringComparer.Ordinal);

    public SearchIndex(IEnumerable<string> autocompleteKeys) =>
        _autocompleteKeys = new HashSet<string>(autocompleteKeys, StringComparer.Ordinal);

    public void Add(ulong lowTraceId, Span span) => Update(lowTraceId, span, +1);

    public void Remove(ulong lowTraceId, Span span) => Update(lowTraceId, span, -1);

    /// <summary>Low-64 trace ids with a span of the service; empty when none.</summary>
    public IEnumerable<ulong> TracesOf(string serviceName) =>
        _tracesByService.TryGetValue(serviceName, out var ids) ? ids.Keys : Array.Empty<ulong>();

    public IReadOnlyList<string> ServiceNames() => Sorted(_tracesByService.Keys);

    public IReadOnlyList<string> SpanNames(string serviceName) => SortedKeysOf(_spanNames, serviceName);

    public IReadOnlyList<string> RemoteServiceNames(string serviceName) => SortedKeysOf(_remoteNames, serviceName);

    public IReadOnlyList<string> TagValues(string key) => SortedKeysOf(_tagValues, key);

    private void Update(ulong lowTraceId, Span span, int delta)
    {
        if (span.LocalServiceName is { } service)
        {
            Count(_tracesByService, service, lowTraceId, delta);
            if (span.Name is { } name) Count(_spanNames, service, name, delta);
            if (span.RemoteServiceName is { } remote) Count(_remoteNames, service, remote, delta);
        }
        if (_autocompleteKeys.Count == 0) return;
        foreach (var tag in span.Tags)
        {
            if (_autocompleteKeys.Contains(tag.Key)) Count(_tagValues, tag.Key, tag.Value, delta);
        }
    }

    private static void Count<T>(Dictionary<string, Dictionary<T, int>> index, string key, T value, int delta) where T : notnull
    {
        if (!index.TryGetValue(key, out var values))
        {
            if (delta < 0) return;
            index[key] = values = new Dictionary<T, int>();
        }
        values.TryGetValue(value, out int count);
        count += delta;
        if (count > 0)
        {
            values[value] = count;
            return;
        }
        values.Remove(value);
        if (values.Count == 0) index.Remove(key);
    }

    private static IReadOnlyList<string> SortedKeysOf(Dictionary<string, Dictionary<string, int>> index, string key) =>
        index.TryGetValue(key, out var values) ? Sorted(values.Keys) : Array.Empty<string>();

    private static IReadOnlyList<string> Sorted(IEnumerable<string> names)
    {
        var list = new List<string>(names);
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}
