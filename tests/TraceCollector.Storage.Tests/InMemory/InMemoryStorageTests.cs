using TraceCollector.Model;
using TraceCollector.Storage.InMemory;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.InMemory;

/// <summary>What only the in-memory store promises (capacity); everything shared is in the conformance suite.</summary>
public class InMemoryStorageTests
{
    [Fact]
    public async Task OverCapacityEvictsTheOldestTraceWhole()
    {
        await using var storage = new InMemoryStorage(new StorageOptions(), maxSpans: 4);
        var old = Id64(1);
        var newer = Id64(2);
        var newest = Id64(3);
        await storage.AcceptAsync([Make(old, 1, timestamp: 1_000, local: "a"), Make(old, 2, parentId: 1, timestamp: 1_001, local: "a")]);
        await storage.AcceptAsync([Make(newer, 1, timestamp: 2_000, local: "b"), Make(newer, 2, parentId: 1, timestamp: 2_001, local: "b")]);
        await storage.AcceptAsync([Make(newest, 1, timestamp: 3_000, local: "c")]);

        Assert.Empty(await storage.GetTraceAsync(old));
        Assert.Equal(2, (await storage.GetTraceAsync(newer)).Count);
        Assert.Single(await storage.GetTraceAsync(newest));
        Assert.Equal(3, storage.SpanCount);
        Assert.Equal(["b", "c"], await storage.GetServiceNamesAsync());
    }

    [Fact]
    public async Task ClosedStoreReportsDown()
    {
        var storage = new InMemoryStorage(new StorageOptions());
        Assert.True((await storage.CheckAsync()).IsHealthy);
        await storage.DisposeAsync();
        Assert.False((await storage.CheckAsync()).IsHealthy);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await storage.AcceptAsync([Make(Id64(1), 1)]));
    }
}
