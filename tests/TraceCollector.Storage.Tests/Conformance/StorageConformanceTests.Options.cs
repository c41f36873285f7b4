using TraceCollector.Model;
using static TraceCollector.Storage.Tests.Conformance.SampleTraces;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Conformance;

// STRICT_TRACE_ID=false, SEARCH_ENABLED=false and STORAGE_TTL.
public abstract partial class StorageConformanceTests
{
    private static StorageOptions Lenient() => Options() with { StrictTraceId = false };

    [Fact]
    public async Task Lenient_ids_find_a_128_bit_trace_by_either_form()
    {
        var trace = ThreeServices(TraceA128, NowMicros);
        var storage = await StorageWithAsync(trace, Lenient());
        AssertSameSpans(trace, await storage.GetTraceAsync(TraceA128));
        AssertSameSpans(trace, await storage.GetTraceAsync(TraceA));
        var many = await storage.GetTracesAsync([TraceA]);
        AssertSameSpans(trace, Assert.Single(many));
    }

    [Fact]
    public async Task Lenient_ids_group_both_lengths_into_one_trace()
    {
        var trace = ThreeServices(TraceA, NowMicros - 60_000_000);
        var mixed = new[] { trace[0], trace[1] with { TraceId = TraceA128 }, trace[2], trace[3] with { TraceId = TraceA128 } };
        var storage = await StorageWithAsync(mixed, Lenient());
        Assert.Equal(4, (await storage.GetTraceAsync(TraceA)).Count);
        Assert.Equal(4, (await storage.GetTraceAsync(TraceA128)).Count);
        // Asking for both forms names one trace, which comes back once.
        Assert.Single(await storage.GetTracesAsync([TraceA, TraceA128]));
        var found = Assert.Single(await storage.FindTracesAsync(Query(serviceName: "backend", spanName: "query")));
        Assert.Equal(4, found.Count);
        var links = await storage.GetDependenciesAsync(NowMillis, Day);
        Assert.Equal(2, links.Count);
        Assert.All(links, l => Assert.Equal(1, l.CallCount));
    }

    [Fact]
    public async Task Lenient_ids_still_tell_different_low_halves_apart()
    {
        var storage = await StorageWithAsync([Single(TraceA, NowMicros), Single(TraceB, NowMicros)], Lenient());
        Assert.Single(await storage.GetTraceAsync(TraceA));
        Assert.Equal(2, (await storage.FindTracesAsync(Query())).Count);
    }

    [Fact]
    public async Task Search_disabled_answers_searches_and_names_with_nothing()
    {
        var options = Options() with { SearchEnabled = false, AutocompleteKeys = ["environment"] };
        var trace = ThreeServices(TraceA, NowMicros - 60_000_000);
        var storage = await StorageWithAsync(trace, options);
        Assert.Empty(await storage.FindTracesAsync(Query()));
        Assert.Empty(await storage.FindTracesAsync(Query(serviceName: "frontend")));
        Assert.Empty(await storage.GetServiceNamesAsync());
        Assert.Empty(await storage.GetSpanNamesAsync("frontend"));
        Assert.Empty(await storage.GetRemoteServiceNamesAsync("frontend"));
        Assert.Empty(await storage.GetValuesAsync("environment"));
    }

    [Fact]
    public async Task Search_disabled_still_reads_traces_and_dependencies()
    {
        var trace = ThreeServices(TraceA, NowMicros - 60_000_000);
        var storage = await StorageWithAsync(trace, Options() with { SearchEnabled = false });
        AssertSameSpans(trace, await storage.GetTraceAsync(TraceA));
        Assert.Single(await storage.GetTracesAsync([TraceA, TraceB]));
        Assert.Equal(2, (await storage.GetDependenciesAsync(NowMillis, Day)).Count);
    }

    [Fact]
    public async Task Spans_expire_after_the_ttl()
    {
        var clock = new ManualClock(Now);
        var options = Options(clock) with { Ttl = TimeSpan.FromDays(2) };
        var expiring = ThreeServices(TraceA, NowMicros - 60_000_000);
        var storage = await StorageWithAsync(expiring, options);

        clock.Advance(TimeSpan.FromDays(1));
        long oneDayLater = NowMicros + 86_400_000_000;
        var kept = Single(TraceB, oneDayLater, "later");
        await storage.AcceptAsync([kept]);
        AssertSameSpans(expiring, await storage.GetTraceAsync(TraceA));

        if (OptedOut(Capabilities.RetentionIgnoresClock, nameof(Capabilities.RetentionIgnoresClock))) return;

        clock.Advance(TimeSpan.FromDays(1.5));
        await EnforceRetentionAsync(storage);
        long nowMillis = NowMillis + (long)TimeSpan.FromDays(2.5).TotalMilliseconds;
        Assert.Empty(await storage.GetTraceAsync(TraceA));
        Assert.Empty(await storage.GetTracesAsync([TraceA]));
        Assert.Single(await storage.GetTraceAsync(TraceB));
        await AssertFindsAsync(storage, Query(endTs: nowMillis, lookback: 7 * Day), TraceB);
        await AssertFindsAsync(storage, Query(serviceName: "frontend", endTs: nowMillis, lookback: 7 * Day));
        Assert.Empty(await storage.GetDependenciesAsync(nowMillis, 7 * Day));
        if (OptedOut(Capabilities.NamesOutliveRetention, nameof(Capabilities.NamesOutliveRetention))) return;
        Assert.Equal(["later"], await storage.GetServiceNamesAsync());
        Assert.Empty(await storage.GetSpanNamesAsync("frontend"));
        Assert.Empty(await storage.GetRemoteServiceNamesAsync("backend"));
    }

    [Fact]
    public async Task Data_within_the_ttl_is_kept()
    {
        var clock = new ManualClock(Now);
        var trace = ThreeServices(TraceA, NowMicros - 60_000_000);
        var storage = await StorageWithAsync(trace, Options(clock) with { Ttl = TimeSpan.FromDays(7) });
        clock.Advance(TimeSpan.FromDays(6.9));
        await EnforceRetentionAsync(storage);
        AssertSameSpans(trace, await storage.GetTraceAsync(TraceA));
        Assert.Equal(["backend", "frontend"], await storage.GetServiceNamesAsync());
    }
}
