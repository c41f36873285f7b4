using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// A string hash for the write path's dictionaries, whose keys are tuples of names. A tuple hashes
/// its strings with string.GetHashCode (Marvin), which showed up in the profile of every write; this
/// takes eight bytes a step, seeded per process so that crafted names cannot pile into one bucket.
/// </summary>
internal static class NameHash
{
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    public static ulong Add(ulong h, string? s)
    {
        if (s is null) return Step(h, 0x9E37_79B9_7F4A_7C15UL);
        var bytes = MemoryMarshal.AsBytes(s.AsSpan());
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8) h = Step(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i, 8)));
        ulong tail = (ulong)bytes.Length << 56;
        for (int shift = 0; i < bytes.Length; i++, shift += 8) tail ^= (ulong)bytes[i] << shift;
        return Step(h, tail);
    }

    public static ulong Start(ulong value) => Step(Seed, value);

    public static int Finish(ulong h)
    {
        h ^= h >> 29;
        h *= 0xBF58_476D_1CE4_E5B9UL;
        return (int)(h ^ (h >> 32));
    }

    private static ulong Step(ulong h, ulong word) => BitOperations.RotateLeft(h ^ (word * 0xC2B2_AE3D_27D4_EB4FUL), 31) * 0x9FB2_1C65_1E98_DF25UL;
}

/// <summary>(parent, child) links.</summary>
internal sealed class LinkComparer : IEqualityComparer<(string, string)>
{
    public static readonly LinkComparer Instance = new();

    public bool Equals((string, string) x, (string, string) y) => string.Equals(x.Item1, y.Item1) && string.Equals(x.Item2, y.Item2);

    public int GetHashCode((string, string) key) => NameHash.Finish(NameHash.Add(NameHash.Add(NameHash.Start(0), key.Item1), key.Item2));
}

/// <summary>(minute, parent, child) counters.</summary>
internal sealed class MinuteLinkComparer : IEqualityComparer<(uint, string, string)>
{
    public static readonly MinuteLinkComparer Instance = new();

    public bool Equals((uint, string, string) x, (uint, string, string) y) =>
        x.Item1 == y.Item1 && string.Equals(x.Item2, y.Item2) && string.Equals(x.Item3, y.Item3);

    public int GetHashCode((uint, string, string) key) => NameHash.Finish(NameHash.Add(NameHash.Add(NameHash.Start(key.Item1), key.Item2), key.Item3));
}

/// <summary>(kind, first, second) catalog names.</summary>
internal sealed class NameKeyComparer : IEqualityComparer<(byte, string, string?)>
{
    public static readonly NameKeyComparer Instance = new();

    public bool Equals((byte, string, string?) x, (byte, string, string?) y) =>
        x.Item1 == y.Item1 && string.Equals(x.Item2, y.Item2) && string.Equals(x.Item3, y.Item3);

    public int GetHashCode((byte, string, string?) key) => NameHash.Finish(NameHash.Add(NameHash.Add(NameHash.Start(key.Item1), key.Item2), key.Item3));
}
