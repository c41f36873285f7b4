using TraceCollector.Codecs;
using TraceCollector.Model;
using TraceCollector.TestSupport;

namespace TraceCollector.Tests.Codecs;

/// <summary>
/// Seeded, so every run feeds the same inputs: valid lists in every encoding, mutated and truncated,
/// into every decoder. Whatever the bytes, the only exception allowed out is SpanFormatException.
/// </summary>
public class MalformedInputTests
{
    private const int MutationsPerInput = 1500;

    public static TheoryData<string> Encodings => new() { "JsonV2", "JsonV1", "Proto3", "Thrift" };

    private static IReadOnlyList<Span> SampleSpans()
    {
        var spans = SpanDecoder.DecodeList(SpanEncoding.JsonV2, File.ReadAllBytes(RepoPaths.ZipkinTestData("messaging-kafka.json"))).Take(6).ToList();
        spans.AddRange(SpanDecoder.DecodeList(SpanEncoding.JsonV2, File.ReadAllBytes(RepoPaths.ZipkinTestData("skew.json"))));
        spans.Add(new SpanBuilder
        {
            TraceId = new TraceId(1, 2), ParentId = 3, Id = 4, Kind = SpanKind.Client, Name = "个人信息查询", Timestamp = 5, Duration = 6,
            LocalEndpoint = Endpoint.Create("a", "1.2.3.4", "2001:db8::1", 65535), RemoteEndpoint = Endpoint.Create("b", null, "::1", 1),
            Debug = true,
        }.AddAnnotation(7, "x").PutTag("error", "此用户没有操作权限").Build());
        return spans;
    }

    private static byte[] Encode(SpanEncoding encoding, IReadOnlyList<Span> spans) => encoding switch
    {
        SpanEncoding.JsonV2 => JsonV2Encoder.EncodeList(spans),
        SpanEncoding.JsonV1 => JsonV1Encoder.EncodeList(spans),
        SpanEncoding.Proto3 => Proto3Encoder.EncodeList(spans),
        _ => ThriftEncoder.EncodeList(spans),
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Mutated_and_truncated_input_only_ever_raises_SpanFormatException(string encodingName)
    {
        var encoding = Enum.Parse<SpanEncoding>(encodingName);
        byte[] valid = Encode(encoding, SampleSpans());
        var random = new Random(20261201 + (int)encoding);
        int decoded = 0, rejected = 0;

        for (int i = 0; i < MutationsPerInput; i++)
        {
            byte[] input = Mutate(valid, random);
            foreach (var decoder in Decoders)
            {
                try
                {
                    decoder(input);
                    decoded++;
                }
                catch (SpanFormatException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{e.GetType().Name} escaped a decoder for {encoding} mutation {i} ({Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}...): {e}");
                }
            }
        }
        // Both outcomes must occur, or the mutations were too weak (or too strong) to test anything.
        Assert.True(decoded > 0 && rejected > 0, $"decoded {decoded}, rejected {rejected}");
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Every_truncation_of_a_valid_list_is_rejected_or_decodes_to_fewer_spans(string encodingName)
    {
        var encoding = Enum.Parse<SpanEncoding>(encodingName);
        var spans = SampleSpans();
        byte[] valid = Encode(encoding, spans);
        int full = SpanDecoder.DecodeList(encoding, valid).Count;
        for (int length = 0; length < valid.Length; length++)
        {
            try
            {
                // Proto3 has no terminator: a cut on a span boundary is a shorter, valid list.
                Assert.True(SpanDecoder.DecodeList(encoding, valid.AsSpan(0, length)).Count < full);
            }
            catch (SpanFormatException)
            {
            }
        }
    }

    private static readonly Action<byte[]>[] Decoders =
    [
        b => SpanDecoder.DecodeList(SpanEncoding.JsonV2, b),
        b => SpanDecoder.DecodeList(SpanEncoding.JsonV1, b),
        b => SpanDecoder.DecodeList(SpanEncoding.Proto3, b),
        b => SpanDecoder.DecodeList(SpanEncoding.Thrift, b),
        b => SpanDecoder.DecodeMessage(b),
        b => SpanDecoder.DetectListEncoding(b),
    ];

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break; // truncate
                case 5: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
                default:
                    int from = random.Next(bytes.Count);
                    int length = Math.Min(bytes.Count - from, 1 + random.Next(32));
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
            }
        }
        return bytes.ToArray();
    }

    // Bytes that steer decoders into their edge paths: JSON structure, varint continuation, thrift types, sign bits.
    private static readonly byte[] Interesting = [0x00, 0x01, 0x0A, 0x0B, 0x0C, 0x0F, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'0', (byte)'n'];
}
