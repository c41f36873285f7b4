using System.Buffers.Binary;
using System.Text;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// Key layouts. Every key that is looked up by prefix starts with a kind byte and 8 more bytes, the
/// 9-byte prefix the bloom filters are built on: the trace's low 64 bits for span records, the
/// term hash for index entries. Integers are big-endian so that byte order is numeric order.
/// </summary>
internal static class StoreKeys
{
    public const int PrefixLength = 9;

    /// <summary>In a day partition: kind, trace low 64 bits, record content hash. Value: a <see cref="SpanRecordCodec"/> record.</summary>
    public const byte SpanRecord = 0x01;

    /// <summary>
    /// In a day partition: kind, term hash, inverted epoch second, content hash. Value: an
    /// <see cref="IndexPostings"/> block, the entries of one batch for that term and second.
    /// </summary>
    public const byte IndexEntry = 0x02;

    /// <summary>In a day partition: kind, epoch minute, 0 calls / 1 errors, parent, 0, child. Value: 8-byte counter summed by the merge operator.</summary>
    public const byte DependencyCount = 0x03;

    /// <summary>
    /// In a day partition: kind, epoch second of the traces, hash of the value. Value: one batch's
    /// changes to the links of its traces of that second (a <see cref="DependencyDeltas"/> block).
    /// </summary>
    public const byte TraceDependencyCount = 0x04;

    /// <summary>
    /// In a day partition: kind then the name's parts joined by 0, no value. Written once per
    /// partition a name is seen in, so a name expires with the last partition that holds it.
    /// </summary>
    public const byte ServiceName = 0x10, SpanName = 0x11, RemoteServiceName = 0x12, AutocompleteValue = 0x13;

    public static byte[] SpanRecordPrefix(ulong low)
    {
        var key = new byte[PrefixLength];
        key[0] = SpanRecord;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), low);
        return key;
    }

    public static void WriteSpanRecordKey(ByteWriter key, ulong low, ulong contentHash)
    {
        key.WriteByte(SpanRecord);
        key.WriteUInt64BigEndian(low);
        key.WriteUInt64BigEndian(contentHash);
    }

    public static void WriteIndexBlockKey(ByteWriter key, ulong term, long second, ulong contentHash)
    {
        key.WriteByte(IndexEntry);
        key.WriteUInt64BigEndian(term);
        key.WriteUInt64BigEndian(Invert(second));
        key.WriteUInt64BigEndian(contentHash);
    }

    /// <summary>The first block key of the term at or before second <paramref name="second"/> (newest first).</summary>
    public static byte[] IndexSeekKey(ulong term, long second)
    {
        var key = new byte[17];
        key[0] = IndexEntry;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), term);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(9), Invert(second));
        return key;
    }

    public const int IndexBlockKeyLength = 25;

    private static ulong Invert(long value) => ulong.MaxValue - (ulong)Math.Max(0, value);

    public static long SecondOfIndexBlockKey(ReadOnlySpan<byte> key) => (long)(ulong.MaxValue - BinaryPrimitives.ReadUInt64BigEndian(key.Slice(9, 8)));

    public static void WriteDependencyKey(ByteWriter key, uint minute, bool errors, string parent, string child)
    {
        key.WriteByte(DependencyCount);
        key.WriteUInt32BigEndian(minute);
        WriteLink(key, errors, parent, child);
    }

    public static byte[] DependencyBound(uint minute)
    {
        var key = new byte[5];
        key[0] = DependencyCount;
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1), minute);
        return key;
    }

    public static void WriteTraceDependencyKey(ByteWriter key, long second, ulong valueHash)
    {
        key.WriteByte(TraceDependencyCount);
        key.WriteUInt64BigEndian((ulong)second);
        key.WriteUInt64BigEndian(valueHash);
    }

    private static void WriteLink(ByteWriter key, bool errors, string parent, string child)
    {
        key.WriteByte(errors ? (byte)1 : (byte)0);
        key.WriteUtf8(parent);
        key.WriteByte(0);
        key.WriteUtf8(child);
    }

    public static byte[] TraceDependencyBound(long second)
    {
        var key = new byte[9];
        key[0] = TraceDependencyCount;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), (ulong)second);
        return key;
    }

    public static byte[] NameKey(byte kind, string first, string? second = null)
    {
        int n = 1 + Encoding.UTF8.GetByteCount(first) + (second is null ? 0 : 1 + Encoding.UTF8.GetByteCount(second));
        var key = new byte[n];
        key[0] = kind;
        int at = 1 + Encoding.UTF8.GetBytes(first, key.AsSpan(1));
        if (second is not null)
        {
            key[at++] = 0;
            Encoding.UTF8.GetBytes(second, key.AsSpan(at));
        }
        return key;
    }

    /// <summary>Splits a name key's parts back out: (first, second or null).</summary>
    public static (string First, string? Second) ParseNameKey(ReadOnlySpan<byte> key)
    {
        var rest = key[1..];
        int zero = rest.IndexOf((byte)0);
        if (zero < 0) return (Encoding.UTF8.GetString(rest), null);
        return (Encoding.UTF8.GetString(rest[..zero]), Encoding.UTF8.GetString(rest[(zero + 1)..]));
    }
}

/// <summary>
/// 64-bit FNV-1a: stable across processes and machines (string.GetHashCode is not), cheap for the
/// short names it hashes. A collision only costs a wasted candidate, as every search re-checks spans.
/// </summary>
internal static class StableHash
{
    private const ulong Offset = 14695981039346656037UL, Prime = 1099511628211UL;

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        ulong h = Offset;
        foreach (byte b in bytes)
        {
            h ^= b;
            h *= Prime;
        }
        return h;
    }

    /// <summary>Hashes a kind byte and UTF-8 parts separated by 0 (names cannot contain 0 in practice; if one does, the re-check catches it).</summary>
    public static ulong Term(byte kind, string part1, string? part2 = null, string? part3 = null)
    {
        ulong h = Offset;
        h = (h ^ kind) * Prime;
        h = Mix(h, part1);
        if (part2 is not null) h = Mix((h ^ 0) * Prime, part2);
        if (part3 is not null) h = Mix((h ^ 0) * Prime, part3);
        return h;
    }

    private static ulong Mix(ulong h, string s)
    {
        Span<byte> buffer = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        byte[]? rented = max > buffer.Length ? new byte[max] : null;
        var target = rented ?? buffer;
        int n = Encoding.UTF8.GetBytes(s, target);
        foreach (byte b in target[..n])
        {
            h ^= b;
            h *= Prime;
        }
        return h;
    }
}
