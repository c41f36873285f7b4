using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
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
/// A 64-bit hash that is stable across processes and machines (string.GetHashCode is not), over
/// eight bytes a step: it names index terms and tells records apart inside a key, and runs for every
/// span and term written. A collision only costs a wasted candidate, as every search re-checks spans.
/// </summary>
internal static class StableHash
{
    private const ulong Seed = 0x9E3779B97F4A7C15UL, Multiplier = 0xC2B2AE3D27D4EB4FUL;

    public static ulong Of(ReadOnlySpan<byte> bytes) => Finish(Absorb(Seed, bytes));

    /// <summary>
    /// The running state after a term's scope (its service, or "" for every trace); a term adds its
    /// kind and names to it with <see cref="Term"/>. Terms of one service share this first step.
    /// </summary>
    public static ulong Scope(string service) => Absorb(Seed, service);

    /// <summary>Hashes a kind byte and names onto a <see cref="Scope"/>; parts are length-delimited, so ("ab","c") and ("a","bc") differ.</summary>
    public static ulong Term(ulong scope, byte kind, string? part1 = null, string? part2 = null)
    {
        ulong h = Step(scope, kind);
        if (part1 is not null) h = Absorb(h, part1);
        if (part2 is not null) h = Absorb(h, part2);
        return Finish(h);
    }

    private static ulong Absorb(ulong h, string s) => Absorb(h, MemoryMarshal.AsBytes(s.AsSpan()));

    private static ulong Absorb(ulong h, ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8) h = Step(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i, 8)));
        ulong tail = 0;
        for (int shift = 0; i < bytes.Length; i++, shift += 8) tail |= (ulong)bytes[i] << shift;
        return Step(Step(h, tail), (ulong)bytes.Length);
    }

    private static ulong Step(ulong h, ulong word) => BitOperations.RotateLeft(h ^ (word * Multiplier), 31) * 0x9FB21C651E98DF25UL;

    // Murmur3's finaliser: every input bit reaches every output bit.
    private static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 33);
    }
}
