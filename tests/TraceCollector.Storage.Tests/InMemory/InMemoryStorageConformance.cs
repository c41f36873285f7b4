using TraceCollector.Storage.InMemory;
using TraceCollector.Storage.Tests.Conformance;
using Xunit.Abstractions;

namespace TraceCollector.Storage.Tests.InMemory;

/// <summary>The reference store runs the whole conformance suite with no opt-outs.</summary>
public sealed class InMemoryStorageConformance(ITestOutputHelper output) : StorageConformanceTests(output)
{
    protected override Task<ISpanStorage> CreateStorageAsync(StorageOptions options) =>
        Task.FromResult<ISpanStorage>(new InMemoryStorage(options));
}
