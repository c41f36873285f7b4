using System.Buffers.Binary;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// A cursor over TBinaryProtocol bytes (big-endian integers, i32-length strings, field headers of a
/// type byte and an i16 id). Every read checks what remains, so truncated input is an error naming the offset.
/// </summary>
internal ref struct ThriftWire
{
    public const byte Stop = 0, Bool = 2, Byte = 3, Double = 4, I16 = 6, I32 = 8, I64 = 10, String = 11, Struct = 12, Map = 13, Set = 14, List = 15;
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _bytes;
    private int _pos;

    /// <summary>Which span and field is being read, for error messages. Set by the reader as it goes.</summary>
    public int SpanIndex;
    public string Field;

    public ThriftWire(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes;
        _pos = 0;
        SpanIndex = -1;
        Field = "list";
    }

    public readonly int Offset => _pos;

    public readonly bool HasMore => _pos < _bytes.Length;

    /// <summary>Reads a field header; returns false at the struct's STOP.</summary>
    public bool ReadFieldHeader(out byte type, out short id)
    {
        type = ReadByte();
        if (type == Stop)
        {
            id = 0;
            return false;
        }
        id = ReadI16();
        return true;
    }

    public byte ReadByte()
    {
        if (_pos >= _bytes.Length) throw Truncated();
        return _bytes[_pos++];
    }

    public short ReadI16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int ReadI32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadI64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public ReadOnlySpan<byte> ReadBinary()
    {
        int start = _pos;
        int length = ReadI32();
        if (length < 0) throw Error($"Malformed thrift: negative length {length}", start);
        return Take(length);
    }

    /// <summary>Reads a list header and returns its size, checked against what the input could hold.</summary>
    public int ReadListHeader(out byte elementType)
    {
        int start = _pos;
        elementType = ReadByte();
        int size = ReadI32();
        if (size < 0 || size > _bytes.Length - _pos) throw Error($"Malformed thrift: list of {size} elements with {_bytes.Length - _pos} bytes left", start);
        return size;
    }

    public void Skip(byte type) => Skip(type, 0);

    private void Skip(byte type, int depth)
    {
        if (depth > MaxDepth) throw Error("Malformed thrift: nested deeper than 32", _pos);
        switch (type)
        {
            case Bool:
            case Byte: Take(1); break;
            case I16: Take(2); break;
            case I32: Take(4); break;
            case Double:
            case I64: Take(8); break;
            case String: ReadBinary(); break;
            case Struct:
                while (ReadFieldHeader(out byte fieldType, out _)) Skip(fieldType, depth + 1);
                break;
            case Map:
            {
                int start = _pos;
                byte keyType = ReadByte(), valueType = ReadByte();
                int size = ReadI32();
                if (size < 0 || size > _bytes.Length - _pos) throw Error($"Malformed thrift: map of {size} entries", start);
                for (int i = 0; i < size; i++)
                {
                    Skip(keyType, depth + 1);
                    Skip(valueType, depth + 1);
                }
                break;
            }
            case Set:
            case List:
            {
                int size = ReadListHeader(out byte elementType);
                for (int i = 0; i < size; i++) Skip(elementType, depth + 1);
                break;
            }
            default:
                throw Error($"Malformed thrift: unknown field type {type}", _pos - 1);
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _bytes.Length - _pos) throw Truncated();
        var slice = _bytes.Slice(_pos, count);
        _pos += count;
        return slice;
    }

    private readonly SpanFormatException Truncated() => Error("Truncated thrift", _pos);

    public readonly SpanFormatException Error(string what, int offset) =>
        new($"{what} at {(SpanIndex < 0 ? Field : $"spans[{SpanIndex}].{Field}")} (byte offset {offset})");
}
