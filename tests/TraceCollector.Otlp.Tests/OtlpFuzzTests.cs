using System.Text;
using Google.Protobuf;
using TraceCollector.Collector.Otlp.Decoding;
using TraceCollector.Model;
using TraceCollector.Otlp.Proto.Common;
using static TraceCollector.Otlp.Tests.OtlpRequests;
using ProtoSpan = TraceCollector.Otlp.Proto.Trace.Span;

namespace TraceCollector.Otlp.Tests;

/// <summary>Mutated and truncated requests: the decoders answer with SpanFormatException or spans, never anything else.</summary>
public class OtlpFuzzTests
{
    private static byte[] Sample()
    {
        var nested = new AnyValue { ArrayValue = new ArrayValue() };
        nested.ArrayValue.Values.Add(new AnyValue { KvlistValue = new KeyValueList { Values = { Attr("a", 1) } } });
        var span = Span(ProtoSpan.Types.SpanKind.Client, Attr("peer.service", "x"), Attr("n", nested));
        span.Events.Add(new ProtoSpan.Types.Event { Name = "e", TimeUnixNano = StartNanos, Attributes = { Attr("k", "v") } });
        return Request("svc", span, Span()).ToByteArray();
    }

    [Fact]
    public void Truncated_protobuf_never_escapes_anything_but_a_format_error()
    {
        byte[] sample = Sample();
        for (int length = 0; length < sample.Length; length++) AssertOnlyFormatErrors(() => OtlpProtobufDecoder.Decode(sample.AsSpan(0, length)));
    }

    [Fact]
    public void Mutated_protobuf_never_escapes_anything_but_a_format_error()
    {
        byte[] sample = Sample();
        var random = new Random(20261201);
        for (int i = 0; i < 5000; i++)
        {
            byte[] mutated = (byte[])sample.Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            AssertOnlyFormatErrors(() => OtlpProtobufDecoder.Decode(mutated));
        }
    }

    [Fact]
    public void Mutated_json_never_escapes_anything_but_a_format_error()
    {
        byte[] sample = Encoding.UTF8.GetBytes(
            "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"s\"}}]},\"scopeSpans\":[{\"spans\":[" +
            "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"kind\":2,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"5000\"," +
            "\"attributes\":[{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":\"1\"}]}}}],\"events\":[{\"name\":\"e\",\"timeUnixNano\":\"2\"}]," +
            "\"status\":{\"code\":2}}]}]}]}");
        var random = new Random(1201);
        for (int i = 0; i < 5000; i++)
        {
            byte[] mutated = (byte[])sample.Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++) mutated[random.Next(mutated.Length)] = (byte)random.Next(32, 127);
            int length = random.Next(4) == 0 ? random.Next(mutated.Length) : mutated.Length;
            AssertOnlyFormatErrors(() => OtlpJsonDecoder.Decode(mutated.AsSpan(0, length)));
        }
    }

    private static void AssertOnlyFormatErrors(Func<OtlpBatch> decode)
    {
        try
        {
            decode();
        }
        catch (SpanFormatException)
        {
        }
    }
}
