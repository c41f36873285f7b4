using System.Buffers;
using System.Text;

namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// Protobuf wire encoding for building a template once. A nested message is encoded into its own
/// writer first, because its length prefix has to precede it; the offsets of its zeroed id
/// placeholders move with it, so the outermost writer knows where every id sits in the request.
/// </summary>
internal sealed class ProtoTemplateWriter
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> _bytes = new(256);
    private readonly List<int> _placeholders = new();

    public ReadOnlySpan<byte> Written => _bytes.WrittenSpan;

    /// <summary>Offsets of the placeholders' first bytes, in the order they were written (nested ones included).</summary>
    public IReadOnlyList<int> Placeholders => _placeholders;

    public void WriteVarint(int field, ulong value)
    {
        WriteKey(field, Varint);
        WriteRawVarint(value);
    }

    public void WriteFixed64(int field, ulong value)
    {
        WriteKey(field, Fixed64);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_bytes.GetSpan(8), value);
        _bytes.Advance(8);
    }

    public void WriteString(int field, string value)
    {
        WriteKey(field, LengthDelimited);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteRawVarint((ulong)length);
        Encoding.UTF8.GetBytes(value, _bytes.GetSpan(length));
        _bytes.Advance(length);
    }

    /// <summary>A bytes field of <paramref name="length"/> zeros whose offset is recorded, to be overwritten per request.</summary>
    public void WritePlaceholder(int field, int length)
    {
        WriteKey(field, LengthDelimited);
        WriteRawVarint((ulong)length);
        _placeholders.Add(_bytes.WrittenCount);
        _bytes.GetSpan(length)[..length].Clear();
        _bytes.Advance(length);
    }

    public void WriteMessage(int field, ProtoTemplateWriter message)
    {
        WriteKey(field, LengthDelimited);
        WriteRawVarint((ulong)message._bytes.WrittenCount);
        int start = _bytes.WrittenCount;
        _bytes.Write(message.Written);
        foreach (int offset in message._placeholders) _placeholders.Add(start + offset);
    }

    private void WriteKey(int field, int wireType) => WriteRawVarint((ulong)((field << 3) | wireType));

    private void WriteRawVarint(ulong value)
    {
        var span = _bytes.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _bytes.Advance(i);
    }
}
