using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace TraceCollector.Cql.Protocol;

/// <summary>A received frame: the header, the body (decompressed) and what the flags put in front of the message.</summary>
public sealed record CqlFrame(FrameHeader Header, byte[] Body, int MessageStart, Guid? TracingId, IReadOnlyList<string> Warnings,
    IReadOnlyDictionary<string, byte[]?>? CustomPayload)
{
    public ReadOnlySpan<byte> Message => Body.AsSpan(MessageStart);
}

/// <summary>Frame encoding, reading and LZ4 body compression (sections 2 and 5).</summary>
public static class FrameCodec
{
    /// <summary>Bodies smaller than this go uncompressed: section 5 lets either side choose per frame.</summary>
    public const int CompressionThreshold = 64;

    /// <summary>Appends a whole frame (header and body) to <paramref name="destination"/>, LZ4-compressing the body when asked and worthwhile.</summary>
    public static void WriteFrame(CqlBodyWriter destination, byte version, FrameFlags flags, short stream, Opcode opcode, ReadOnlySpan<byte> body, bool compress)
    {
        int headerAt = destination.Length;
        destination.Reserve(FrameHeader.Size);
        int length;
        if (compress && body.Length >= CompressionThreshold)
        {
            flags |= FrameFlags.Compression;
            var target = destination.Reserve(4 + LZ4Codec.MaximumOutputSize(body.Length));
            BinaryPrimitives.WriteInt32BigEndian(target, body.Length);
            int compressed = LZ4Codec.Encode(body, target[4..]);
            length = 4 + compressed;
            destination.Truncate(headerAt + FrameHeader.Size + length);
        }
        else
        {
            flags &= ~FrameFlags.Compression;
            destination.WriteRaw(body);
            length = body.Length;
        }
        new FrameHeader(version, flags, stream, opcode, length).Write(destination.SpanAt(headerAt, FrameHeader.Size));
    }

    /// <summary>Reads the 4-byte uncompressed length and inflates the LZ4 block after it.</summary>
    public static byte[] Decompress(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4) throw new CqlProtocolViolationException("compressed body shorter than its 4-byte length");
        int length = BinaryPrimitives.ReadInt32BigEndian(body);
        if (length < 0 || length > FrameHeader.MaxBodyLength) throw new CqlProtocolViolationException($"uncompressed length {length} is out of range");
        var output = new byte[length];
        if (length == 0) return output;
        int n = LZ4Codec.Decode(body[4..], output);
        if (n != length) throw new CqlProtocolViolationException($"LZ4 body inflated to {n} bytes, header said {length}");
        return output;
    }

    /// <summary>Reads one frame; null at a clean end of stream before a header. Compressed bodies are inflated.</summary>
    public static async ValueTask<(FrameHeader Header, byte[] Body)?> ReadFrameAsync(Stream stream, byte[] headerBuffer, CancellationToken ct)
    {
        int read = await ReadAtLeastAsync(stream, headerBuffer.AsMemory(0, FrameHeader.Size), ct).ConfigureAwait(false);
        if (read == 0) return null;
        if (read < FrameHeader.Size) throw new CqlConnectionException("connection closed inside a frame header");
        var header = FrameHeader.Read(headerBuffer);
        var body = new byte[header.BodyLength];
        if (body.Length > 0 && await ReadAtLeastAsync(stream, body, ct).ConfigureAwait(false) < body.Length)
        {
            throw new CqlConnectionException("connection closed inside a frame body");
        }
        if ((header.Flags & FrameFlags.Compression) != 0)
        {
            body = Decompress(body);
            header = header with { Flags = header.Flags & ~FrameFlags.Compression, BodyLength = body.Length };
        }
        return (header, body);
    }

    private static async ValueTask<int> ReadAtLeastAsync(Stream stream, Memory<byte> buffer, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer[total..], ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Strips what the response flags put in front of the message: tracing id, warnings, custom payload (section 2.2).</summary>
    public static CqlFrame ParseResponse(FrameHeader header, byte[] body)
    {
        var r = new CqlBodyReader(body);
        Guid? tracing = (header.Flags & FrameFlags.Tracing) != 0 ? r.ReadUuid() : null;
        IReadOnlyList<string> warnings = (header.Flags & FrameFlags.Warning) != 0 ? r.ReadStringList() : Array.Empty<string>();
        var payload = (header.Flags & FrameFlags.CustomPayload) != 0 ? r.ReadBytesMap() : null;
        return new CqlFrame(header, body, r.Position, tracing, warnings, payload);
    }

    /// <summary>Requests carry only a custom payload in front of the message (tracing is a bare flag).</summary>
    public static CqlFrame ParseRequest(FrameHeader header, byte[] body)
    {
        var r = new CqlBodyReader(body);
        var payload = (header.Flags & FrameFlags.CustomPayload) != 0 ? r.ReadBytesMap() : null;
        return new CqlFrame(header, body, r.Position, null, Array.Empty<string>(), payload);
    }
}
