using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using TraceCollector.Storage.Composition;
using TraceCollector.Storage.InMemory;

namespace TraceCollector.Storage.Tests.Composition;

public class StorageFactoryTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void DefaultsFollowZipkin()
    {
        var options = StorageFactory.ReadOptions(Config());
        Assert.True(options.StrictTraceId);
        Assert.True(options.SearchEnabled);
        Assert.Empty(options.AutocompleteKeys);
        Assert.Equal(TimeSpan.FromDays(7), options.Ttl);
    }

    [Fact]
    public void ReadsEveryOption()
    {
        var options = StorageFactory.ReadOptions(Config(("STRICT_TRACE_ID", "false"), ("SEARCH_ENABLED", "FALSE"),
            ("AUTOCOMPLETE_KEYS", "environment, http.method,,environment"), ("STORAGE_TTL", "36h")));
        Assert.False(options.StrictTraceId);
        Assert.False(options.SearchEnabled);
        Assert.Equal(["environment", "http.method"], options.AutocompleteKeys);
        Assert.Equal(TimeSpan.FromHours(36), options.Ttl);
    }

    [Theory]
    [InlineData("7d", 7 * 24 * 3600)]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1.00:00:00", 86400)]
    public void TtlFormats(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), StorageFactory.ReadOptions(Config(("STORAGE_TTL", text))).Ttl);

    [Theory]
    [InlineData("STORAGE_TTL", "7")]
    [InlineData("STORAGE_TTL", "-1d")]
    [InlineData("STRICT_TRACE_ID", "yes")]
    public void UnreadableSettingsNameThemselves(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageFactory.ReadOptions(Config((key, value))));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task MemIsTheInMemoryStoreBoundedByMemMaxSpans()
    {
        await using var storage = StorageFactory.Create(Config(("STORAGE_TYPE", "mem"), ("MEM_MAX_SPANS", "10")), NullLoggerFactory.Instance);
        Assert.IsType<InMemoryStorage>(storage);
        var trace = Enumerable.Range(1, 12).Select(i => Support.Spans.Make(Support.Spans.Id64((ulong)i), 1, timestamp: i, local: "a")).ToArray();
        await storage.AcceptAsync(trace);
        Assert.Equal(10, ((InMemoryStorage)storage).SpanCount);
    }

    [Fact]
    public void UnknownStorageTypeIsRefusedByName()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageFactory.Create(Config(("STORAGE_TYPE", "elasticsearch")), NullLoggerFactory.Instance));
        Assert.Contains("STORAGE_TYPE=elasticsearch", error.Message);
    }

    [Fact]
    public void BadMemMaxSpansIsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            StorageFactory.Create(Config(("STORAGE_TYPE", "mem"), ("MEM_MAX_SPANS", "lots")), NullLoggerFactory.Instance));
        Assert.Contains("MEM_MAX_SPANS", error.Message);
    }
}
