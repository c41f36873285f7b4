using TraceCollector.Model;
using TraceCollector.Storage.Tests.Support;
using static TraceCollector.Storage.Tests.Conformance.SampleTraces;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Conformance;

// Reading traces back by id: what was accepted comes back, once, merged.
public abstract partial class StorageConformanceTests
{
    private static readonly TraceId TraceA = Id64(0x463ac35c9f6413ad);
    private static readonly TraceId TraceB = Id64(0x163ac35c9f6413ad);
    private static readonly TraceId TraceA128 = Id128(0x48485a3953bb6124, 0x463ac35c9f6413ad);

    [Fact]
    public async Task Accepted_trace_is_read_back_whole()
    {
        var trace = ThreeServices(TraceA, NowMicros - 60_000_000);
        var storage = await StorageWithAsync(trace);
        AssertSameSpans(trace, await storage.GetTraceAsync(TraceA));
    }

    [Fact]
    public async Task Unknown_trace_is_empty()
    {
        var storage = await StorageWithAsync(ThreeServices(TraceA, NowMicros));
        Assert.Empty(await storage.GetTraceAsync(TraceB));
        var empty = await NewStorageAsync();
        Assert.Empty(await empty.GetTraceAsync(TraceA));
    }

    [Fact]
    public async Task Every_field_survives_the_round_trip()
    {
        var span = new SpanBuilder
        {
            TraceId = TraceA128, ParentId = 0x1122334455667788, Id = 0x0102030405060708, Kind = SpanKind.Producer,
            Name = "send", Timestamp = NowMicros, Duration = 1, Debug = true,
            LocalEndpoint = Endpoint.Create("kafka-client", "10.1.2.3", "2001:db8::c001", 65535),
            RemoteEndpoint = Endpoint.Create("kafka", null, "::1", 9092),
        }.AddAnnotation(NowMicros + 1, "sent").AddAnnotation(NowMicros, "queued")
            .PutTag("messaging.destination", "orders").PutTag("empty", "").PutTag("large", new string('x', 65_536)).Build();
        var storage = await StorageWithAsync([span]);
        var read = Assert.Single(await storage.GetTraceAsync(TraceA128));
        Assert.Equal(span, read);
    }

    [Fact]
    public async Task Exact_duplicates_are_returned_once()
    {
        var trace = ThreeServices(TraceA, NowMicros);
        var storage = await StorageWithAsync(trace);
        await storage.AcceptAsync(trace); // a redelivered message
        await storage.AcceptAsync([trace[1], trace[1]]); // a retried POST holding the same span twice
        var read = await storage.GetTraceAsync(TraceA);
        if (OptedOut(Capabilities.KeepsExactDuplicates, nameof(Capabilities.KeepsExactDuplicates)))
        {
            AssertSameSpans(trace, read.Distinct());
            return;
        }
        AssertSameSpans(trace, read);
    }

    [Fact]
    public async Task Fragments_of_one_span_come_back_merged()
    {
        // Reporters flush what they have: the span first, its duration and last annotation later.
        var early = Make(TraceA, 2, parentId: 1, kind: SpanKind.Client, name: "get /api", timestamp: NowMicros,
            localEndpoint: Frontend, annotations: [(NowMicros + 10, "ws")]);
        var late = Make(TraceA, 2, kind: SpanKind.Client, duration: 2_000, localEndpoint: Frontend, remote: "backend",
            annotations: [(NowMicros + 1_990, "wr")], tags: [("http.status_code", "200")]);
        var storage = await StorageWithAsync([early]);
        await storage.AcceptAsync([late]);

        var span = Assert.Single(await storage.GetTraceAsync(TraceA));
        Assert.Equal(1ul, span.ParentId);
        Assert.Equal("get /api", span.Name);
        Assert.Equal(NowMicros, span.Timestamp);
        Assert.Equal(2_000, span.Duration);
        Assert.Equal("backend", span.RemoteServiceName);
        Assert.Equal([new Annotation(NowMicros + 10, "ws"), new Annotation(NowMicros + 1_990, "wr")], span.Annotations.ToArray());
        Assert.True(span.TryGetTag("http.status_code", out var status) && status == "200");
    }

    [Fact]
    public async Task Client_and_server_halves_of_a_shared_span_stay_two_spans()
    {
        var trace = ThreeServices(TraceA, NowMicros);
        var storage = await StorageWithAsync(trace);
        var halves = (await storage.GetTraceAsync(TraceA)).Where(s => s.Id == 2).ToList();
        Assert.Equal(2, halves.Count);
        Assert.Contains(halves, s => s.Kind == SpanKind.Client && !s.Shared && s.LocalServiceName == "frontend");
        Assert.Contains(halves, s => s.Kind == SpanKind.Server && s.Shared && s.LocalServiceName == "backend");
    }

    [Fact]
    public async Task Debug_and_shared_flags_are_kept_apart()
    {
        var debug = Make(TraceA, 5, kind: SpanKind.Server, timestamp: NowMicros, local: "a").With(b => b.Debug = true);
        var shared = Make(TraceA, 6, parentId: 5, kind: SpanKind.Server, timestamp: NowMicros + 1, local: "b", shared: true);
        var storage = await StorageWithAsync([debug, shared]);
        var read = await storage.GetTraceAsync(TraceA);
        Assert.Contains(read, s => s.Id == 5 && s.Debug && !s.Shared);
        Assert.Contains(read, s => s.Id == 6 && s.Shared && !s.Debug);
    }

    [Fact]
    public async Task Many_traces_by_id_skip_unknown_ones()
    {
        var storage = await StorageWithAsync([.. ThreeServices(TraceA, NowMicros), Single(TraceB, NowMicros)]);
        var found = await storage.GetTracesAsync([TraceB, Id64(0x999), TraceA]);
        Assert.Equal(2, found.Count);
        AssertSameSpans(ThreeServices(TraceA, NowMicros), found.Single(t => t[0].TraceId == TraceA));
        Assert.Single(found.Single(t => t[0].TraceId == TraceB));
        Assert.Empty(await storage.GetTracesAsync([]));
        Assert.Empty(await storage.GetTracesAsync([Id64(0x999)]));
    }

    [Fact]
    public async Task Strict_ids_keep_a_128_bit_trace_apart_from_its_low_half()
    {
        var storage = await StorageWithAsync([Single(TraceA, NowMicros, "service64"), Single(TraceA128, NowMicros, "service128")]);
        Assert.Equal("service64", Assert.Single(await storage.GetTraceAsync(TraceA)).LocalServiceName);
        Assert.Equal("service128", Assert.Single(await storage.GetTraceAsync(TraceA128)).LocalServiceName);
        Assert.Equal(2, (await storage.GetTracesAsync([TraceA, TraceA128])).Count);
        await AssertFindsAsync(storage, Query(), TraceA, TraceA128);
    }

    [Fact]
    public async Task A_32_digit_id_with_zero_high_half_is_the_64_bit_trace()
    {
        var storage = await StorageWithAsync([Single(TraceId.Parse("0000000000000000463ac35c9f6413ad"), NowMicros)]);
        Assert.Single(await storage.GetTraceAsync(TraceId.Parse("463ac35c9f6413ad")));
    }

    [Fact]
    public async Task Closing_a_store_twice_is_harmless()
    {
        // A DI container disposes a singleton once per interface it was registered under.
        var storage = await StorageWithAsync([Single(TraceA, NowMicros)]);
        await storage.DisposeAsync();
        await storage.DisposeAsync();
    }
}
