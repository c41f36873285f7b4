using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// A cursor over protobuf wire bytes: varints, fixed64, length-delimited slices. Offsets are kept
/// absolute (from the start of the message) so errors can say where the input went wrong.
/// </summary>
internal ref struct ProtoWire
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _base;
    private readonly int _spanIndex;
    private int _pos;

    /// <param name="baseOffset">Where <paramref name="bytes"/> start in the whole input.</param>
    /// <param name="spanIndex">The span these bytes belong to, or -1 for the list itself; named in errors.</param>
    public ProtoWire(ReadOnlySpan<byte> bytes, int baseOffset = 0, int spanIndex = -1)
    {
        _bytes = bytes;
        _base = baseOffset;
        _spanIndex = spanIndex;
        _pos = 0;
    }

    public readonly bool HasMore => _pos < _bytes.Length;

    /// <summary>Offset of the cursor in the whole input.</summary>
    public readonly int Offset => _base + _pos;

    /// <summary>Reads a field key; returns its field number and sets the wire type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadKey(out int wireType, string where)
    {
        int start = _pos;
        ulong key = ReadVarint(where);
        wireType = (int)(key & 7);
        ulong field = key >> 3;
        if (field == 0 || field > int.MaxValue) throw Error($"Malformed proto3: field number {field}", where, start);
        return (int)field;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint(string where)
    {
        ReadOnlySpan<byte> b = _bytes;
        int pos = _pos;
        if ((uint)pos < (uint)b.Length && b[pos] < 0x80)
        {
            _pos = pos + 1;
            return b[pos];
        }
        return ReadVarintSlow(where);
    }

    private ulong ReadVarintSlow(string where)
    {
        ulong result = 0;
        int start = _pos;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _bytes.Length) throw Truncated(where, start);
            byte b = _bytes[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Error("Malformed proto3: varint longer than 10 bytes", where, start);
    }

    public ulong ReadFixed64(string where)
    {
        if (_bytes.Length - _pos < 8) throw Truncated(where, _pos);
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_bytes.Slice(_pos, 8));
        _pos += 8;
        return value;
    }

    /// <summary>Reads a length-delimited field's bytes; <paramref name="offset"/> is where they start in the whole input.</summary>
    public ReadOnlySpan<byte> ReadBytes(string where, out int offset)
    {
        int start = _pos;
        ulong length = ReadVarint(where);
        if (length > (ulong)(_bytes.Length - _pos))
        {
            throw Error($"Truncated proto3: the field says {length} bytes but {_bytes.Length - _pos} remain", where, start);
        }
        offset = _base + _pos;
        var slice = _bytes.Slice(_pos, (int)length);
        _pos += (int)length;
        return slice;
    }

    public void Expect(int wireType, int expected, string where)
    {
        if (wireType != expected) throw Error($"Malformed proto3: wire type {wireType}, expected {expected}", where, _pos);
    }

    /// <summary>Skips a field this reader does not know, as proto3 requires.</summary>
    public void Skip(int wireType, string where)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(where); break;
            case Fixed64: Advance(8, where); break;
            case LengthDelimited: ReadBytes(where, out _); break;
            case Fixed32: Advance(4, where); break;
            default: throw Error($"Malformed proto3: unsupported wire type {wireType}", where, _pos);
        }
    }

    private void Advance(int count, string where)
    {
        if (_bytes.Length - _pos < count) throw Truncated(where, _pos);
        _pos += count;
    }

    private readonly SpanFormatException Truncated(string where, int start) => Error("Truncated proto3", where, start);

    /// <summary>An error naming the span, the field (a constant, so the happy path formats nothing) and the absolute offset.</summary>
    public readonly SpanFormatException Error(string what, string where, int position) =>
        new($"{what} at {(_spanIndex < 0 ? where : $"spans[{_spanIndex}].{where}")} (byte offset {_base + position})");
}
