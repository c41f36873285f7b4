using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TraceCollector.Codecs;
using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Codecs;

/// <summary>
/// Decode and encode of a 1,000-span batch in each wire format. OperationsPerInvoke is the span
/// count, so Mean is the time per span (spans/s per core = 1 s / Mean) and Allocated is per span.
/// The raw Utf8JsonReader scan of the same JSON is the ceiling JSON decoding is measured against.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const int SpanCount = 1_000;

    private IReadOnlyList<Span> _spans = [];
    private byte[] _jsonV2 = [];
    private byte[] _proto3 = [];
    private byte[] _thrift = [];

    [GlobalSetup]
    public void Setup()
    {
        _spans = RealisticSpans.Create(SpanCount);
        _jsonV2 = JsonV2Encoder.EncodeList(_spans);
        _proto3 = Proto3Encoder.EncodeList(_spans);
        _thrift = ThriftEncoder.EncodeList(_spans);
        Console.WriteLine($"// batch of {SpanCount}: JSON v2 {_jsonV2.Length} B ({_jsonV2.Length / SpanCount} B/span), proto3 {_proto3.Length} B, thrift {_thrift.Length} B");
    }

    [Benchmark(OperationsPerInvoke = SpanCount, Baseline = true)]
    public int JsonV2RawTokenScan()
    {
        var reader = new Utf8JsonReader(_jsonV2);
        int tokens = 0;
        while (reader.Read()) tokens++;
        return tokens;
    }

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int JsonV2Decode() => SpanDecoder.DecodeList(SpanEncoding.JsonV2, _jsonV2).Count;

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int JsonV2Encode() => JsonV2Encoder.EncodeList(_spans).Length;

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int Proto3Decode() => SpanDecoder.DecodeList(SpanEncoding.Proto3, _proto3).Count;

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int Proto3Encode() => Proto3Encoder.EncodeList(_spans).Length;

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int ThriftDecode() => SpanDecoder.DecodeList(SpanEncoding.Thrift, _thrift).Count;

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int ThriftEncode() => ThriftEncoder.EncodeList(_spans).Length;
}
