using System.Net;
using TraceCollector.Query.Tests.Infrastructure;
using TraceCollector.Storage;
using TraceCollector.Storage.RocksDb;

namespace TraceCollector.Query.Tests.QueryService;

/// <summary>The separate query service: the same API as the all-in-one server, no collectors, beside a running writer.</summary>
public sealed class QueryServerTests : IDisposable
{
    private readonly string _storageDir = Path.Combine(Path.GetTempPath(), "query-service-" + Guid.NewGuid().ToString("N"));
    private readonly SampleTraces _traces = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        if (Directory.Exists(_storageDir)) Directory.Delete(_storageDir, recursive: true);
    }

    [Fact]
    public async Task OverTheEmbeddedStore_FollowsTheWriterAsASecondary()
    {
        await using var primary = RocksDbStorage.Open(_storageDir, new StorageOptions());
        await primary.AcceptAsync(_traces.Database);

        await using var service = await QueryServerProcess.StartAsync(new Dictionary<string, string> { ["STORAGE_DIR"] = _storageDir });

        var health = await service.Client.GetApiAsync("health");
        Assert.True(health.Status == HttpStatusCode.OK, health + "\n" + service.Output);
        var first = await service.Client.GetApiAsync("api/v2/trace/1000000000000002");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        ZipkinApiShapes.AssertTrace(first.Body);
        Assert.Contains("\"backend\"", (await service.Client.GetApiAsync("zipkin/api/v2/services")).Body);

        // Written by the primary after the query service opened the store.
        await primary.AcceptAsync(_traces.Messaging);
        await service.WaitUntilAsync(async () => (await service.Client.GetApiAsync("api/v2/trace/1000000000000003")).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the secondary to see a trace written after it opened");
    }

    [Fact]
    public async Task HasNoCollectorRoutes()
    {
        await using var service = await QueryServerProcess.StartAsync(new Dictionary<string, string> { ["STORAGE_TYPE"] = "mem" });

        using var post = await service.Client.PostAsync("api/v2/spans", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
        var services = await service.Client.GetApiAsync("api/v2/services");

        Assert.True(post.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"POST /api/v2/spans answered {(int)post.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, services.Status);
        Assert.Equal("[]", services.Body);
    }
}
