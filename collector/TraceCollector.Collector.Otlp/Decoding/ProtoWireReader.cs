using System.Buffers.Binary;
using System.Text;
using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Decoding;

/// <summary>
/// A forward reader of protobuf wire format over one message's bytes. Offsets in error messages are
/// relative to the whole request (<paramref name="baseOffset"/> carries a sub-message's position).
/// </summary>
internal ref struct ProtoWireReader
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _pos;

    public ProtoWireReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
        _pos = 0;
    }

    public readonly bool HasMore => _pos < _data.Length;

    /// <summary>Offset of the next byte in the whole request.</summary>
    public readonly int Offset => _baseOffset + _pos;

    /// <summary>Reads a field key; returns the field number and sets the wire type.</summary>
    public int ReadTag(out int wireType)
    {
        int at = Offset;
        ulong key = ReadVarint();
        wireType = (int)(key & 7);
        ulong field = key >> 3;
        if (field is 0 or > int.MaxValue) throw Error(at, $"invalid field number {field}");
        return (int)field;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw Error(Offset, "truncated varint");
            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Error(Offset, "varint longer than 10 bytes");
    }

    public ulong ReadFixed64()
    {
        if (_data.Length - _pos < 8) throw Error(Offset, "truncated fixed64");
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_pos, 8));
        _pos += 8;
        return v;
    }

    public uint ReadFixed32()
    {
        if (_data.Length - _pos < 4) throw Error(Offset, "truncated fixed32");
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_pos, 4));
        _pos += 4;
        return v;
    }

    /// <summary>Reads a length-delimited field's bytes and reports where they start in the request.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int offset)
    {
        ulong length = ReadVarint();
        offset = Offset;
        if (length > (ulong)(_data.Length - _pos)) throw Error(offset, $"length {length} runs past the end of the message");
        var bytes = _data.Slice(_pos, (int)length);
        _pos += (int)length;
        return bytes;
    }

    public ReadOnlySpan<byte> ReadBytes() => ReadBytes(out _);

    public string ReadString()
    {
        var bytes = ReadBytes(out int at);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error(at, "string is not valid UTF-8");
        }
    }

    /// <summary>Reads the value of the given wire type, checking it is the type the field needs.</summary>
    public void Expect(int wireType, int expected, int field, string message)
    {
        if (wireType != expected) throw Error(Offset, $"{message} field {field} has wire type {wireType}, expected {expected}");
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: ReadFixed64(); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: ReadFixed32(); break;
            default: throw Error(Offset, $"unsupported wire type {wireType}");
        }
    }

    public static SpanFormatException Error(int offset, string what) =>
        new($"Malformed OTLP protobuf at byte {offset}: {what}");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
