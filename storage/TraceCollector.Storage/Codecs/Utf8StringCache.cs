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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Hash(ReadOnlySpan<byte> s)
    {
        const ulong K = 0x9E3779B97F4A7C15;
        ulong h = (ulong)s.Length * K;
        if (s.Length >= 8)
        {
            h = (h ^ MemoryMarshal.Read<ulong>(s)) * K;
            h = (h ^ MemoryMarshal.Read<ulong>(s[^8..])) * K;
            if (s.Length > 16) h = (h ^ MemoryMarshal.Read<ulong>(s.Slice(s.Length / 2 - 4, 8))) * K;
        }
        else
        {
            foreach (byte b in s) h = (h ^ b) * K;
        }
        return (uint)(h >> 32) ^ (uint)h;
    }
}
