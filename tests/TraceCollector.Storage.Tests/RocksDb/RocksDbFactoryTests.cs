using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using TraceCollector.Storage.Composition;
using TraceCollector.Storage.RocksDb;
using TraceCollector.Storage.Tests.Support;

namespace TraceCollector.Storage.Tests.RocksDb;

public sealed class RocksDbFactoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public async Task RocksDbIsTheDefaultAndWritesUnderStorageDir()
    {
        string dir = _dir.Sub("data");
        await using (var storage = StorageFactory.Create(Config(("STORAGE_DIR", dir)), NullLoggerFactory.Instance))
        {
            Assert.IsType<RocksDbStorage>(storage);
            await storage.AcceptAsync(new[] { Spans.Make(Spans.Id64(5), 1, timestamp: 1_000_000, local: "web") });
        }
        Assert.True(File.Exists(Path.Combine(dir, "CURRENT")));

        await using var secondary = StorageFactory.Create(Config(("STORAGE_TYPE", "rocksdb"), ("STORAGE_DIR", dir), ("ROCKSDB_SECONDARY_DIR", _dir.Sub("follower"))), NullLoggerFactory.Instance);
        Assert.Single(await secondary.GetTraceAsync(Spans.Id64(5)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await secondary.AcceptAsync(new[] { Spans.Make(Spans.Id64(6), 1, local: "web") }));
    }

    [Fact]
    public void ASecondaryWithoutAPrimaryFailsWithAMessageNamingTheDirectory()
    {
        string missing = _dir.Sub("nothing-here");
        var error = Assert.Throws<InvalidOperationException>(() => StorageFactory.Create(Config(("STORAGE_DIR", missing), ("ROCKSDB_SECONDARY_DIR", _dir.Sub("f"))), NullLoggerFactory.Instance));
        Assert.Contains(missing, error.Message);
    }

    public void Dispose() => _dir.Dispose();
}
