using System.Buffers.Binary;
using System.Collections;
using System.Net;
using System.Numerics;
using System.Text;
using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql.Types;

/// <summary>
/// Serialises values in the formats of section 6 and 7. The .NET shape of each type: text/ascii
/// string, int int, bigint/counter long, smallint short, tinyint sbyte, boolean bool, double, float,
/// blob byte[], timestamp DateTimeOffset (long milliseconds accepted), uuid/timeuuid Guid, inet
/// IPAddress, date DateOnly, time long nanoseconds, varint BigInteger, decimal CqlDecimal,
/// list/set List&lt;object?&gt;, map Dictionary&lt;object, object?&gt;, UDT UdtValue, tuple object?[].
/// </summary>
public static class CqlValueCodec
{
    /// <summary>Section 6.5: days are unsigned with the epoch at 2^31.</summary>
    public const uint DateEpochOffset = 1u << 31;

    /// <summary>Writes <paramref name="value"/> as a [bytes] (length-prefixed; null as -1).</summary>
    public static void WriteValue(CqlBodyWriter writer, CqlType type, object? value)
    {
        if (value is null)
        {
            writer.WriteNullBytes();
            return;
        }
        int lengthAt = writer.Length;
        writer.WriteInt(0);
        WriteContent(writer, type, value);
        writer.PatchInt(lengthAt, writer.Length - lengthAt - 4);
    }

    /// <summary>Writes the content of a non-null value without a length prefix.</summary>
    public static void WriteContent(CqlBodyWriter writer, CqlType type, object value)
    {
        switch (type.Code)
        {
            case CqlTypeCode.Varchar or CqlTypeCode.Ascii:
                string text = value as string ?? throw Mismatch(type, value);
                Encoding.UTF8.GetBytes(text, writer.Reserve(Encoding.UTF8.GetByteCount(text)));
                break;
            case CqlTypeCode.Int:
                writer.WriteInt(value is int i ? i : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Bigint or CqlTypeCode.Counter:
                writer.WriteLong(value switch { long l => l, int i2 => i2, _ => throw Mismatch(type, value) });
                break;
            case CqlTypeCode.Smallint:
                BinaryPrimitives.WriteInt16BigEndian(writer.Reserve(2), value is short s ? s : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Tinyint:
                writer.WriteByte(value is sbyte sb ? (byte)sb : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Boolean:
                writer.WriteByte(value is bool b ? (byte)(b ? 1 : 0) : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Double:
                BinaryPrimitives.WriteDoubleBigEndian(writer.Reserve(8), value is double d ? d : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Float:
                BinaryPrimitives.WriteSingleBigEndian(writer.Reserve(4), value is float fl ? fl : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Blob or CqlTypeCode.Custom or CqlTypeCode.Duration:
                writer.WriteRaw(value switch { byte[] bytes => bytes, ReadOnlyMemory<byte> m => m.Span, _ => throw Mismatch(type, value) });
                break;
            case CqlTypeCode.Timestamp:
                writer.WriteLong(value switch
                {
                    DateTimeOffset dto => dto.ToUnixTimeMilliseconds(),
                    DateTime dt => new DateTimeOffset(dt.ToUniversalTime()).ToUnixTimeMilliseconds(),
                    long ms => ms,
                    _ => throw Mismatch(type, value),
                });
                break;
            case CqlTypeCode.Uuid or CqlTypeCode.Timeuuid:
                writer.WriteUuid(value is Guid g ? g : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Inet:
                var address = value as IPAddress ?? throw Mismatch(type, value);
                address.TryWriteBytes(writer.Reserve(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 16), out _);
                break;
            case CqlTypeCode.Date:
                var date = value is DateOnly day ? day : throw Mismatch(type, value);
                writer.WriteInt(unchecked((int)(DateEpochOffset + (uint)(date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber))));
                break;
            case CqlTypeCode.Time:
                writer.WriteLong(value is long ns ? ns : throw Mismatch(type, value));
                break;
            case CqlTypeCode.Varint:
                writer.WriteRaw((value is BigInteger big ? big : throw Mismatch(type, value)).ToByteArray(isUnsigned: false, isBigEndian: true));
                break;
            case CqlTypeCode.Decimal:
                var dec = value is CqlDecimal cd ? cd : throw Mismatch(type, value);
                writer.WriteInt(dec.Scale);
                writer.WriteRaw(dec.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true));
                break;
            case CqlTypeCode.List or CqlTypeCode.Set:
                WriteElements(writer, type.Element!, value as IEnumerable ?? throw Mismatch(type, value));
                break;
            case CqlTypeCode.Map:
                WriteMap(writer, type, value as IDictionary ?? throw Mismatch(type, value));
                break;
            case CqlTypeCode.Udt:
                var udt = value as UdtValue ?? throw Mismatch(type, value);
                for (int f = 0; f < type.Fields.Count; f++) WriteValue(writer, type.Fields[f].Type, udt[f]);
                break;
            case CqlTypeCode.Tuple:
                var items = value as object?[] ?? throw Mismatch(type, value);
                if (items.Length != type.Fields.Count) throw Mismatch(type, value);
                for (int t = 0; t < items.Length; t++) WriteValue(writer, type.Fields[t].Type, items[t]);
                break;
            default:
                throw new ArgumentException($"cannot encode values of type {type}");
        }
    }

    private static void WriteElements(CqlBodyWriter writer, CqlType element, IEnumerable values)
    {
        int countAt = writer.Length;
        writer.WriteInt(0);
        int count = 0;
        foreach (var item in values)
        {
            if (item is null) throw new ArgumentException("collections cannot hold null elements");
            WriteValue(writer, element, item);
            count++;
        }
        writer.PatchInt(countAt, count);
    }

    private static void WriteMap(CqlBodyWriter writer, CqlType type, IDictionary map)
    {
        writer.WriteInt(map.Count);
        foreach (DictionaryEntry entry in map)
        {
            if (entry.Value is null) throw new ArgumentException("map values cannot be null");
            WriteValue(writer, type.Element!, entry.Key);
            WriteValue(writer, type.Value!, entry.Value);
        }
    }

    private static ArgumentException Mismatch(CqlType type, object value) =>
        new($"a {value.GetType().Name} cannot be written as {type}");

    /// <summary>Decodes the content of a non-null value (the bytes after its length).</summary>
    public static object Decode(CqlType type, ReadOnlySpan<byte> content)
    {
        switch (type.Code)
        {
            case CqlTypeCode.Varchar or CqlTypeCode.Ascii:
                return Encoding.UTF8.GetString(content);
            case CqlTypeCode.Int:
                return BinaryPrimitives.ReadInt32BigEndian(Exactly(content, 4, type));
            case CqlTypeCode.Bigint or CqlTypeCode.Counter:
                return BinaryPrimitives.ReadInt64BigEndian(Exactly(content, 8, type));
            case CqlTypeCode.Smallint:
                return BinaryPrimitives.ReadInt16BigEndian(Exactly(content, 2, type));
            case CqlTypeCode.Tinyint:
                return (sbyte)Exactly(content, 1, type)[0];
            case CqlTypeCode.Boolean:
                return Exactly(content, 1, type)[0] != 0;
            case CqlTypeCode.Double:
                return BinaryPrimitives.ReadDoubleBigEndian(Exactly(content, 8, type));
            case CqlTypeCode.Float:
                return BinaryPrimitives.ReadSingleBigEndian(Exactly(content, 4, type));
            case CqlTypeCode.Blob or CqlTypeCode.Custom or CqlTypeCode.Duration:
                return content.ToArray();
            case CqlTypeCode.Timestamp:
                return DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(Exactly(content, 8, type)));
            case CqlTypeCode.Uuid or CqlTypeCode.Timeuuid:
                return new Guid(Exactly(content, 16, type), bigEndian: true);
            case CqlTypeCode.Inet:
                if (content.Length is not (4 or 16)) throw new CqlProtocolViolationException($"inet value of {content.Length} bytes");
                return new IPAddress(content);
            case CqlTypeCode.Date:
                uint days = BinaryPrimitives.ReadUInt32BigEndian(Exactly(content, 4, type));
                return DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)((long)days - DateEpochOffset));
            case CqlTypeCode.Time:
                return BinaryPrimitives.ReadInt64BigEndian(Exactly(content, 8, type));
            case CqlTypeCode.Varint:
                return new BigInteger(content, isUnsigned: false, isBigEndian: true);
            case CqlTypeCode.Decimal:
                int scale = BinaryPrimitives.ReadInt32BigEndian(AtLeast(content, 4, type));
                return new CqlDecimal(new BigInteger(content[4..], isUnsigned: false, isBigEndian: true), scale);
            case CqlTypeCode.List or CqlTypeCode.Set:
                return DecodeElements(type.Element!, content);
            case CqlTypeCode.Map:
                return DecodeMap(type, content);
            case CqlTypeCode.Udt:
                return DecodeUdt(type, content);
            case CqlTypeCode.Tuple:
                return DecodeTuple(type, content);
            default:
                throw new CqlProtocolViolationException($"cannot decode values of type {type}");
        }
    }

    /// <summary>Decodes a [bytes] cell: null for a negative length.</summary>
    public static object? DecodeNullable(CqlType type, ReadOnlySpan<byte> content, int length) =>
        length < 0 || (length == 0 && !AllowsEmpty(type)) ? null : Decode(type, content);

    // Section 6: most non-string types also accept an "empty" value; it carries no number, so it reads as null.
    private static bool AllowsEmpty(CqlType type) =>
        type.Code is CqlTypeCode.Varchar or CqlTypeCode.Ascii or CqlTypeCode.Blob or CqlTypeCode.Custom;

    private static List<object?> DecodeElements(CqlType element, ReadOnlySpan<byte> content)
    {
        var reader = new CqlBodyReader(content);
        int n = reader.ReadInt();
        if (n < 0 || n > content.Length) throw new CqlProtocolViolationException($"collection of {n} elements in {content.Length} bytes");
        var list = new List<object?>(n);
        for (int i = 0; i < n; i++) list.Add(ReadNested(ref reader, element));
        return list;
    }

    private static Dictionary<object, object?> DecodeMap(CqlType type, ReadOnlySpan<byte> content)
    {
        var reader = new CqlBodyReader(content);
        int n = reader.ReadInt();
        if (n < 0 || n > content.Length) throw new CqlProtocolViolationException($"map of {n} entries in {content.Length} bytes");
        var map = new Dictionary<object, object?>(n);
        for (int i = 0; i < n; i++)
        {
            var key = ReadNested(ref reader, type.Element!) ?? throw new CqlProtocolViolationException("null map key");
            map[key] = ReadNested(ref reader, type.Value!);
        }
        return map;
    }

    private static UdtValue DecodeUdt(CqlType type, ReadOnlySpan<byte> content)
    {
        var value = new UdtValue(type);
        var reader = new CqlBodyReader(content);
        // Section 7: a value may carry fewer fields than the type (fields added later).
        for (int f = 0; f < type.Fields.Count && reader.Remaining > 0; f++) value[f] = ReadNested(ref reader, type.Fields[f].Type);
        return value;
    }

    private static object?[] DecodeTuple(CqlType type, ReadOnlySpan<byte> content)
    {
        var items = new object?[type.Fields.Count];
        var reader = new CqlBodyReader(content);
        for (int t = 0; t < items.Length && reader.Remaining > 0; t++) items[t] = ReadNested(ref reader, type.Fields[t].Type);
        return items;
    }

    private static object? ReadNested(ref CqlBodyReader reader, CqlType type)
    {
        int length = reader.ReadInt();
        return length < 0 ? null : DecodeNullable(type, reader.ReadRaw(length), length);
    }

    private static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> content, int size, CqlType type) =>
        content.Length == size ? content : throw new CqlProtocolViolationException($"{type} value of {content.Length} bytes, expected {size}");

    private static ReadOnlySpan<byte> AtLeast(ReadOnlySpan<byte> content, int size, CqlType type) =>
        content.Length >= size ? content : throw new CqlProtocolViolationException($"{type} value of {content.Length} bytes, expected at least {size}");
}
