using System.Text;
using TraceCollector.Codecs;
using TraceCollector.Model;

namespace TraceCollector.Tests.Codecs;

internal static class CodecAssert
{
    public static IReadOnlyList<Span> DecodeV2(string json) => SpanDecoder.DecodeList(SpanEncoding.JsonV2, Encoding.UTF8.GetBytes(json));

    public static Span DecodeOneV2(string spanJson) => Assert.Single(DecodeV2("[" + spanJson + "]"));

    public static SpanFormatException FailsV2(string json) =>
        Assert.Throws<SpanFormatException>(() => DecodeV2(json));

    public static void Equal(IReadOnlyList<Span> expected, IReadOnlyList<Span> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
    }
}
