using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.TestSupport;
using static TraceCollector.Tests.Codecs.CodecAssert;

namespace TraceCollector.Tests.Codecs;

/// <summary>The real Zipkin traces of ../shared/testdata survive every encoder and its decoder unchanged.</summary>
public class RealTraceRoundTripTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] files = ["skew.json", "messaging.json", "messaging-kafka.json", "yelp.json", "envoy.json", "ascend.json", "simple-db-p6.json", "smartthings-oauth-authorization.json"];
        foreach (string encoding in new[] { "JsonV1", "Proto3", "Thrift" })
        {
            foreach (string file in files) data.Add(encoding, file);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Real_traces_round_trip(string encodingName, string file)
    {
        var encoding = Enum.Parse<SpanEncoding>(encodingName);
        var spans = SpanDecoder.DecodeList(SpanEncoding.JsonV2, File.ReadAllBytes(RepoPaths.ZipkinTestData(file)));
        Func<IReadOnlyList<Span>, byte[]> encode = encoding switch
        {
            SpanEncoding.JsonV1 => JsonV1Encoder.EncodeList,
            SpanEncoding.Proto3 => Proto3Encoder.EncodeList,
            _ => ThriftEncoder.EncodeList,
        };
        Equal(spans, SpanDecoder.DecodeList(encoding, encode(spans)));
    }
}
