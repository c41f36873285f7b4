using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace TraceCollector.Codecs;

/// <summary>Writes protobuf wire primitives into a buffer sized beforehand (see the Size helpers).</summary>
internal ref struct ProtoWriter
{
    private readonly Span<byte> _buffer;
    private int _pos;

    public ProtoWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _pos = 0;
    }

    public readonly int Position => _pos;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintSize(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    /// <summary>Size of a length-delimited field with a one-byte key.</summary>
    public static int LengthDelimitedSize(int length) => 1 + VarintSize((ulong)length) + length;

    public static int StringFieldSize(string? value) =>
        string.IsNullOrEmpty(value) ? 0 : LengthDelimitedSize(Encoding.UTF8.GetByteCount(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte b) => _buffer[_pos++] = b;

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_pos++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_pos++] = (byte)value;
    }

    public void WriteFixed64(byte key, ulong value)
    {
        _buffer[_pos++] = key;
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(_pos, 8), value);
        _pos += 8;
    }

    public void WriteVarintField(byte key, ulong value)
    {
        _buffer[_pos++] = key;
        WriteVarint(value);
    }

    /// <summary>Writes the key and length of a length-delimited field; its content follows.</summary>
    public void WriteLengthDelimitedHeader(byte key, int length)
    {
        _buffer[_pos++] = key;
        WriteVarint((ulong)length);
    }

    public void WriteBytesField(byte key, scoped ReadOnlySpan<byte> value)
    {
        WriteLengthDelimitedHeader(key, value.Length);
        value.CopyTo(_buffer[_pos..]);
        _pos += value.Length;
    }

    public void WriteBigEndianId(byte key, ulong id)
    {
        _buffer[_pos++] = key;
        _buffer[_pos++] = 8;
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.Slice(_pos, 8), id);
        _pos += 8;
    }

    public void WriteStringField(byte key, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        WriteLengthDelimitedHeader(key, Encoding.UTF8.GetByteCount(value));
        _pos += Encoding.UTF8.GetBytes(value, _buffer[_pos..]);
    }

    /// <summary>A string field even when empty, for map entries whose value may be "".</summary>
    public void WriteStringFieldAlways(byte key, string value)
    {
        WriteLengthDelimitedHeader(key, Encoding.UTF8.GetByteCount(value));
        _pos += Encoding.UTF8.GetBytes(value, _buffer[_pos..]);
    }
}
