using System.Text;
using TraceCollector.Codecs;
using TraceCollector.Model;

namespace TraceCollector.Tests.Codecs;

/// <summary>Format detection on raw bytes (zipkin-contract §1.3) and Kafka's message rules (§2.1).</summary>
public class DetectionTests
{
    private static readonly Span Sample = new SpanBuilder
    {
        TraceId = new TraceId(0, 1), Id = 2, Kind = SpanKind.Server, Name = "get", Timestamp = 10, Duration = 5,
        LocalEndpoint = Endpoint.Create("backend", "10.0.0.1", null, 80),
    }.PutTag("k", "v").Build();

    [Fact]
    public void Tells_every_list_encoding_apart()
    {
        Assert.Equal(SpanEncoding.JsonV2, SpanDecoder.DetectListEncoding(JsonV2Encoder.EncodeList([Sample])));
        Assert.Equal(SpanEncoding.JsonV1, SpanDecoder.DetectListEncoding(JsonV1Encoder.EncodeList([Sample])));
        Assert.Equal(SpanEncoding.Proto3, SpanDecoder.DetectListEncoding(Proto3Encoder.EncodeList([Sample])));
        Assert.Equal(SpanEncoding.Thrift, SpanDecoder.DetectListEncoding(ThriftEncoder.EncodeList([Sample])));
    }

    [Fact]
    public void A_json_list_is_v2_only_when_it_mentions_an_endpoint_or_tags()
    {
        Assert.Equal(SpanEncoding.JsonV2, SpanDecoder.DetectListEncoding("""[{"tags":{}}]"""u8));
        Assert.Equal(SpanEncoding.JsonV2, SpanDecoder.DetectListEncoding("""[{"remoteEndpoint":{}}]"""u8));
        Assert.Equal(SpanEncoding.JsonV1, SpanDecoder.DetectListEncoding("""[{"traceId":"1","id":"2"}]"""u8));
        Assert.Equal(SpanEncoding.JsonV1, SpanDecoder.DetectListEncoding("[]"u8));
    }

    [Fact]
    public void Accepts_the_0x0B_thrift_list_header_old_reporters_wrote()
    {
        byte[] list = ThriftEncoder.EncodeList([Sample]);
        list[0] = 0x0B;
        Assert.Equal(SpanEncoding.Thrift, SpanDecoder.DetectListEncoding(list));
        Assert.Equal(Sample, Assert.Single(SpanDecoder.DecodeList(SpanEncoding.Thrift, list)));
    }

    [Theory]
    [InlineData(new byte[0], "Empty")]
    [InlineData(new byte[] { (byte)'{', (byte)'}' }, "single JSON object")]
    [InlineData(new byte[] { 0x41, 0x42 }, "0x41")]
    [InlineData(new byte[] { 0x0A, 0x00 }, "0x0A")]
    public void Rejects_what_is_no_list(byte[] bytes, string message)
    {
        var error = Assert.Throws<SpanFormatException>(() => SpanDecoder.DetectListEncoding(bytes));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_message_in_any_list_encoding_decodes()
    {
        foreach (byte[] message in new[] { JsonV2Encoder.EncodeList([Sample]), JsonV1Encoder.EncodeList([Sample]), Proto3Encoder.EncodeList([Sample]), ThriftEncoder.EncodeList([Sample]) })
        {
            Assert.Equal(Sample, Assert.Single(SpanDecoder.DecodeMessage(message)));
        }
    }

    [Fact]
    public void A_legacy_single_thrift_span_message_decodes()
    {
        Assert.Equal(Sample, Assert.Single(SpanDecoder.DecodeMessage(ThriftEncoder.EncodeSpan(Sample))));
    }

    [Fact]
    public void An_empty_message_has_no_spans_and_a_one_byte_message_is_malformed()
    {
        Assert.Empty(SpanDecoder.DecodeMessage([]));
        Assert.Throws<SpanFormatException>(() => SpanDecoder.DecodeMessage([(byte)'[']));
    }

    [Fact]
    public void A_single_json_span_message_is_rejected_as_kafka_does()
    {
        byte[] single = Encoding.UTF8.GetBytes("""{"traceId":"1","id":"2","tags":{}}""");
        Assert.Throws<SpanFormatException>(() => SpanDecoder.DecodeMessage(single));
    }
}
