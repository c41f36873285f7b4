using TraceCollector.Model;
using static TraceCollector.Storage.Tests.Conformance.SampleTraces;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Conformance;

// Service, span and remote service names; autocomplete keys and values.
public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task Service_names_are_the_local_services_sorted()
    {
        var storage = await StorageWithAsync([.. ThreeServices(TraceA, NowMicros), Single(TraceB, NowMicros, "api-gateway")]);
        // mysql is only a remote service, so it is not offered.
        Assert.Equal(["api-gateway", "backend", "frontend"], await storage.GetServiceNamesAsync());
    }

    [Fact]
    public async Task A_span_without_local_service_adds_no_name()
    {
        var storage = await StorageWithAsync([Make(TraceA, 1, name: "anonymous", timestamp: NowMicros, remote: "db")]);
        Assert.Empty(await storage.GetServiceNamesAsync());
    }

    [Fact]
    public async Task Span_names_are_per_local_service_sorted_and_distinct()
    {
        var storage = await StorageWithAsync([
            .. ThreeServices(TraceA, NowMicros), .. ThreeServices(TraceB, NowMicros + 1),
            Make(TraceB, 9, parentId: 1, name: "auth", timestamp: NowMicros + 5, local: "frontend"),
        ]);
        Assert.Equal(["auth", "get /", "get /api"], await storage.GetSpanNamesAsync("frontend"));
        Assert.Equal(["get /api", "query"], await storage.GetSpanNamesAsync("backend"));
        // A span name is never listed under the remote service it called.
        Assert.Empty(await storage.GetSpanNamesAsync("mysql"));
        Assert.Empty(await storage.GetSpanNamesAsync("unknown"));
    }

    [Fact]
    public async Task Remote_service_names_are_per_local_service_sorted_and_distinct()
    {
        var storage = await StorageWithAsync([
            .. ThreeServices(TraceA, NowMicros), .. ThreeServices(TraceB, NowMicros + 1),
            Make(TraceB, 9, parentId: 3, kind: SpanKind.Client, name: "get", timestamp: NowMicros + 5, local: "backend", remote: "cache"),
        ]);
        Assert.Equal(["backend"], await storage.GetRemoteServiceNamesAsync("frontend"));
        Assert.Equal(["cache", "mysql"], await storage.GetRemoteServiceNamesAsync("backend"));
        Assert.Empty(await storage.GetRemoteServiceNamesAsync("mysql"));
    }

    [Fact]
    public async Task Name_lookups_go_lowercase()
    {
        var storage = await StorageWithAsync([Make(TraceA, 1, kind: SpanKind.Client, name: "GetUser", timestamp: NowMicros, local: "UserClient", remote: "UserService")]);
        Assert.Equal(["userclient"], await storage.GetServiceNamesAsync());
        Assert.Equal(["getuser"], await storage.GetSpanNamesAsync("UserClient"));
        Assert.Equal(["userservice"], await storage.GetRemoteServiceNamesAsync("USERCLIENT"));
    }

    [Fact]
    public async Task Autocomplete_offers_only_the_configured_keys_and_their_values()
    {
        var options = Options() with { AutocompleteKeys = ["http.method", "environment"] };
        var storage = await StorageWithAsync([
            .. ThreeServices(TraceA, NowMicros),
            Make(TraceB, 1, kind: SpanKind.Server, timestamp: NowMicros, local: "frontend", tags: [("http.method", "POST"), ("environment", "staging")]),
        ], options);
        Assert.Equal(["environment", "http.method"], await storage.GetKeysAsync());
        Assert.Equal(["GET", "POST"], await storage.GetValuesAsync("http.method"));
        Assert.Equal(["prod", "staging"], await storage.GetValuesAsync("environment"));
        Assert.Empty(await storage.GetValuesAsync("http.path"));
        Assert.Empty(await storage.GetValuesAsync("no.such.key"));
    }

    [Fact]
    public async Task Autocomplete_without_configured_keys_is_empty()
    {
        var storage = await StorageWithAsync(ThreeServices(TraceA, NowMicros));
        Assert.Empty(await storage.GetKeysAsync());
        Assert.Empty(await storage.GetValuesAsync("http.method"));
    }
}
