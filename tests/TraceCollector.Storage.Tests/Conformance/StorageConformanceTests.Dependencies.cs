using TraceCollector.Model;
using static TraceCollector.Storage.Tests.Conformance.SampleTraces;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Conformance;

// Dependency links over a time window, with Zipkin's linking rules applied to whole traces.
public abstract partial class StorageConformanceTests
{
    private static readonly DependencyLink FrontendToBackend = new("frontend", "backend", 1, 0);
    private static readonly DependencyLink BackendToMysql = new("backend", "mysql", 1, 0);

    private static async Task<List<DependencyLink>> LinksAsync(ISpanStorage storage, long endTs, long lookback)
    {
        var links = (await storage.GetDependenciesAsync(endTs, lookback)).ToList();
        links.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Parent, b.Parent);
            return c != 0 ? c : string.CompareOrdinal(a.Child, b.Child);
        });
        return links;
    }

    [Fact]
    public async Task Dependencies_of_an_instrumented_client_and_server()
    {
        var storage = await StorageWithAsync(ThreeServices(TraceA, NowMicros - 60_000_000));
        Assert.Equal([BackendToMysql, FrontendToBackend], await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Dependencies_sum_over_traces()
    {
        var storage = await StorageWithAsync([.. ThreeServices(TraceA, NowMicros - 60_000_000), .. ThreeServices(TraceB, NowMicros - 30_000_000)]);
        Assert.Equal([BackendToMysql with { CallCount = 2 }, FrontendToBackend with { CallCount = 2 }], await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Dependencies_come_only_from_days_in_the_window()
    {
        var storage = await StorageWithAsync(ThreeServices(TraceA, NowMicros - 60_000_000));
        Assert.Empty(await LinksAsync(storage, NowMillis - 2 * Day, Day)); // the window ends the day before the data
        Assert.Empty(await LinksAsync(storage, NowMillis + 2 * Day, Day)); // and here it begins the day after
        Assert.Equal([BackendToMysql, FrontendToBackend], await LinksAsync(storage, NowMillis + Day, 2 * Day));
    }

    [Fact]
    public async Task Dependencies_respect_the_window_in_milliseconds()
    {
        var storage = await StorageWithAsync(ThreeServices(TraceA, NowMicros - 60_000_000));
        Assert.Equal(2, (await LinksAsync(storage, NowMillis - 59_000, 2_000)).Count);
        if (OptedOut(Capabilities.CoarseDependencyWindows, nameof(Capabilities.CoarseDependencyWindows))) return;
        Assert.Empty(await LinksAsync(storage, NowMillis - 120_000, 30_000)); // the window ends a minute before the data
        Assert.Empty(await LinksAsync(storage, NowMillis, 30_000)); // and here it begins after it
    }

    [Fact]
    public async Task Duplicates_and_unmerged_fragments_do_not_double_count()
    {
        var trace = ThreeServices(TraceA, NowMicros - 60_000_000);
        var storage = await StorageWithAsync(trace);
        await storage.AcceptAsync(trace);
        await storage.AcceptAsync([Make(TraceA, 3, kind: SpanKind.Client, localEndpoint: Backend, annotations: [(NowMicros - 59_000_000, "late")])]);
        Assert.Equal([BackendToMysql, FrontendToBackend], await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Only_the_error_tag_counts_errors()
    {
        long t = NowMicros - 60_000_000;
        var storage = await StorageWithAsync([
            Make(TraceA, 1, kind: SpanKind.Server, timestamp: t, local: "frontend"),
            Make(TraceA, 2, parentId: 1, kind: SpanKind.Client, timestamp: t + 1, local: "frontend", remote: "failing", tags: [("error", "500")]),
            Make(TraceA, 3, parentId: 1, kind: SpanKind.Client, timestamp: t + 2, local: "frontend", remote: "annotated", annotations: [(t + 3, "error")]),
        ]);
        Assert.Equal([new DependencyLink("frontend", "annotated", 1, 0), new DependencyLink("frontend", "failing", 1, 1)],
            await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Headless_trace_links_what_it_knows()
    {
        long t = NowMicros - 60_000_000;
        var storage = await StorageWithAsync([
            Make(TraceA, 2, parentId: 1, kind: SpanKind.Server, timestamp: t, local: "backend", remote: "frontend"),
            Make(TraceA, 3, parentId: 2, kind: SpanKind.Client, timestamp: t + 1, local: "backend", remote: "mysql"),
        ]);
        Assert.Equal([BackendToMysql, FrontendToBackend], await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Messaging_links_through_the_broker()
    {
        long t = NowMicros - 60_000_000;
        var storage = await StorageWithAsync([
            Make(TraceA, 1, kind: SpanKind.Producer, timestamp: t, local: "orders", remote: "kafka"),
            Make(TraceA, 2, parentId: 1, kind: SpanKind.Consumer, timestamp: t + 5, local: "billing", remote: "kafka"),
            Make(TraceB, 1, kind: SpanKind.Producer, timestamp: t, local: "orders"), // broker unknown: no link
        ]);
        Assert.Equal([new DependencyLink("kafka", "billing", 1, 0), new DependencyLink("orders", "kafka", 1, 0)],
            await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Span_kind_is_not_required_when_both_endpoints_are_known()
    {
        var storage = await StorageWithAsync([Make(TraceA, 1, timestamp: NowMicros - 1_000, local: "web", remote: "db")]);
        Assert.Equal([new DependencyLink("web", "db", 1, 0)], await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Spans_without_service_names_make_no_links()
    {
        var storage = await StorageWithAsync([
            Make(TraceA, 1, kind: SpanKind.Server, timestamp: NowMicros - 1_000),
            Make(TraceA, 2, parentId: 1, kind: SpanKind.Client, timestamp: NowMicros - 900),
        ]);
        Assert.Empty(await LinksAsync(storage, NowMillis, Day));
    }

    [Fact]
    public async Task Links_of_a_trace_reported_with_mixed_id_lengths_count_once()
    {
        // Some reporters of one trace send the 128-bit id, others only its low half.
        var trace = ThreeServices(TraceA, NowMicros - 60_000_000);
        var mixed = new[] { trace[0], trace[1] with { TraceId = TraceA128 }, trace[2], trace[3] with { TraceId = TraceA128 } };
        var storage = await StorageWithAsync(mixed);
        Assert.Equal([BackendToMysql, FrontendToBackend], await LinksAsync(storage, NowMillis, Day));
    }
}
