using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace TraceCollector.Cql.Protocol;

/// <summary>
/// Reads the notations of section 3 from a frame body. Every read is bounds-checked and a short or
/// malformed body raises <see cref="CqlProtocolViolationException"/>, never an index exception.
/// </summary>
public ref struct CqlBodyReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _position;

    public CqlBodyReader(ReadOnlySpan<byte> body, int position = 0)
    {
        _body = body;
        _position = position;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _body.Length - _position;

    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new CqlProtocolViolationException($"frame body too short: need {count} bytes at offset {_position}, {Remaining} left");
        }
        var slice = _body.Slice(_position, count);
        _position += count;
        return slice;
    }

    public byte ReadByte() => ReadRaw(1)[0];

    public ushort ReadShort() => BinaryPrimitives.ReadUInt16BigEndian(ReadRaw(2));

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(ReadRaw(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(ReadRaw(8));

    public Consistency ReadConsistency() => (Consistency)ReadShort();

    public string ReadString() => Encoding.UTF8.GetString(ReadRaw(ReadShort()));

    public string ReadLongString()
    {
        int n = ReadInt();
        if (n < 0) throw new CqlProtocolViolationException($"negative [long string] length {n}");
        return Encoding.UTF8.GetString(ReadRaw(n));
    }

    /// <summary>[bytes]: null for a negative length.</summary>
    public byte[]? ReadBytes()
    {
        int n = ReadInt();
        return n < 0 ? null : ReadRaw(n).ToArray();
    }

    /// <summary>[bytes] without copying: the length (negative for null) and the offset of the content.</summary>
    public int ReadBytesSlice(out int offset)
    {
        int n = ReadInt();
        offset = _position;
        if (n >= 0) ReadRaw(n);
        return n;
    }

    /// <summary>[value]: returns the length, -1 for null, -2 for not set.</summary>
    public int ReadValueSlice(out int offset)
    {
        int n = ReadInt();
        if (n < -2) throw new CqlProtocolViolationException($"invalid [value] length {n}");
        offset = _position;
        if (n > 0) ReadRaw(n);
        return n;
    }

    public byte[] ReadShortBytes() => ReadRaw(ReadShort()).ToArray();

    public Guid ReadUuid() => new(ReadRaw(16), bigEndian: true);

    public List<string> ReadStringList()
    {
        int n = ReadShort();
        var list = new List<string>(n);
        for (int i = 0; i < n; i++) list.Add(ReadString());
        return list;
    }

    public Dictionary<string, string> ReadStringMap()
    {
        int n = ReadShort();
        var map = new Dictionary<string, string>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) map[ReadString()] = ReadString();
        return map;
    }

    public Dictionary<string, List<string>> ReadStringMultimap()
    {
        int n = ReadShort();
        var map = new Dictionary<string, List<string>>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) map[ReadString()] = ReadStringList();
        return map;
    }

    public Dictionary<string, byte[]?> ReadBytesMap()
    {
        int n = ReadShort();
        var map = new Dictionary<string, byte[]?>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) map[ReadString()] = ReadBytes();
        return map;
    }

    public IPEndPoint ReadInet()
    {
        int size = ReadByte();
        if (size is not (4 or 16)) throw new CqlProtocolViolationException($"[inet] address size {size} is neither 4 nor 16");
        var address = new IPAddress(ReadRaw(size));
        return new IPEndPoint(address, ReadInt());
    }
}
