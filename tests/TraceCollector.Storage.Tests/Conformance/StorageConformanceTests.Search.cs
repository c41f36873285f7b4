using TraceCollector.Model;
using static TraceCollector.Storage.Tests.Conformance.SampleTraces;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Conformance;

// FindTracesAsync: each QueryRequest parameter alone and combined, windows, limits and order.
public abstract partial class StorageConformanceTests
{
    private static readonly long HourAgo = NowMicros - 3_600_000_000;

    /// <summary>ThreeServices as TraceA an hour ago, and a lone "other" SERVER span as TraceB a minute ago.</summary>
    private async Task<ISpanStorage> TwoTracesAsync(StorageOptions? options = null) =>
        await StorageWithAsync([.. ThreeServices(TraceA, HourAgo), Single(TraceB, NowMicros - 60_000_000, "other", "do work", 5_000)], options);

    [Fact]
    public async Task No_parameters_finds_every_trace_in_the_window()
    {
        var storage = await TwoTracesAsync();
        await AssertFindsAsync(storage, Query(), TraceA, TraceB);
    }

    [Fact]
    public async Task Search_returns_whole_merged_traces()
    {
        var storage = await TwoTracesAsync();
        var trace = Assert.Single(await storage.FindTracesAsync(Query(serviceName: "backend", spanName: "query")));
        AssertSameSpans(ThreeServices(TraceA, HourAgo), trace);
    }

    [Fact]
    public async Task Service_name_selects_traces_with_a_span_of_that_local_service()
    {
        var storage = await TwoTracesAsync();
        await AssertFindsAsync(storage, Query(serviceName: "frontend"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "backend"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "other"), TraceB);
        // mysql is only ever a remote service.
        await AssertFindsAsync(storage, Query(serviceName: "mysql"));
        await AssertFindsAsync(storage, Query(serviceName: "nobody"));
    }

    [Fact]
    public async Task Names_in_queries_go_lowercase()
    {
        var storage = await StorageWithAsync([Make(TraceA, 1, kind: SpanKind.Server, name: "GET /Users", timestamp: NowMicros, local: "FrontEnd", remote: "Browser")]);
        await AssertFindsAsync(storage, Query(serviceName: "FRONTEND", spanName: "Get /USERS", remoteServiceName: "BROWSER"), TraceA);
        var span = Assert.Single(await storage.GetTraceAsync(TraceA));
        Assert.Equal("frontend", span.LocalServiceName);
        Assert.Equal("get /users", span.Name);
    }

    [Fact]
    public async Task Service_name_differentiates_traces_sharing_span_names()
    {
        var storage = await StorageWithAsync([Single(TraceA, NowMicros - 10, "service1", "get"), Single(TraceB, NowMicros - 20, "service2", "get")]);
        await AssertFindsAsync(storage, Query(serviceName: "service1", spanName: "get"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "service2", spanName: "get"), TraceB);
        await AssertFindsAsync(storage, Query(spanName: "get"), TraceA, TraceB);
    }

    [Fact]
    public async Task Remote_service_name_must_be_seen_from_the_queried_service()
    {
        var storage = await TwoTracesAsync();
        await AssertFindsAsync(storage, Query(remoteServiceName: "mysql"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "backend", remoteServiceName: "mysql"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "frontend", remoteServiceName: "mysql"));
        await AssertFindsAsync(storage, Query(serviceName: "frontend", remoteServiceName: "backend"), TraceA);
    }

    [Fact]
    public async Task Span_name_must_be_on_the_queried_service()
    {
        var storage = await TwoTracesAsync();
        await AssertFindsAsync(storage, Query(spanName: "query"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "backend", spanName: "query"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "frontend", spanName: "query"));
        await AssertFindsAsync(storage, Query(spanName: "no such span"));
        // The legacy UI sends spanName=all for "any span".
        await AssertFindsAsync(storage, Query(serviceName: "frontend", spanName: "all"), TraceA);
    }

    [Fact]
    public async Task Annotation_query_matches_tag_values_tag_keys_and_annotation_values()
    {
        var storage = await TwoTracesAsync();
        await AssertFindsAsync(storage, Query(annotationQuery: "http.method=GET"), TraceA);
        await AssertFindsAsync(storage, Query(annotationQuery: "http.method=POST"));
        await AssertFindsAsync(storage, Query(annotationQuery: "http.method"), TraceA);
        await AssertFindsAsync(storage, Query(annotationQuery: "cache.miss"), TraceA);
        // A bare word never matches a tag value, and tag matching is case-sensitive.
        await AssertFindsAsync(storage, Query(annotationQuery: "prod"));
        await AssertFindsAsync(storage, Query(annotationQuery: "http.method=get"));
        // An annotation value is not a tag: "k=v" never matches an annotation.
        await AssertFindsAsync(storage, Query(annotationQuery: "cache.miss=true"));
    }

    [Fact]
    public async Task Annotation_query_terms_are_and_ed_and_each_may_be_met_by_another_span_of_the_service()
    {
        var storage = await TwoTracesAsync();
        // environment=prod is on backend's server span, sql.query on its client span.
        await AssertFindsAsync(storage, Query(serviceName: "backend", annotationQuery: "environment=prod and sql.query"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "backend", annotationQuery: "environment=prod and ws"));
        await AssertFindsAsync(storage, Query(serviceName: "frontend", annotationQuery: "ws and http.path=/"), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "frontend", annotationQuery: "environment=prod"));
        await AssertFindsAsync(storage, Query(annotationQuery: "environment=prod and http.path=/ and wr and cache.miss"), TraceA);
    }

    [Fact]
    public async Task Min_duration_is_met_by_any_span_of_the_service()
    {
        var storage = await TwoTracesAsync();
        await AssertFindsAsync(storage, Query(minDuration: 300_000), TraceA);
        await AssertFindsAsync(storage, Query(minDuration: 5_000), TraceA, TraceB);
        await AssertFindsAsync(storage, Query(serviceName: "backend", minDuration: 150_000), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "backend", minDuration: 150_001));
        await AssertFindsAsync(storage, Query(minDuration: 350_001));
    }

    [Fact]
    public async Task Duration_bounds_are_met_by_one_single_span()
    {
        var storage = await TwoTracesAsync();
        await AssertFindsAsync(storage, Query(minDuration: 40_000, maxDuration: 60_000), TraceA);
        // Spans of 50 ms and 150 ms straddle [60 ms, 100 ms] but none lies inside it.
        await AssertFindsAsync(storage, Query(minDuration: 60_000, maxDuration: 100_000));
        await AssertFindsAsync(storage, Query(serviceName: "frontend", minDuration: 250_000, maxDuration: 250_000), TraceA);
        await AssertFindsAsync(storage, Query(serviceName: "frontend", minDuration: 40_000, maxDuration: 60_000));
    }

    [Fact]
    public async Task A_late_duration_counts_for_duration_queries()
    {
        var unfinished = Make(TraceA, 1, kind: SpanKind.Server, name: "get", timestamp: NowMicros - 1_000_000, local: "frontend");
        // Reported again once finished, as a reporter that flushes in-flight spans does.
        var finish = unfinished.With(b => b.Duration = 900_000);
        var storage = await StorageWithAsync([unfinished]);
        await AssertFindsAsync(storage, Query(minDuration: 1));
        await storage.AcceptAsync([finish]);
        await AssertFindsAsync(storage, Query(serviceName: "frontend", minDuration: 800_000), TraceA);
        var trace = Assert.Single(await storage.FindTracesAsync(Query(serviceName: "frontend")));
        Assert.Equal(900_000, Assert.Single(trace).Duration);
    }

    [Fact]
    public async Task All_parameters_together()
    {
        var storage = await TwoTracesAsync();
        var all = Query(serviceName: "backend", remoteServiceName: "mysql", spanName: "get /api",
            annotationQuery: "environment=prod and cache.miss", minDuration: 100_000, maxDuration: 200_000, lookback: 2 * 3_600_000);
        await AssertFindsAsync(storage, all, TraceA);
        await AssertFindsAsync(storage, all with { RemoteServiceName = "redis" });
        await AssertFindsAsync(storage, all with { SpanName = "get /" });
        await AssertFindsAsync(storage, all with { MinDuration = 160_000 });
        await AssertFindsAsync(storage, all with { Lookback = 30 * 60_000 });
        await AssertFindsAsync(storage, all with { AnnotationQuery = QueryRequest.ParseAnnotationQuery("environment=dev") });
    }

    [Fact]
    public async Task A_trace_without_any_timestamp_is_never_found()
    {
        var storage = await StorageWithAsync([Make(TraceA, 1, kind: SpanKind.Server, name: "get", local: "frontend", duration: 10)]);
        await AssertFindsAsync(storage, Query());
        await AssertFindsAsync(storage, Query(serviceName: "frontend"));
        Assert.Single(await storage.GetTraceAsync(TraceA));
    }

    [Fact]
    public async Task The_window_applies_to_the_root_span_timestamp()
    {
        // The root started 2 hours ago; its children ran within the last hour.
        var root = Make(TraceA, 1, kind: SpanKind.Server, name: "batch", timestamp: NowMicros - 7_200_000_000, duration: 7_100_000_000, local: "batch");
        var child = Make(TraceA, 2, parentId: 1, name: "step", timestamp: NowMicros - 600_000_000, duration: 1_000, local: "batch");
        var storage = await StorageWithAsync([root, child]);
        await AssertFindsAsync(storage, Query(lookback: 3_600_000));
        await AssertFindsAsync(storage, Query(lookback: 3 * 3_600_000), TraceA);
        // endTs inside the trace: after the root started, before its children.
        await AssertFindsAsync(storage, Query(endTs: NowMillis - 3_600_000, lookback: 2 * 3_600_000), TraceA);
        await AssertFindsAsync(storage, Query(endTs: NowMillis - 7_300_000, lookback: 3_600_000));
    }

    [Fact]
    public async Task Without_root_the_earliest_span_timestamp_decides()
    {
        var headless = new[]
        {
            Make(TraceA, 2, parentId: 1, kind: SpanKind.Server, name: "get", timestamp: NowMicros - 50_000_000, local: "backend"),
            Make(TraceA, 3, parentId: 2, kind: SpanKind.Client, name: "query", timestamp: NowMicros - 10_000_000, local: "backend", remote: "db"),
        };
        var storage = await StorageWithAsync(headless);
        await AssertFindsAsync(storage, Query(lookback: 60_000), TraceA);
        await AssertFindsAsync(storage, Query(lookback: 30_000));
        await AssertFindsAsync(storage, Query(endTs: NowMillis - 40_000, lookback: 60_000), TraceA);
    }

    [Fact]
    public async Task End_ts_and_lookback_are_milliseconds()
    {
        var storage = await StorageWithAsync([Single(TraceA, NowMicros - 1_500_000)]);
        await AssertFindsAsync(storage, Query(lookback: 1_000));
        await AssertFindsAsync(storage, Query(lookback: 2_000), TraceA);
        await AssertFindsAsync(storage, Query(endTs: NowMillis - 1_501, lookback: 1_000));
        await AssertFindsAsync(storage, Query(endTs: NowMillis - 1_500, lookback: 1_000), TraceA);
    }

    [Fact]
    public async Task Limit_returns_the_newest_traces_first()
    {
        var traces = Enumerable.Range(1, 6).Select(i => Single(Id64((ulong)i), NowMicros - i * 60_000_000L)).ToList();
        var storage = await StorageWithAsync([.. traces.AsEnumerable().Reverse()]);
        var newestThree = new[] { Id64(1), Id64(2), Id64(3) };
        var found = await FindIdsAsync(storage, Query(limit: 3));
        if (OptedOut(Capabilities.UnorderedSearchResults, nameof(Capabilities.UnorderedSearchResults)))
        {
            Assert.Equal(3, found.Count);
            Assert.Equal(3, found.Distinct().Count());
            return;
        }
        Assert.Equal(newestThree, found);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => Id64((ulong)i)), await FindIdsAsync(storage, Query(serviceName: "frontend", limit: 100)));
    }

    [Fact]
    public async Task Limit_counts_traces_not_spans()
    {
        var storage = await StorageWithAsync([.. ThreeServices(TraceA, HourAgo), .. ThreeServices(TraceB, HourAgo + 1)]);
        var found = await storage.FindTracesAsync(Query(serviceName: "backend", limit: 1));
        Assert.Equal(4, Assert.Single(found).Count);
    }

    [Fact]
    public async Task Strict_search_splits_traces_that_share_a_low_half()
    {
        var storage = await StorageWithAsync([Single(TraceA, NowMicros - 1_000, "service64"), Single(TraceA128, NowMicros - 2_000, "service128")]);
        await AssertFindsAsync(storage, Query(serviceName: "service128"), TraceA128);
        await AssertFindsAsync(storage, Query(serviceName: "service64"), TraceA);
        var both = await storage.FindTracesAsync(Query());
        Assert.Equal(2, both.Count);
        Assert.All(both, t => Assert.Single(t));
    }

    [Fact]
    public async Task Span_names_with_mixed_trace_id_lengths_are_found_strictly()
    {
        var storage = await StorageWithAsync([
            Make(TraceA, 1, kind: SpanKind.Server, name: "get", timestamp: NowMicros - 5, local: "frontend"),
            Make(TraceA128, 1, kind: SpanKind.Server, name: "post", timestamp: NowMicros - 5, local: "frontend"),
        ]);
        await AssertFindsAsync(storage, Query(spanName: "post"), TraceA128);
        await AssertFindsAsync(storage, Query(spanName: "get"), TraceA);
    }
}
