using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.TestSupport;
using static TraceCollector.Storage.Tests.Conformance.SampleTraces;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Conformance;

// Large traces, unicode, concurrent writers, and real traces from ../shared/testdata/zipkin.
public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task A_trace_of_ten_thousand_spans_is_stored_searched_and_linked()
    {
        const int count = 10_000;
        long t = NowMicros - 600_000_000;
        var spans = new List<Span>(count) { Make(TraceA, 1, kind: SpanKind.Server, name: "fan out", timestamp: t, duration: 500_000_000, local: "frontend") };
        for (int i = 2; i <= count; i++)
        {
            spans.Add(Make(TraceA, (ulong)i, parentId: 1, kind: SpanKind.Client, name: $"call {i % 50}", timestamp: t + i,
                duration: i, local: "frontend", remote: $"service-{i % 7}", tags: [("index", i.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        }
        var storage = await NewStorageAsync();
        for (int offset = 0; offset < count; offset += 1_000) await storage.AcceptAsync(spans.GetRange(offset, 1_000));

        var read = await storage.GetTraceAsync(TraceA);
        Assert.Equal(count, read.Count);
        Assert.Equal(count, read.Select(s => s.Id).Distinct().Count());
        await AssertFindsAsync(storage, Query(serviceName: "frontend", spanName: "call 7", annotationQuery: "index=9957", minDuration: 9_957), TraceA);
        Assert.Equal(50 + 1, (await storage.GetSpanNamesAsync("frontend")).Count);
        var links = await storage.GetDependenciesAsync(NowMillis, Day);
        Assert.Equal(7, links.Count);
        Assert.Equal(count - 1, links.Sum(l => l.CallCount));
    }

    [Fact]
    public async Task Unicode_names_tags_and_annotations_round_trip_and_are_searchable()
    {
        var span = Make(TraceA, 1, kind: SpanKind.Server, name: "Получить Заказ", timestamp: NowMicros - 1_000, duration: 10,
            local: "服务-前端", remote: "Ωmega", tags: [("区域", "東京 🗼"), ("emoji", "😀")], annotations: [(NowMicros - 999, "開始 ✓")]);
        var storage = await StorageWithAsync([span], Options() with { AutocompleteKeys = ["区域"] });
        Assert.Equal(span, Assert.Single(await storage.GetTraceAsync(TraceA)));
        Assert.Equal("получить заказ", span.Name);
        Assert.Equal(["服务-前端"], await storage.GetServiceNamesAsync());
        Assert.Equal(["получить заказ"], await storage.GetSpanNamesAsync("服务-前端"));
        Assert.Equal(["ωmega"], await storage.GetRemoteServiceNamesAsync("服务-前端"));
        Assert.Equal(["東京 🗼"], await storage.GetValuesAsync("区域"));
        await AssertFindsAsync(storage, Query(serviceName: "服务-前端", spanName: "ПОЛУЧИТЬ ЗАКАЗ", remoteServiceName: "ΩMEGA",
            annotationQuery: "区域=東京 🗼 and 開始 ✓ and emoji"), TraceA);
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing()
    {
        const int writers = 8, tracesPerWriter = 40;
        var storage = await NewStorageAsync();
        // Each writer sends its own traces, and also one fragment of a trace every writer adds to.
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < tracesPerWriter; i++)
            {
                var id = Id64((ulong)(w * 1_000 + i + 1));
                await storage.AcceptAsync(ThreeServices(id, NowMicros - (w * tracesPerWriter + i) * 1_000L));
            }
            await storage.AcceptAsync([Make(TraceA, (ulong)(w + 1), kind: SpanKind.Server, name: $"writer {w}", timestamp: NowMicros - w, local: "shared")]);
        })).ToArray();
        // Readers run alongside: they may see any prefix of the writes, but never fail or see a trace twice.
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!tasks.All(t => t.IsCompleted))
            {
                var found = await storage.FindTracesAsync(Query(serviceName: "backend", limit: 10_000));
                Assert.Equal(found.Count, found.Select(t => t[0].TraceId).Distinct().Count());
                await storage.GetServiceNamesAsync();
                await storage.GetDependenciesAsync(NowMillis, Day);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        await Task.WhenAll(readers);

        for (int w = 0; w < writers; w++)
        {
            for (int i = 0; i < tracesPerWriter; i++) Assert.Equal(4, (await storage.GetTraceAsync(Id64((ulong)(w * 1_000 + i + 1)))).Count);
        }
        Assert.Equal(writers, (await storage.GetTraceAsync(TraceA)).Count);
        Assert.Equal(writers * tracesPerWriter, (await storage.FindTracesAsync(Query(serviceName: "backend", limit: 10_000))).Count);
        var links = await storage.GetDependenciesAsync(NowMillis, Day);
        Assert.Equal(writers * tracesPerWriter, links.Single(l => l.Parent == "frontend" && l.Child == "backend").CallCount);
    }

    public static TheoryData<string> ZipkinTestTraces =>
    [
        "ascend.json", "envoy.json", "messaging.json", "messaging2.json", "messaging-kafka.json", "simple-db-p6.json",
        "skew.json", "yelp.json", "smartthings-mobile-web-install.json", "smartthings-oauth-authorization.json",
    ];

    /// <summary>A real trace and a store whose clock is an hour after the trace's last span.</summary>
    private async Task<(IReadOnlyList<Span> Spans, ISpanStorage Storage, long EndTs)> RealTraceAsync(string file)
    {
        var spans = SpanDecoder.DecodeList(SpanEncoding.JsonV2, File.ReadAllBytes(RepoPaths.ZipkinTestData(file)));
        long last = spans.Max(s => s.Timestamp);
        var endTs = last / 1000 + 3_600_000;
        var storage = await StorageWithAsync(spans, Options(new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(endTs))));
        return (spans, storage, endTs);
    }

    [Theory]
    [MemberData(nameof(ZipkinTestTraces))]
    public async Task Real_traces_read_back_merged_and_are_found_by_every_service(string file)
    {
        var (spans, storage, endTs) = await RealTraceAsync(file);
        var traceId = spans[0].TraceId;
        AssertSameSpans(TraceMerger.Merge(spans), await storage.GetTraceAsync(traceId));

        var services = spans.Select(s => s.LocalServiceName).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(services, await storage.GetServiceNamesAsync());
        foreach (var service in services)
        {
            var names = spans.Where(s => s.LocalServiceName == service).Select(s => s.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal);
            Assert.Equal(names, await storage.GetSpanNamesAsync(service));
            await AssertFindsAsync(storage, Query(serviceName: service, endTs: endTs, lookback: Day), traceId);
        }
        Assert.Equal(DependencyLinker.Link([spans]), await LinksAsync(storage, endTs, Day));
    }

    [Fact]
    public async Task Real_messaging_trace_links_through_rabbitmq()
    {
        var (_, storage, endTs) = await RealTraceAsync("messaging.json");
        Assert.Equal([new DependencyLink("frontend", "rabbitmq", 1, 0), new DependencyLink("rabbitmq", "backend", 1, 0)],
            await LinksAsync(storage, endTs, Day));
    }

    [Fact]
    public async Task Real_trace_fragments_are_merged()
    {
        var (spans, storage, _) = await RealTraceAsync("smartthings-oauth-authorization.json");
        var read = await storage.GetTraceAsync(spans[0].TraceId);
        // The file holds 175 span records; five are one shared "pusher" span id reported by two hosts
        // (three records from 10.0.0.187, two from 10.0.0.79), which merge into one span per host.
        Assert.Equal(175, spans.Count);
        Assert.Equal(172, read.Count);
        Assert.Equal(2, read.Count(s => s.Id == 0x9d2d35b746db84f3 && s.Shared));
    }
}
