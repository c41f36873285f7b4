using BenchmarkDotNet.Attributes;
using TraceCollector.Analysis.Aggregation;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;

namespace TraceCollector.Benchmarks.Analysis;

/// <summary>
/// The window aggregates as the endpoints run them: read 10,000 stored traces (30 spans each) from
/// the in-memory store, then analyse every one (goal under 2 s).
/// </summary>
[MemoryDiagnoser]
public class AggregateBenchmarks
{
    private const int TraceCount = 10_000;
    private const long Now = 1_700_000_000_000_000;
    private InMemoryStorage _storage = null!;
    private QueryRequest _window = null!;

    [GlobalSetup]
    public void Setup()
    {
        _storage = new InMemoryStorage(new StorageOptions(), maxSpans: 500_000);
        for (int i = 0; i < TraceCount; i++)
        {
            _storage.AcceptAsync(SyntheticTraces.Trace(i + 1, 30, Now - i * 1_000L)).AsTask().GetAwaiter().GetResult();
        }
        _window = QueryRequest.Create(null, null, null, null, null, null, Now / 1000 + 10_000, 86_400_000, TraceCount);
    }

    [Benchmark]
    public async Task<int> CriticalPathOverWindow()
    {
        var traces = await _storage.FindTracesAsync(_window);
        if (traces.Count != TraceCount) throw new InvalidOperationException($"read {traces.Count} traces, expected {TraceCount}");
        return CriticalPathAggregate.Of(traces).Operations.Count;
    }

    [Benchmark]
    public async Task<int> NetworkLatencyOverWindow()
    {
        var traces = await _storage.FindTracesAsync(_window);
        if (traces.Count != TraceCount) throw new InvalidOperationException($"read {traces.Count} traces, expected {TraceCount}");
        return NetworkLatencyAggregate.Of(traces).Edges.Count;
    }

    [GlobalCleanup]
    public void Cleanup() => _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
