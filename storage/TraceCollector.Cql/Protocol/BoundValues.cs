using System.Buffers.Binary;
using System.Net;
using System.Text;
using TraceCollector.Cql.Types;

namespace TraceCollector.Cql.Protocol;

/// <summary>
/// Bind-marker values already serialised as consecutive [value]s, so a statement carries one byte
/// array rather than boxed objects. The offsets let routing read the partition-key values back.
/// </summary>
public sealed class BoundValues
{
    public static readonly BoundValues Empty = new(Array.Empty<byte>(), Array.Empty<int>());

    private readonly byte[] _encoded;
    private readonly int[] _offsets;

    internal BoundValues(byte[] encoded, int[] offsets)
    {
        _encoded = encoded;
        _offsets = offsets;
    }

    public int Count => _offsets.Length;

    /// <summary>The [value]s back to back, each with its [int] length.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>The content of value <paramref name="index"/>; the length is -1 for null and -2 for not set.</summary>
    public ReadOnlySpan<byte> Value(int index, out int length)
    {
        int at = _offsets[index];
        length = BinaryPrimitives.ReadInt32BigEndian(_encoded.AsSpan(at));
        return length > 0 ? _encoded.AsSpan(at + 4, length) : ReadOnlySpan<byte>.Empty;
    }

    public static BoundValues Of(params (CqlType Type, object? Value)[] values)
    {
        var b = new Builder();
        foreach (var (type, value) in values) b.Add(type, value);
        return b.Build();
    }

    /// <summary>Appends values in bind-marker order. Not thread-safe; reusable after <see cref="Build"/>.</summary>
    public sealed class Builder
    {
        private readonly CqlBodyWriter _writer = new(256);
        private readonly List<int> _offsets = new(16);

        public int Count => _offsets.Count;

        private CqlBodyWriter Next()
        {
            _offsets.Add(_writer.Length);
            return _writer;
        }

        public Builder AddText(string? value)
        {
            var w = Next();
            if (value is null)
            {
                w.WriteNullBytes();
                return this;
            }
            int n = Encoding.UTF8.GetByteCount(value);
            w.WriteInt(n);
            Encoding.UTF8.GetBytes(value, w.Reserve(n));
            return this;
        }

        public Builder AddInt(int value)
        {
            var w = Next();
            w.WriteInt(4);
            w.WriteInt(value);
            return this;
        }

        public Builder AddBigint(long value)
        {
            var w = Next();
            w.WriteInt(8);
            w.WriteLong(value);
            return this;
        }

        public Builder AddBoolean(bool value)
        {
            var w = Next();
            w.WriteInt(1);
            w.WriteByte(value ? (byte)1 : (byte)0);
            return this;
        }

        public Builder AddUuid(Guid value)
        {
            var w = Next();
            w.WriteInt(16);
            w.WriteUuid(value);
            return this;
        }

        public Builder AddBlob(ReadOnlySpan<byte> value)
        {
            Next().WriteBytes(value);
            return this;
        }

        public Builder AddTimestamp(DateTimeOffset value) => AddBigint(value.ToUnixTimeMilliseconds());

        public Builder AddInet(IPAddress? value) => Add(CqlType.Inet, value);

        public Builder AddDate(DateOnly value) => Add(CqlType.Date, value);

        public Builder AddNull()
        {
            Next().WriteNullBytes();
            return this;
        }

        /// <summary>Leaves the column untouched (no tombstone): how unset optional fields are written.</summary>
        public Builder AddUnset()
        {
            Next().WriteUnsetValue();
            return this;
        }

        public Builder Add(CqlType type, object? value)
        {
            CqlValueCodec.WriteValue(Next(), type, value);
            return this;
        }

        public BoundValues Build()
        {
            var result = new BoundValues(_writer.ToArray(), _offsets.ToArray());
            _writer.Clear();
            _offsets.Clear();
            return result;
        }
    }
}
