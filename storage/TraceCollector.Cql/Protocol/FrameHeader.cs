using System.Buffers.Binary;

namespace TraceCollector.Cql.Protocol;

/// <summary>
/// The 9-byte header in front of every frame: version (high bit set on responses), flags, a signed
/// 16-bit stream id, the opcode and the body length.
/// </summary>
public readonly record struct FrameHeader(byte Version, FrameFlags Flags, short Stream, Opcode Opcode, int BodyLength)
{
    public const int Size = 9;

    /// <summary>Section 2.5: a frame is limited to 256 MB.</summary>
    public const int MaxBodyLength = 256 * 1024 * 1024;

    public const byte ResponseBit = 0x80;

    public bool IsResponse => (Version & ResponseBit) != 0;

    public int ProtocolVersion => Version & 0x7F;

    public static FrameHeader Request(int protocolVersion, FrameFlags flags, short stream, Opcode opcode, int bodyLength) =>
        new((byte)protocolVersion, flags, stream, opcode, bodyLength);

    public static FrameHeader Response(int protocolVersion, FrameFlags flags, short stream, Opcode opcode, int bodyLength) =>
        new((byte)(protocolVersion | ResponseBit), flags, stream, opcode, bodyLength);

    public void Write(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = (byte)Flags;
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], Stream);
        destination[4] = (byte)Opcode;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], BodyLength);
    }

    /// <exception cref="CqlProtocolViolationException">The length is negative or above 256 MB.</exception>
    public static FrameHeader Read(ReadOnlySpan<byte> source)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(source[5..]);
        if (length < 0 || length > MaxBodyLength)
        {
            throw new CqlProtocolViolationException($"frame body length {length} is outside 0..{MaxBodyLength}");
        }
        return new FrameHeader(source[0], (FrameFlags)source[1], BinaryPrimitives.ReadInt16BigEndian(source[2..]), (Opcode)source[4], length);
    }
}
