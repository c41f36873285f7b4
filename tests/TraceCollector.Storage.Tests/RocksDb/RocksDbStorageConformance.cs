using TraceCollector.Storage.RocksDb;
using TraceCollector.Storage.Tests.Conformance;
using Xunit.Abstractions;

namespace TraceCollector.Storage.Tests.RocksDb;

/// <summary>The embedded store runs the whole conformance suite, each store in its own directory.</summary>
public sealed class RocksDbStorageConformance(ITestOutputHelper output) : StorageConformanceTests(output), IDisposable
{
    private readonly TempDirectory _dir = new();
    private int _stores;

    protected override Task<ISpanStorage> CreateStorageAsync(StorageOptions options) =>
        Task.FromResult<ISpanStorage>(RocksDbStorage.Open(_dir.Sub("store-" + Interlocked.Increment(ref _stores)), options));

    public void Dispose() => _dir.Dispose();
}
