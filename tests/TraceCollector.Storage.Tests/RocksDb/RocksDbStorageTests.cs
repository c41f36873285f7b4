using TraceCollector.Model;
using TraceCollector.Storage.RocksDb;
using TraceCollector.Storage.Tests.Conformance;
using TraceCollector.Storage.Tests.Support;

namespace TraceCollector.Storage.Tests.RocksDb;

/// <summary>What only the embedded store has to prove: its encoding, reopening, partitions, retention and the secondary.</summary>
public sealed class RocksDbStorageTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly long NowMicros = Start.ToUnixTimeMilliseconds() * 1000;
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(Start);

    private StorageOptions Options(bool strict = true, bool search = true, TimeSpan? ttl = null) => new()
    {
        StrictTraceId = strict,
        SearchEnabled = search,
        AutocompleteKeys = new[] { "env" },
        Ttl = ttl ?? TimeSpan.FromDays(7),
        Clock = _clock,
    };

    private RocksDbStorage OpenPrimary(StorageOptions? options = null) => RocksDbStorage.Open(_dir.Sub("primary"), options ?? Options());

    private static QueryRequest Query(string? service = null, string? spanName = null, string? annotationQuery = null,
        long? minDuration = null, long? maxDuration = null, string? remote = null, int limit = 10, long? endTs = null, long lookback = 3_600_000) =>
        QueryRequest.Create(service, remote, spanName, annotationQuery, minDuration, maxDuration, endTs ?? Start.ToUnixTimeMilliseconds() + 60_000, lookback, limit);

    private static Span Server(ulong trace, ulong id, string service, string name, long offsetMicros, long duration, ulong parent = 0, string? remote = null,
        (string, string)[]? tags = null, string? annotation = null) =>
        Spans.Make(Spans.Id64(trace), id, parent, SpanKind.Server, name, NowMicros + offsetMicros, duration, service, remote,
            tags: tags, annotations: annotation is null ? null : new[] { (NowMicros + offsetMicros + 1, annotation) });

    [Fact]
    public async Task EverySpanFieldSurvivesTheBinaryEncoding()
    {
        var local = Endpoint.Create("Frontend-ü", "10.1.2.3", "2001:db8::c001", 8080)!;
        var remote = Endpoint.Create("backend", null, "::1", 9411)!;
        var span = new SpanBuilder
        {
            TraceId = new TraceId(0x463ac35c9f6413ad, 0x48485a3953bb6124),
            ParentId = 0x6b221d5bc9e6496c,
            Id = 0x5b4185666d50f68b,
            Kind = SpanKind.Client,
            Name = "GET /api/ünicode",
            Timestamp = NowMicros,
            Duration = 207_000,
            LocalEndpoint = local,
            RemoteEndpoint = remote,
            Debug = true,
        }.AddAnnotation(NowMicros + 10, "wire.send").AddAnnotation(NowMicros - 5, "earlier").PutTag("http.path", "/api").PutTag("env", "prod").Build();
        var unfinished = Spans.Make(span.TraceId, 0x1234, span.Id, SpanKind.Server, shared: true, localEndpoint: remote);
        await using var storage = OpenPrimary();
        await storage.AcceptAsync(new[] { span, unfinished });

        var trace = await storage.GetTraceAsync(span.TraceId);

        Assert.Equal(2, trace.Count);
        Assert.Contains(span, trace);
        Assert.Contains(unfinished, trace);
    }

    [Fact]
    public async Task DataNamesAndDependenciesSurviveDisposeAndReopen()
    {
        var client = Spans.Make(Spans.Id64(7), 1, 0, SpanKind.Client, "call", NowMicros, 100, "web", "api");
        var server = Spans.Make(Spans.Id64(7), 1, 0, SpanKind.Server, "call", NowMicros + 10, 80, "api", "web", shared: true,
            tags: new[] { ("env", "prod") });
        await using (var storage = OpenPrimary()) await storage.AcceptAsync(new[] { client, server });

        await using var reopened = OpenPrimary();

        Assert.Equal(2, (await reopened.GetTraceAsync(Spans.Id64(7))).Count);
        Assert.Equal(new[] { "api", "web" }, await reopened.GetServiceNamesAsync());
        Assert.Equal(new[] { "call" }, await reopened.GetSpanNamesAsync("web"));
        Assert.Equal(new[] { "api" }, await reopened.GetRemoteServiceNamesAsync("web"));
        Assert.Equal(new[] { "prod" }, await reopened.GetValuesAsync("env"));
        var link = Assert.Single(await reopened.GetDependenciesAsync(Start.ToUnixTimeMilliseconds() + 1000, 60_000));
        Assert.Equal(("web", "api", 1L), (link.Parent, link.Child, link.CallCount));
    }

    [Fact]
    public async Task SearchesUseEachIndexAndRecheckTheSpans()
    {
        await using var storage = OpenPrimary();
        await storage.AcceptAsync(new[]
        {
            Server(1, 1, "web", "get /a", 0, 5_000, tags: new[] { ("http.method", "GET") }),
            Server(1, 2, "web", "db", 100, 50_000, parent: 1, remote: "mysql"),
            Server(2, 3, "web", "get /b", 1_000, 9_000, tags: new[] { ("http.method", "POST") }, annotation: "retry"),
            Server(3, 4, "api", "get /a", 2_000, 70_000),
        });

        async Task<ulong[]> Find(QueryRequest q) => (await storage.FindTracesAsync(q)).Select(t => t[0].TraceId.Low).Order().ToArray();

        Assert.Equal(new ulong[] { 1, 2 }, await Find(Query("web")));
        Assert.Equal(new ulong[] { 1 }, await Find(Query("web", "get /a")));
        Assert.Equal(new ulong[] { 1 }, await Find(Query("web", minDuration: 40_000)));
        Assert.Empty(await Find(Query("web", "get /b", minDuration: 40_000)));
        Assert.Equal(new ulong[] { 1 }, await Find(Query("web", "get /a", minDuration: 40_000))); // name and duration met by different spans
        Assert.Equal(new ulong[] { 2 }, await Find(Query("web", annotationQuery: "http.method=POST")));
        Assert.Equal(new ulong[] { 2 }, await Find(Query("web", annotationQuery: "retry and http.method")));
        Assert.Equal(new ulong[] { 1 }, await Find(Query("web", remote: "mysql", annotationQuery: "http.method=GET")));
        Assert.Equal(new ulong[] { 1, 2, 3 }, await Find(Query()));
        Assert.Equal(new ulong[] { 1, 3 }, await Find(Query(spanName: "get /a")));
        Assert.Empty(await Find(Query("web", endTs: Start.ToUnixTimeMilliseconds() - 1)));
        Assert.Empty(await Find(Query("nobody")));
    }

    [Fact]
    public async Task SearchReturnsTheNewestLimitTracesNewestFirst()
    {
        await using var storage = OpenPrimary();
        for (ulong i = 1; i <= 30; i++)
        {
            await storage.AcceptAsync(new[] { Server(i, i, "web", "op", (long)i * 1000, 10) });
        }

        var found = await storage.FindTracesAsync(Query("web", limit: 5));

        Assert.Equal(new ulong[] { 30, 29, 28, 27, 26 }, found.Select(t => t[0].TraceId.Low).ToArray());
    }

    [Fact]
    public async Task TracesOfManyBatchesAndSecondsComeBackNewestFirstAcrossBlocks()
    {
        // Index entries are stored as one block per batch, term and second: two interleaved batches
        // spread over three seconds must still read back as one newest-first order.
        await using var storage = OpenPrimary();
        var even = new List<Span>();
        var odd = new List<Span>();
        for (ulong i = 1; i <= 60; i++) (i % 2 == 0 ? even : odd).Add(Server(i, i, "web", "op", (long)i * 50_000, 10));
        await storage.AcceptAsync(even);
        await storage.AcceptAsync(odd);

        var found = await storage.FindTracesAsync(Query("web", limit: 25));

        var expected = Enumerable.Range(36, 25).Reverse().Select(i => (ulong)i).ToArray();
        Assert.Equal(expected, found.Select(t => t[0].TraceId.Low).ToArray());
    }

    [Fact]
    public async Task SearchWindowEdgesAreExactToTheMillisecondInsideOneSecond()
    {
        await using var storage = OpenPrimary();
        await storage.AcceptAsync(new[]
        {
            Server(1, 1, "web", "op", 100_000, 10), // +100 ms
            Server(2, 2, "web", "op", 500_000, 10), // +500 ms
            Server(3, 3, "web", "op", 900_000, 10), // +900 ms
        });
        long start = Start.ToUnixTimeMilliseconds();

        var found = await storage.FindTracesAsync(Query("web", endTs: start + 500, lookback: 300));
        var upToEnd = await storage.FindTracesAsync(Query("web", endTs: start + 899, lookback: 800));

        Assert.Equal(new ulong[] { 2 }, found.Select(t => t[0].TraceId.Low).ToArray());
        Assert.Equal(new ulong[] { 2, 1 }, upToEnd.Select(t => t[0].TraceId.Low).ToArray());
    }

    [Fact]
    public async Task DependencyWindowEdgesAreExactToTheMillisecondInsideOneSecond()
    {
        Span[] Call(ulong trace, long offsetMicros, string child) => new[]
        {
            Spans.Make(Spans.Id64(trace), 1, 0, SpanKind.Server, "root", NowMicros + offsetMicros, 200, "web"),
            Spans.Make(Spans.Id64(trace), 2, 1, SpanKind.Client, "call", NowMicros + offsetMicros + 5, 100, "web", child),
        };
        await using var storage = OpenPrimary();
        await storage.AcceptAsync(Call(1, 100_000, "early").Concat(Call(2, 900_000, "late")).ToArray());
        long start = Start.ToUnixTimeMilliseconds();

        var links = await storage.GetDependenciesAsync(start + 500, 500);

        Assert.Equal(new[] { new DependencyLink("web", "early", 1, 0) }, links);
    }

    [Fact]
    public async Task AStoreWrittenInAnotherFormatIsRefusedAtOpen()
    {
        await using (var storage = OpenPrimary()) await storage.AcceptAsync(new[] { Server(1, 1, "web", "op", 0, 10) });
        using (var raw = RocksDbSharp.RocksDb.Open(new RocksDbSharp.DbOptions(), _dir.Sub("primary"), ExistingFamilies(_dir.Sub("primary"))))
        {
            raw.Put("tracecollector.format"u8.ToArray(), "1"u8.ToArray());
        }

        var error = Assert.Throws<InvalidDataException>(() => OpenPrimary());

        Assert.Contains("format 1", error.Message);
        Assert.Contains("STORAGE_DIR", error.Message);
    }

    private static RocksDbSharp.ColumnFamilies ExistingFamilies(string path)
    {
        var families = new RocksDbSharp.ColumnFamilies();
        foreach (var name in RocksDbSharp.RocksDb.ListColumnFamilies(new RocksDbSharp.DbOptions(), path))
        {
            if (name != "default") families.Add(name, new RocksDbSharp.ColumnFamilyOptions().SetUint64addMergeOperator());
        }
        return families;
    }

    [Fact]
    public async Task StrictIdsKeepTracesApartAndLenientIdsGroupByTheLowHalf()
    {
        var long1 = Spans.Make(Spans.Id128(1, 42), 1, name: "a", timestamp: NowMicros, local: "web");
        var short1 = Spans.Make(Spans.Id64(42), 2, name: "b", timestamp: NowMicros, local: "web");
        await using (var strict = OpenPrimary()) await strict.AcceptAsync(new[] { long1, short1 });

        await using (var strict = OpenPrimary())
        {
            Assert.Equal(new[] { long1 }, await strict.GetTraceAsync(long1.TraceId));
            Assert.Equal(new[] { short1 }, await strict.GetTraceAsync(short1.TraceId));
            Assert.Equal(2, (await strict.FindTracesAsync(Query("web"))).Count);
        }
        await using var lenient = OpenPrimary(Options(strict: false));
        Assert.Equal(2, (await lenient.GetTraceAsync(short1.TraceId)).Count);
        Assert.Single(await lenient.FindTracesAsync(Query("web")));
    }

    [Fact]
    public async Task DependenciesOfATraceSplitOverBatchesAreCountedOnceAndRedeliveryChangesNothing()
    {
        var client = Spans.Make(Spans.Id64(9), 2, 1, SpanKind.Client, "call", NowMicros + 5, 100, "web");
        var server = Spans.Make(Spans.Id64(9), 2, 1, SpanKind.Server, "call", NowMicros + 10, 80, "api", shared: true, tags: new[] { ("error", "boom") });
        var root = Spans.Make(Spans.Id64(9), 1, 0, SpanKind.Server, "root", NowMicros, 200, "web");
        await using var storage = OpenPrimary();
        await storage.AcceptAsync(new[] { client });
        await storage.AcceptAsync(new[] { server, root });
        await storage.AcceptAsync(new[] { server, root }); // a redelivered message

        var link = Assert.Single(await storage.GetDependenciesAsync(Start.ToUnixTimeMilliseconds() + 1000, 60_000));

        Assert.Equal(new DependencyLink("web", "api", 1, 1), link);
        Assert.Empty(await storage.GetDependenciesAsync(Start.ToUnixTimeMilliseconds() - 120_000, 60_000));
    }

    [Fact]
    public async Task RetentionDropsExpiredPartitionsWhole()
    {
        var options = Options(ttl: TimeSpan.FromHours(8));
        await using var storage = OpenPrimary(options);
        await storage.AcceptAsync(new[] { Server(1, 1, "web", "old", 0, 10) });
        _clock.Advance(TimeSpan.FromHours(9.5));
        await storage.AcceptAsync(new[] { Server(2, 2, "web", "new", 0, 10) });

        Assert.Empty(await storage.GetTraceAsync(Spans.Id64(1)));
        Assert.Single(await storage.GetTraceAsync(Spans.Id64(2)));
        Assert.Equal(new ulong[] { 2 }, (await storage.FindTracesAsync(Query("web"))).Select(t => t[0].TraceId.Low).ToArray());
    }

    [Fact]
    public async Task RetentionKeepsDataYoungerThanTheTtl()
    {
        await using var storage = OpenPrimary(Options(ttl: TimeSpan.FromHours(8)));
        await storage.AcceptAsync(new[] { Server(1, 1, "web", "op", 0, 10) });
        _clock.Advance(TimeSpan.FromHours(7.9));

        Assert.Equal(0, storage.EnforceRetention());
        Assert.Single(await storage.GetTraceAsync(Spans.Id64(1)));
    }

    [Fact]
    public async Task ASecondaryFollowsThePrimaryAcrossNewPartitions()
    {
        await using var primary = OpenPrimary(Options(ttl: TimeSpan.FromHours(8)));
        await primary.AcceptAsync(new[] { Server(1, 1, "web", "op", 0, 10) });
        await using var secondary = RocksDbStorage.OpenSecondary(_dir.Sub("primary"), _dir.Sub("secondary"), Options(ttl: TimeSpan.FromHours(8)));
        Assert.Single(await secondary.GetTraceAsync(Spans.Id64(1)));

        await primary.AcceptAsync(new[] { Server(2, 2, "api", "op", 0, 10) });
        _clock.Advance(TimeSpan.FromHours(2)); // the primary now writes into a new column family
        await primary.AcceptAsync(new[] { Server(3, 3, "db", "op", 0, 10) });
        secondary.CatchUpWithPrimary();

        Assert.Single(await secondary.GetTraceAsync(Spans.Id64(2)));
        Assert.Single(await secondary.GetTraceAsync(Spans.Id64(3)));
        Assert.Equal(new[] { "api", "db", "web" }, await secondary.GetServiceNamesAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await secondary.AcceptAsync(new[] { Server(4, 4, "x", "op", 0, 1) }));
    }

    [Fact]
    public async Task ConcurrentWritersLoseNothing()
    {
        await using var storage = OpenPrimary();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (int b = 0; b < 25; b++)
            {
                ulong trace = (ulong)(w * 1000 + b + 1);
                await storage.AcceptAsync(new[] { Server(trace, 1, "web", "op", b, 10), Server(trace, 2, "web", "child", b + 1, 5, parent: 1) });
            }
        })).ToArray();
        await Task.WhenAll(writers);

        for (int w = 0; w < 4; w++)
        {
            for (int b = 0; b < 25; b++) Assert.Equal(2, (await storage.GetTraceAsync(Spans.Id64((ulong)(w * 1000 + b + 1)))).Count);
        }
    }

    [Fact]
    public async Task ConcurrentWritesOfOneTracesPiecesCountItsLinksExactlyOnce()
    {
        // Batches encode in parallel against what was stored when they began; pieces of the same
        // traces written at once must still add up to the links of the whole traces, and each
        // trace's index timestamp must be its root's.
        const int traces = 20;
        await using var storage = OpenPrimary();
        var pieces = new List<Span[]>();
        for (ulong t = 1; t <= traces; t++)
        {
            pieces.Add(new[] { Spans.Make(Spans.Id64(t), 1, 0, SpanKind.Server, "root", NowMicros + 1000, 500, "web") });
            pieces.Add(new[] { Spans.Make(Spans.Id64(t), 2, 1, SpanKind.Client, "call", NowMicros + 1100, 300, "web") });
            pieces.Add(new[] { Spans.Make(Spans.Id64(t), 2, 1, SpanKind.Server, "call", NowMicros + 1150, 200, "api", shared: true, tags: new[] { ("error", "x") }) });
            pieces.Add(new[] { Spans.Make(Spans.Id64(t), 3, 2, SpanKind.Client, "query", NowMicros + 1200, 100, "api", "db") });
        }
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            start.Wait();
            for (int i = w; i < pieces.Count; i += 4) await storage.AcceptAsync(pieces[i]);
        })).ToArray();
        start.Set();
        await Task.WhenAll(writers);

        var links = await storage.GetDependenciesAsync(Start.ToUnixTimeMilliseconds() + 60_000, 120_000);

        Assert.Equal(new[] { new DependencyLink("api", "db", traces, 0), new DependencyLink("web", "api", traces, traces) }, links);
        var found = await storage.FindTracesAsync(Query("api", spanName: "query", limit: 100));
        Assert.Equal(traces, found.Count);
        Assert.All(found, t => Assert.Equal(4, t.Count));
    }

    [Fact]
    public async Task WithSearchDisabledNothingIsIndexedButTracesAndDependenciesStillWork()
    {
        await using var storage = OpenPrimary(Options(search: false));
        await storage.AcceptAsync(new[] { Server(1, 1, "web", "op", 0, 10) });

        Assert.Empty(await storage.FindTracesAsync(Query("web")));
        Assert.Empty(await storage.GetServiceNamesAsync());
        Assert.Single(await storage.GetTraceAsync(Spans.Id64(1)));
    }

    public void Dispose() => _dir.Dispose();
}
