using System.Buffers.Binary;

namespace TraceCollector.Cql.Cluster;

/// <summary>
/// The token of Cassandra's Murmur3Partitioner: the first 64 bits of MurmurHash3 x64_128 (seed 0) of
/// the serialised partition key. Cassandra's tail step sign-extends each byte (Java bytes are
/// signed), so keys whose length is not a multiple of 16 hash differently from the reference
/// MurmurHash3; that quirk is reproduced here. Long.MinValue is reserved, so it maps to MaxValue.
/// </summary>
public static class Murmur3Token
{
    private const ulong C1 = 0x87c37b91114253d5UL;
    private const ulong C2 = 0x4cf5ad432745937fUL;

    public static long Compute(ReadOnlySpan<byte> key)
    {
        ulong h1 = 0, h2 = 0;
        int blocks = key.Length / 16;
        for (int i = 0; i < blocks; i++)
        {
            ulong k1 = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i * 16));
            ulong k2 = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i * 16 + 8));
            k1 *= C1; k1 = ulong.RotateLeft(k1, 31); k1 *= C2; h1 ^= k1;
            h1 = ulong.RotateLeft(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
            k2 *= C2; k2 = ulong.RotateLeft(k2, 33); k2 *= C1; h2 ^= k2;
            h2 = ulong.RotateLeft(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
        }

        var tail = key[(blocks * 16)..];
        ulong t1 = 0, t2 = 0;
        for (int i = tail.Length - 1; i >= 8; i--) t2 ^= (ulong)(long)(sbyte)tail[i] << ((i - 8) * 8);
        for (int i = Math.Min(tail.Length, 8) - 1; i >= 0; i--) t1 ^= (ulong)(long)(sbyte)tail[i] << (i * 8);
        if (tail.Length > 8)
        {
            t2 *= C2; t2 = ulong.RotateLeft(t2, 33); t2 *= C1; h2 ^= t2;
        }
        if (tail.Length > 0)
        {
            t1 *= C1; t1 = ulong.RotateLeft(t1, 31); t1 *= C2; h1 ^= t1;
        }

        h1 ^= (ulong)key.Length;
        h2 ^= (ulong)key.Length;
        h1 += h2;
        h2 += h1;
        h1 = Mix(h1);
        h2 = Mix(h2);
        h1 += h2;
        long token = (long)h1;
        return token == long.MinValue ? long.MaxValue : token;
    }

    private static ulong Mix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }

    /// <summary>
    /// The partition key bytes as Cassandra hashes them: a single component as is; a composite key as
    /// each component's [short] length, bytes and a 0 end-of-component byte.
    /// </summary>
    public static byte[] RoutingKey(IReadOnlyList<byte[]> components)
    {
        if (components.Count == 1) return components[0];
        int size = 0;
        foreach (var c in components) size += 3 + c.Length;
        var key = new byte[size];
        int at = 0;
        foreach (var c in components)
        {
            BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(at), (ushort)c.Length);
            c.CopyTo(key, at + 2);
            at += 2 + c.Length;
            key[at++] = 0;
        }
        return key;
    }
}
