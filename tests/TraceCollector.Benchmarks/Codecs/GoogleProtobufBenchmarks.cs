using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using TraceCollector.Codecs;
using TraceCollector.Model;
using Gpb = TraceCollector.Benchmarks.Codecs.GoogleProtobuf;

namespace TraceCollector.Benchmarks.Codecs;

/// <summary>
/// The alternative the issue asked to measure: Google.Protobuf's generated ListOfSpans, parsed alone
/// and parsed then copied into the model (what a receiver needs), beside the hand-written decoder.
/// </summary>
[MemoryDiagnoser]
public class GoogleProtobufBenchmarks
{
    private const int SpanCount = 1_000;
    private byte[] _proto3 = [];

    [GlobalSetup]
    public void Setup() => _proto3 = Proto3Encoder.EncodeList(RealisticSpans.Create(SpanCount));

    [Benchmark(OperationsPerInvoke = SpanCount, Baseline = true)]
    public int HandWrittenDecode() => SpanDecoder.DecodeList(SpanEncoding.Proto3, _proto3).Count;

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int GoogleProtobufParseOnly() => Gpb.ListOfSpans.Parser.ParseFrom(_proto3).Spans.Count;

    [Benchmark(OperationsPerInvoke = SpanCount)]
    public int GoogleProtobufParseIntoModel() => ToModel(Gpb.ListOfSpans.Parser.ParseFrom(_proto3)).Count;

    private static List<Span> ToModel(Gpb.ListOfSpans list)
    {
        var spans = new List<Span>(list.Spans.Count);
        var builder = new SpanBuilder();
        foreach (var s in list.Spans)
        {
            builder.Clear();
            ReadOnlySpan<byte> traceId = s.TraceId.Span;
            builder.TraceId = traceId.Length == 16
                ? new TraceId(BinaryPrimitives.ReadUInt64BigEndian(traceId), BinaryPrimitives.ReadUInt64BigEndian(traceId[8..]))
                : new TraceId(0, BinaryPrimitives.ReadUInt64BigEndian(traceId));
            if (s.ParentId.Length == 8) builder.ParentId = BinaryPrimitives.ReadUInt64BigEndian(s.ParentId.Span);
            builder.Id = BinaryPrimitives.ReadUInt64BigEndian(s.Id.Span);
            builder.Kind = (SpanKind)s.Kind;
            builder.Name = s.Name;
            builder.Timestamp = (long)s.Timestamp;
            builder.Duration = (long)s.Duration;
            builder.LocalEndpoint = ToModel(s.LocalEndpoint);
            builder.RemoteEndpoint = ToModel(s.RemoteEndpoint);
            foreach (var a in s.Annotations) builder.AddAnnotation((long)a.Timestamp, a.Value);
            foreach (var tag in s.Tags) builder.PutTag(tag.Key, tag.Value);
            builder.Debug = s.Debug;
            builder.Shared = s.Shared;
            spans.Add(builder.Build());
        }
        return spans;
    }

    private static Endpoint? ToModel(Gpb.Endpoint? e) =>
        e is null ? null : Endpoint.FromBytes(e.ServiceName, e.Ipv4.Span, e.Ipv6.Span, e.Port);
}
