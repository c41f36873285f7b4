using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace TraceCollector.Cql.Protocol;

/// <summary>
/// Writes the notations of section 3 ([short], [string], [bytes], [value], maps, lists...) into a
/// growable buffer rented from the shared pool. Dispose returns the buffer.
/// </summary>
public sealed class CqlBodyWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public CqlBodyWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(16, initialCapacity));
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Drops everything after <paramref name="length"/> bytes (space reserved but not used).</summary>
    public void Truncate(int length) => _length = length <= _length ? length : throw new ArgumentOutOfRangeException(nameof(length));

    /// <summary>A writable view of bytes already written, to patch them.</summary>
    public Span<byte> SpanAt(int position, int count) => _buffer.AsSpan(position, count);

    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill.</summary>
    public Span<byte> Reserve(int count)
    {
        EnsureCapacity(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Overwrites an [int] written earlier at <paramref name="position"/> (a length known only afterwards).</summary>
    public void PatchInt(int position, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(position), value);

    public void PatchShort(int position, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(position), value);

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteShort(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteInt(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    public void WriteLong(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void WriteConsistency(Consistency consistency) => WriteShort((ushort)consistency);

    /// <summary>[string]: a [short] length then UTF-8.</summary>
    public void WriteString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        if (count > ushort.MaxValue) throw new ArgumentException($"a [string] holds at most {ushort.MaxValue} bytes, got {count}", nameof(value));
        WriteShort((ushort)count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    /// <summary>[long string]: an [int] length then UTF-8.</summary>
    public void WriteLongString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        WriteInt(count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    /// <summary>[bytes]; null is written as length -1.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        WriteRaw(value);
    }

    public void WriteNullBytes() => WriteInt(-1);

    /// <summary>The [value] "not set" marker (-2): the column is left as it is.</summary>
    public void WriteUnsetValue() => WriteInt(-2);

    public void WriteShortBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue) throw new ArgumentException("[short bytes] holds at most 65535 bytes", nameof(value));
        WriteShort((ushort)value.Length);
        WriteRaw(value);
    }

    public void WriteStringList(IReadOnlyList<string> values)
    {
        WriteShort(checked((ushort)values.Count));
        foreach (var v in values) WriteString(v);
    }

    public void WriteStringMap(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        WriteShort(checked((ushort)entries.Count));
        foreach (var (k, v) in entries)
        {
            WriteString(k);
            WriteString(v);
        }
    }

    public void WriteStringMultimap(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> entries)
    {
        WriteShort(checked((ushort)entries.Count));
        foreach (var (k, v) in entries)
        {
            WriteString(k);
            WriteStringList(v);
        }
    }

    /// <summary>[inet]: address size, address bytes, then the port as an [int].</summary>
    public void WriteInet(System.Net.IPEndPoint endPoint)
    {
        Span<byte> address = stackalloc byte[16];
        endPoint.Address.TryWriteBytes(address, out int n);
        WriteByte((byte)n);
        WriteRaw(address[..n]);
        WriteInt(endPoint.Port);
    }

    /// <summary>[uuid]: 16 bytes in RFC 4122 (big-endian) order.</summary>
    public void WriteUuid(Guid value) => value.TryWriteBytes(Reserve(16), bigEndian: true, out _);

    private void EnsureCapacity(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        int size = Math.Max(_buffer.Length * 2, _length + extra);
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = Array.Empty<byte>();
        _length = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
