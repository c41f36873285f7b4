using TraceCollector.Model;
using Xunit.Abstractions;

namespace TraceCollector.Storage.Tests.Conformance;

/// <summary>
/// The behaviour every storage backend owes the collector and the query API: Zipkin's storage
/// semantics (its ITSpanStore, ITTraces, ITServiceAndSpanNames, ITDependencies, ITAutocompleteTags,
/// ITSearchEnabledFalse and ITStrictTraceIdFalse, restated as our own tests) plus merging, retention,
/// scale and concurrency. A backend runs it by deriving a class that implements
/// <see cref="CreateStorageAsync"/>; see InMemoryStorageConformance for the smallest example.
/// Every test creates its own stores (one per options it needs) and the suite disposes them after
/// the test through <see cref="DisposeStorageAsync"/>.
/// </summary>
public abstract partial class StorageConformanceTests : IAsyncLifetime
{
    /// <summary>"Now" for every test: all data is written around it and the stores' clock starts there.</summary>
    protected static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    protected static readonly long NowMillis = Now.ToUnixTimeMilliseconds();

    protected static readonly long NowMicros = NowMillis * 1000;

    protected static readonly long Day = 86_400_000;

    private readonly List<ISpanStorage> _created = new();
    private readonly ITestOutputHelper? _output;

    protected StorageConformanceTests(ITestOutputHelper? output = null) => _output = output;

    /// <summary>
    /// A new, empty store honouring <paramref name="options"/> (strict ids, search, autocomplete keys,
    /// TTL, and its clock for retention). Called once or more per test; each call must give a store
    /// that shares no data with earlier ones (a fresh directory, keyspace or table prefix).
    /// </summary>
    protected abstract Task<ISpanStorage> CreateStorageAsync(StorageOptions options);

    /// <summary>Closes a store made by <see cref="CreateStorageAsync"/>; override to also delete its files or keyspace.</summary>
    protected virtual async Task DisposeStorageAsync(ISpanStorage storage) => await storage.DisposeAsync();

    /// <summary>
    /// Called by the retention tests right after they move the clock past the TTL. Reads must then
    /// leave the expired data out; a backend that removes it in the background (dropping whole
    /// partitions on a timer, say) overrides this to run that removal now. The default does nothing.
    /// </summary>
    protected virtual Task EnforceRetentionAsync(ISpanStorage storage) => Task.CompletedTask;

    /// <summary>What this backend cannot do, with reasons. Override to opt out; the default opts out of nothing.</summary>
    protected virtual StorageCapabilities Capabilities => StorageCapabilities.Full;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var storage in _created) await DisposeStorageAsync(storage);
        _created.Clear();
    }

    /// <summary>Options with a manual clock at <see cref="Now"/> (or the given clock), everything else Zipkin's defaults.</summary>
    protected static StorageOptions Options(ManualClock? clock = null) => new() { Clock = clock ?? new ManualClock(Now) };

    protected async Task<ISpanStorage> NewStorageAsync(StorageOptions? options = null)
    {
        var storage = await CreateStorageAsync(options ?? Options());
        _created.Add(storage);
        return storage;
    }

    /// <summary>A store already holding the spans.</summary>
    protected async Task<ISpanStorage> StorageWithAsync(IReadOnlyList<Span> spans, StorageOptions? options = null)
    {
        var storage = await NewStorageAsync(options);
        await storage.AcceptAsync(spans);
        return storage;
    }

    /// <summary>
    /// True when the backend opted out of <paramref name="capability"/>; the reason is printed so the
    /// test output says what was not checked. Refuses an opt-out without a reason.
    /// </summary>
    protected bool OptedOut(string? reason, string capability)
    {
        if (reason is null) return false;
        Assert.False(string.IsNullOrWhiteSpace(reason), $"{GetType().Name} opts out of {capability} without a reason");
        _output?.WriteLine($"{GetType().Name} opts out of {capability}: {reason}. Only the weaker promise was checked.");
        return true;
    }

    protected static QueryRequest Query(string? serviceName = null, string? remoteServiceName = null, string? spanName = null,
        string? annotationQuery = null, long? minDuration = null, long? maxDuration = null, long? endTs = null,
        long lookback = 86_400_000, int limit = 10) =>
        QueryRequest.Create(serviceName, remoteServiceName, spanName, annotationQuery, minDuration, maxDuration,
            endTs ?? NowMillis, lookback, limit);

    /// <summary>The trace ids found, in the order returned.</summary>
    protected static async Task<List<TraceId>> FindIdsAsync(ISpanStorage storage, QueryRequest request)
    {
        var traces = await storage.FindTracesAsync(request);
        var ids = new List<TraceId>(traces.Count);
        foreach (var trace in traces)
        {
            Assert.NotEmpty(trace);
            ids.Add(trace[0].TraceId);
        }
        return ids;
    }

    /// <summary>Asserts the trace ids found are exactly these, in any order.</summary>
    protected static async Task AssertFindsAsync(ISpanStorage storage, QueryRequest request, params TraceId[] expected)
    {
        var found = await FindIdsAsync(storage, request);
        found.Sort();
        var wanted = expected.ToList();
        wanted.Sort();
        Assert.Equal(wanted, found);
    }

    /// <summary>Asserts two traces hold the same spans, in any order.</summary>
    protected static void AssertSameSpans(IEnumerable<Span> expected, IEnumerable<Span> actual) =>
        Assert.Equal(Canonical(expected), Canonical(actual));

    private static List<Span> Canonical(IEnumerable<Span> spans)
    {
        var list = spans.ToList();
        list.Sort(static (a, b) =>
        {
            int c = a.Id.CompareTo(b.Id);
            if (c != 0) return c;
            c = a.Shared.CompareTo(b.Shared);
            if (c != 0) return c;
            c = a.Kind.CompareTo(b.Kind);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.LocalServiceName, b.LocalServiceName);
            if (c != 0) return c;
            c = a.Timestamp.CompareTo(b.Timestamp);
            return c != 0 ? c : a.TraceId.CompareTo(b.TraceId);
        });
        return list;
    }
}
