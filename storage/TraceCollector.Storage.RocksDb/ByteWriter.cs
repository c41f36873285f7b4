using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// A growable byte buffer rented from the shared pool, with the little-endian and varint writes the
/// record and key layouts use. One instance is reused for a whole write batch.
/// </summary>
internal sealed class ByteWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public ByteWriter(int capacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public ReadOnlySpan<byte> Slice(int start, int length) => _buffer.AsSpan(start, length);

    public void Clear() => _length = 0;

    public void Truncate(int length) => _length = length;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteUInt64LittleEndian(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteUInt64BigEndian(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteUInt32BigEndian(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    /// <summary>Zig-zag so that small negative deltas stay one or two bytes.</summary>
    public void WriteSignedVarint(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteUtf8(string value)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(value.Length));
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>A length-prefixed UTF-8 string.</summary>
    public void WriteString(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Ensure(max + 5);
        int byteCount = max <= 127 ? -1 : Encoding.UTF8.GetByteCount(value);
        if (byteCount < 0)
        {
            // Short strings: reserve one length byte, write, then fill it in.
            int at = _length++;
            int n = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
            _buffer[at] = (byte)n;
            _length += n;
            return;
        }
        WriteVarint((ulong)byteCount);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = Array.Empty<byte>();
    }
}

/// <summary>Reads what <see cref="ByteWriter"/> wrote; throws <see cref="InvalidDataException"/> on a truncated record.</summary>
internal ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private int _position;

    public ByteReader(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes;
        _position = 0;
    }

    public bool AtEnd => _position >= _bytes.Length;

    public byte ReadByte()
    {
        if (_position >= _bytes.Length) throw Truncated();
        return _bytes[_position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (_position + count > _bytes.Length) throw Truncated();
        var slice = _bytes.Slice(_position, count);
        _position += count;
        return slice;
    }

    public ulong ReadUInt64LittleEndian() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException("varint longer than 10 bytes in a stored span record");
    }

    public long ReadSignedVarint()
    {
        ulong v = ReadVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    public string ReadString()
    {
        int n = checked((int)ReadVarint());
        return Encoding.UTF8.GetString(ReadBytes(n));
    }

    private static InvalidDataException Truncated() => new("stored span record is truncated");
}
