using Microsoft.Extensions.DependencyInjection;
using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.Query.Tests.Infrastructure;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;
using TraceCollector.TestSupport;

namespace TraceCollector.Query.Tests.Analysis;

/// <summary>
/// A running server over the in-memory store with the analysis routes mapped, holding two front →
/// back traces a minute old (one with back's clock 5000 µs behind) and the real skew.json.
/// </summary>
public sealed class AnalysisSite : IAsyncLifetime
{
    public static readonly TraceId Checkout = new(0, 0xc0ffee);
    public static readonly TraceId Refund = new(0, 0xbeef);
    public static readonly TraceId SkewJson = TraceId.Parse("1e223ff1f80f1c69");

    private QueryTestServer? _server;

    /// <summary>Epoch microseconds at which both front → back traces start.</summary>
    public long Base { get; } = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1000;

    internal HttpClient Client => (_server ?? throw new InvalidOperationException("not started")).Client;

    public long EndTsMillis => Base / 1000 + 60_000;

    public async Task InitializeAsync()
    {
        var storage = new InMemoryStorage(new StorageOptions());
        var front = Endpoint.Create("front", "10.0.0.1", null, 0);
        var back = Endpoint.Create("back", "10.0.0.2", null, 0);
        // Checkout: front [0,1000] → post /pay [100,900] → back's server reported 5000 µs early, charge under it.
        await storage.AcceptAsync(new[]
        {
            Span(Checkout, 0, 1, SpanKind.Server, "get /checkout", 0, 1000, front),
            Span(Checkout, 1, 2, SpanKind.Client, "post /pay", 100, 800, front),
            Span(Checkout, 1, 2, SpanKind.Server, "post /pay", -4900, 600, back, shared: true),
            Span(Checkout, 2, 3, SpanKind.Unspecified, "charge", -4800, 300, back),
        });
        // Refund: front [0,500] → post /pay [50,450] → back [100,400].
        await storage.AcceptAsync(new[]
        {
            Span(Refund, 0, 1, SpanKind.Server, "get /checkout", 0, 500, front),
            Span(Refund, 1, 2, SpanKind.Client, "post /pay", 50, 400, front),
            Span(Refund, 1, 2, SpanKind.Server, "post /pay", 100, 300, back, shared: true),
        });
        await storage.AcceptAsync(SpanDecoder.DecodeList(SpanEncoding.JsonV2, File.ReadAllBytes(RepoPaths.ZipkinTestData("skew.json"))));
        _server = await QueryTestServer.StartAsync(services => services.AddSingleton<ISpanStorage>(storage), mapExtra: app => app.MapTraceAnalysis());
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    private Span Span(TraceId traceId, ulong parentId, ulong id, SpanKind kind, string name, long start, long duration, Endpoint? local, bool shared = false) => new()
    {
        TraceId = traceId,
        ParentId = parentId,
        Id = id,
        Kind = kind,
        Name = name,
        Timestamp = Base + start,
        Duration = duration,
        LocalEndpoint = local,
        Shared = shared,
    };
}
