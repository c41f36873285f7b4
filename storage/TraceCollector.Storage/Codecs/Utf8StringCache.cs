using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Turns UTF-8 bytes into strings, handing back the same instance for bytes seen recently. Service
/// names, span names, tag keys and many tag values repeat in every span of a batch, so this removes
/// most string allocations from decoding. Direct-mapped and lossy on purpose: a collision only costs
/// a miss, and lookups stay a hash and one vectorised compare.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Slots = 1024;
    private const int MaxCachedLength = 128;

    private readonly Entry[] _entries = new Entry[Slots];
    private readonly bool _normalizeNames;

    /// <param name="normalizeNames">True to hand back Zipkin's normalised name (lower case) instead of the text as sent.</param>
    public Utf8StringCache(bool normalizeNames) => _normalizeNames = normalizeNames;

    private struct Entry
    {
        public string? Raw;
        public string Value;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0) return "";
        if (utf8.Length > MaxCachedLength) return Convert(Encoding.UTF8.GetString(utf8));
        ref Entry entry = ref _entries[Hash(utf8) & (Slots - 1)];
        string? raw = entry.Raw;
        if (raw is not null && raw.Length == utf8.Length && Ascii.Equals(utf8, raw)) return entry.Value;
        raw = Encoding.UTF8.GetString(utf8);
        string value = Convert(raw);
        // Only ASCII entries are kept: for them byte length equals char length, which makes the compare above exact.
        if (raw.Length == utf8.Length)
        {
            entry.Raw = raw;
            entry.Value = value;
        }
        return value;
    }

    /// <summary>Applies this cache's conversion to text that did not come from bytes (unescaped JSON).</summary>
    public string FromString(string raw) => Convert(raw);

    private string Convert(string raw) => _normalizeNames ? NameNormalizer.Normalize(raw) ?? "" : raw;

    /// <summary>Hashes every byte, in 8-byte words, each step mixed so a difference anywhere reaches the low bits used as the slot.</summary>
    internal static uint Hash(ReadOnlySpan<byte> s)
    {
        ulong h = (ulong)s.Length;
        while (s.Length >= 8)
        {
            h = Mix(h ^ MemoryMarshal.Read<ulong>(s));
            s = s[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < s.Length; i++) tail |= (ulong)s[i] << (i * 8);
        h = Mix(h ^ tail);
        return (uint)(h ^ (h >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCD;
        h ^= h >> 29;
        return h;
    }
}
