using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.TestSupport;
using static TraceCollector.Tests.Codecs.CodecAssert;

namespace TraceCollector.Tests.Codecs;

public class Proto3Tests
{
    // ListOfSpans{spans:[{trace_id, id, kind=SERVER, name="get", local_endpoint{service_name="a", ipv4=1.2.3.4, port=80}}]},
    // written out by hand from zipkin.proto's field numbers and the protobuf wire format.
    private static readonly byte[] Golden =
    [
        0x0A, 0x28,
        0x0A, 0x08, 0x80, 0xF1, 0xDA, 0x5E, 0x10, 0x14, 0x75, 0x17,
        0x1A, 0x08, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18,
        0x20, 0x02,
        0x2A, 0x03, (byte)'g', (byte)'e', (byte)'t',
        0x42, 0x0B, 0x0A, 0x01, (byte)'a', 0x12, 0x04, 1, 2, 3, 4, 0x20, 0x50,
    ];

    private static readonly Span GoldenSpan = new SpanBuilder
    {
        TraceId = new TraceId(0, 0x80f1da5e10147517),
        Id = 0xa1b2c3d4e5f60718,
        Kind = SpanKind.Server,
        Name = "get",
        LocalEndpoint = Endpoint.Create("a", "1.2.3.4", null, 80),
    }.Build();

    [Fact]
    public void Decodes_a_hand_written_list()
    {
        var span = Assert.Single(SpanDecoder.DecodeList(SpanEncoding.Proto3, Golden));
        Assert.Equal(GoldenSpan, span);
    }

    [Fact]
    public void Encodes_the_same_bytes()
    {
        Assert.Equal(Golden, Proto3Encoder.EncodeList([GoldenSpan]));
    }

    [Fact]
    public void Round_trips_every_field()
    {
        var span = new SpanBuilder
        {
            TraceId = new TraceId(0x5982fe77008310cc, 0x80f1da5e10147517),
            ParentId = 0x80f1da5e10147517,
            Id = 0xa1b2c3d4e5f60718,
            Kind = SpanKind.Consumer,
            Name = "个人信息查询",
            Timestamp = 1502787600000000,
            Duration = 25000,
            Debug = true,
            Shared = true,
            LocalEndpoint = Endpoint.Create("frontend", "192.168.99.1", "2001:db8::c001", 8080),
            RemoteEndpoint = Endpoint.Create("kafka", null, "::1", 9092),
        }.AddAnnotation(1502787600010000, "ws").PutTag("error", "").PutTag("http.path", "/api").Build();

        var decoded = Assert.Single(SpanDecoder.DecodeList(SpanEncoding.Proto3, Proto3Encoder.EncodeList([span])));
        Assert.Equal(span, decoded);
    }

    [Fact]
    public void An_empty_message_is_an_empty_list()
    {
        Assert.Empty(SpanDecoder.DecodeList(SpanEncoding.Proto3, []));
    }

    [Fact]
    public void Skips_unknown_fields_and_ignores_unknown_kinds()
    {
        byte[] span = [
            0x0A, 0x08, 0, 0, 0, 0, 0, 0, 0, 1,
            0x1A, 0x08, 0, 0, 0, 0, 0, 0, 0, 2,
            0x20, 0x09,                         // kind 9: not in zipkin.proto
            0x78, 0x05,                         // field 15 varint
            0x82, 0x01, 0x02, 0xFF, 0xFF,       // field 16 length-delimited
            0x8D, 0x01, 1, 2, 3, 4,             // field 17 fixed32
        ];
        byte[] list = [0x0A, (byte)span.Length, .. span, 0x12, 0x01, 0x00];
        var decoded = Assert.Single(SpanDecoder.DecodeList(SpanEncoding.Proto3, list));
        Assert.Equal(SpanKind.Unspecified, decoded.Kind);
        Assert.Equal(2UL, decoded.Id);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x05, 0x0A, 0x03, 1, 2, 3 }, "spans[0].traceId")]
    [InlineData(new byte[] { 0x0A, 0x0A, 0x0A, 0x08, 0, 0, 0, 0, 0, 0, 0, 1 }, "spans[0]")]
    [InlineData(new byte[] { 0x0A, 0x14, 0x0A, 0x08, 0, 0, 0, 0, 0, 0, 0, 1, 0x1A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0 }, "spans[0].id")]
    [InlineData(new byte[] { 0x0A, 0x30, 0x0A, 0x08 }, "ListOfSpans")]
    [InlineData(new byte[] { 0x0A, 0x04, 0x0A, 0x08, 0, 0 }, "spans[0].traceId")]
    [InlineData(new byte[] { 0x0A, 0x02, 0x31, 0x01 }, "spans[0].timestamp")]
    [InlineData(new byte[] { 0x0A, 0x02, 0x0B, 0x00 }, "spans[0]")]
    [InlineData(new byte[] { 0x0A, 0x02, 0x08, 0x01 }, "spans[0]")]
    [InlineData(new byte[] { 0x0A, 0x03, 0x42, 0x01, 0x20 }, "spans[0].localEndpoint.port")]
    [InlineData(new byte[] { 0x0A, 0x06, 0x4A, 0x04, 0x20, 0xFF, 0xFF, 0x07 }, "spans[0].remoteEndpoint.port")]
    [InlineData(new byte[] { 0x0A, 0x04, 0x52, 0x02, 0x12, 0x00 }, "spans[0].annotations[0]")]
    [InlineData(new byte[] { 0x0A, 0x0B, 0x38, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, "spans[0].duration")]
    [InlineData(new byte[] { 0x0F }, "ListOfSpans")]
    public void Names_where_a_bad_message_went_wrong(byte[] message, string where)
    {
        var error = Assert.Throws<SpanFormatException>(() => SpanDecoder.DecodeList(SpanEncoding.Proto3, message));
        Assert.Contains(where, error.Message);
        Assert.Contains("byte offset", error.Message);
    }
}
