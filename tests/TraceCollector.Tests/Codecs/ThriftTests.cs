using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.TestSupport;
using static TraceCollector.Tests.Codecs.CodecAssert;

namespace TraceCollector.Tests.Codecs;

public class ThriftTests
{
    /// <summary>TBinaryProtocol written out field by field from zipkinCore.thrift, independent of the encoder under test.</summary>
    private sealed class Bytes
    {
        private readonly List<byte> _b = new();
        public Bytes Raw(params byte[] b) { _b.AddRange(b); return this; }
        public Bytes I16(short v) => Raw((byte)(v >> 8), (byte)v);
        public Bytes I32(int v) => Raw((byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v);
        public Bytes I64(long v) => I32((int)(v >> 32)).I32((int)v);
        public Bytes Field(byte type, short id) => Raw(type).I16(id);
        public Bytes Str(short id, string s) { var u = System.Text.Encoding.UTF8.GetBytes(s); return Field(11, id).I32(u.Length).Raw(u); }
        public Bytes I64Field(short id, long v) => Field(10, id).I64(v);
        public Bytes Stop() => Raw(0);
        public Bytes Endpoint(short id, int ipv4, short port, string service) =>
            Field(12, id).Field(8, 1).I32(ipv4).Field(6, 2).I16(port).Str(3, service).Stop();
        public byte[] ToArray() => _b.ToArray();
    }

    private const int Ip = (172 << 24) | (17 << 16) | 9; // 172.17.0.9

    // A server span of the v1 era: sr/ss annotations, a string tag, a "ca" address; one list element.
    private static readonly byte[] Golden = new Bytes()
        .Raw(12).I32(1)
        .I64Field(1, 0x1e223ff1f80f1c69).Str(3, "Post").I64Field(4, 0x74280ae0c10d8062).I64Field(5, 0x1e223ff1f80f1c69)
        .Field(15, 6).Raw(12).I32(2)
            .I64Field(1, 1470150004071068).Str(2, "sr").Endpoint(3, Ip, 8080, "backend").Stop()
            .I64Field(1, 1470150004071200).Str(2, "ss").Endpoint(3, Ip, 8080, "backend").Stop()
        .Field(15, 8).Raw(12).I32(2)
            .Str(1, "http.path").Str(2, "/api").Field(8, 3).I32(6).Endpoint(4, Ip, 8080, "backend").Stop()
            .Str(1, "ca").Field(11, 2).I32(1).Raw(1).Field(8, 3).I32(0).Endpoint(4, (10 << 24) | 1, -25536, "frontend").Stop()
        .Stop()
        .ToArray();

    [Fact]
    public void Decodes_a_hand_written_v1_thrift_list()
    {
        var span = Assert.Single(SpanDecoder.DecodeList(SpanEncoding.Thrift, Golden));
        Assert.Equal(new TraceId(0, 0x1e223ff1f80f1c69), span.TraceId);
        Assert.Equal(0x74280ae0c10d8062UL, span.Id);
        Assert.Equal(0x1e223ff1f80f1c69UL, span.ParentId);
        Assert.Equal("post", span.Name);
        Assert.Equal(SpanKind.Server, span.Kind);
        Assert.True(span.Shared);
        Assert.Equal((1470150004071068L, 132L), (span.Timestamp, span.Duration));
        Assert.Equal(Endpoint.Create("backend", "172.17.0.9", null, 8080), span.LocalEndpoint);
        // The i16 port 0x9C40 reads back as 40000, not as a negative number.
        Assert.Equal(Endpoint.Create("frontend", "10.0.0.1", null, 40000), span.RemoteEndpoint);
        Assert.True(span.TryGetTag("http.path", out var path) && path == "/api");
    }

    [Fact]
    public void Detects_and_decodes_the_golden_list_as_a_message()
    {
        Assert.Equal(SpanEncoding.Thrift, SpanDecoder.DetectListEncoding(Golden));
        Assert.Single(SpanDecoder.DecodeMessage(Golden));
    }

    [Fact]
    public void Decodes_a_legacy_single_span_message()
    {
        byte[] single = Golden[5..];
        var span = Assert.Single(SpanDecoder.DecodeMessage(single));
        Assert.Equal(0x74280ae0c10d8062UL, span.Id);
    }

    [Fact]
    public void Round_trips_spans_of_every_kind()
    {
        var local = Endpoint.Create("frontend", "192.168.99.1", "2001:db8::c001", 8080);
        var remote = Endpoint.Create("backend", "10.1.2.3", null, 9000);
        Span[] spans =
        [
            new SpanBuilder { TraceId = new TraceId(0x5982fe77008310cc, 0x80f1da5e10147517), Id = 1, Kind = SpanKind.Client, Name = "get", Timestamp = 1000, Duration = 200, LocalEndpoint = local, RemoteEndpoint = remote, Debug = true }
                .AddAnnotation(1100, "wire").PutTag("http.path", "/a").Build(),
            new SpanBuilder { TraceId = new TraceId(0, 7), ParentId = 1, Id = 2, Kind = SpanKind.Server, Name = "get", Timestamp = 1010, Duration = 100, LocalEndpoint = remote, RemoteEndpoint = local, Shared = true }.Build(),
            new SpanBuilder { TraceId = new TraceId(0, 7), Id = 3, Kind = SpanKind.Producer, Timestamp = 2000, Duration = 5, LocalEndpoint = local, RemoteEndpoint = remote }.Build(),
            new SpanBuilder { TraceId = new TraceId(0, 7), Id = 4, Kind = SpanKind.Consumer, Timestamp = 2100, Duration = 7, LocalEndpoint = remote, RemoteEndpoint = local }.Build(),
            new SpanBuilder { TraceId = new TraceId(0, 7), Id = 5, Name = "local", Timestamp = 3000, Duration = 9, LocalEndpoint = local }.Build(),
        ];
        Equal(spans, SpanDecoder.DecodeList(SpanEncoding.Thrift, ThriftEncoder.EncodeList(spans)));
        Equal(spans, SpanDecoder.DecodeList(SpanEncoding.JsonV1, JsonV1Encoder.EncodeList(spans)));
    }

    [Fact]
    public void Skips_unknown_fields_of_every_type()
    {
        byte[] span = new Bytes()
            .Raw(12).I32(1)
            .I64Field(1, 1).I64Field(4, 2)
            .Field(2, 20).Raw(1).Field(3, 21).Raw(7).Field(4, 22).I64(0).Field(6, 23).I16(1).Field(8, 24).I32(1)
            .Field(13, 25).Raw(11, 8).I32(1).I32(1).Raw((byte)'k').I32(5)
            .Field(14, 26).Raw(8).I32(2).I32(1).I32(2)
            .Field(12, 27).Str(1, "nested").Stop()
            .Stop().ToArray();
        Assert.Equal(2UL, Assert.Single(SpanDecoder.DecodeList(SpanEncoding.Thrift, span)).Id);
    }

    [Theory]
    [InlineData(6, "spans[0]")]
    [InlineData(20, "spans[0].name")]
    [InlineData(60, "spans[0].annotations")]
    public void Names_where_truncated_input_ends(int length, string where)
    {
        var error = Assert.Throws<SpanFormatException>(() => SpanDecoder.DecodeList(SpanEncoding.Thrift, Golden[..length]));
        Assert.Contains(where, error.Message);
        Assert.Contains("byte offset", error.Message);
    }

    [Fact]
    public void Rejects_a_span_without_ids()
    {
        byte[] span = new Bytes().Raw(12).I32(1).Str(3, "x").Stop().ToArray();
        var error = Assert.Throws<SpanFormatException>(() => SpanDecoder.DecodeList(SpanEncoding.Thrift, span));
        Assert.Contains("spans[0]", error.Message);
    }

    [Fact]
    public void Rejects_a_list_longer_than_its_bytes()
    {
        byte[] list = new Bytes().Raw(12).I32(1_000_000).Stop().ToArray();
        Assert.Throws<SpanFormatException>(() => SpanDecoder.DecodeList(SpanEncoding.Thrift, list));
    }
}
