using BenchmarkDotNet.Attributes;
using TraceCollector.Analysis;
using TraceCollector.Analysis.Skew;
using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Analysis;

/// <summary>One 10,000-span trace: tree, skew correction and critical path (goal under 10 ms), and network latency.</summary>
[MemoryDiagnoser, MinColumn]
public class CriticalPathBenchmarks
{
    private IReadOnlyList<Span> _trace = Array.Empty<Span>();

    [Params(10_000)]
    public int Spans { get; set; }

    [GlobalSetup]
    public void Setup() => _trace = SyntheticTraces.Trace(42, Spans, 1_700_000_000_000_000);

    [Benchmark]
    public int Tree() => SpanTreeBuilder.Build(_trace).Count;

    [Benchmark]
    public int TreeAndSkew() => ClockSkewCorrector.Correct(SpanTreeBuilder.Build(_trace)).Count;

    [Benchmark]
    public int CriticalPath() => TraceAnalysis.CriticalPath(_trace).Segments.Count;

    [Benchmark]
    public int NetworkLatency() => TraceAnalysis.NetworkLatency(_trace).Count;
}
