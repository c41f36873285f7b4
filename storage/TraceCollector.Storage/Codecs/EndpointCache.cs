using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Remembers the endpoint decoded from a run of encoded bytes. A batch carries the same one or two
/// endpoints in nearly every span, so a hit skips address parsing and the allocations of a new
/// <see cref="Endpoint"/>; the model's endpoints are immutable, so spans can share one instance.
/// </summary>
internal sealed class EndpointCache
{
    private const int Slots = 128;
    private const int MaxKeyLength = 512;

    private readonly Entry[] _entries = new Entry[Slots];

    private struct Entry
    {
        public byte[]? Key;
        public Endpoint? Value;
    }

    public bool TryGet(ReadOnlySpan<byte> encoded, out Endpoint? endpoint)
    {
        ref Entry entry = ref _entries[Utf8StringCache.Hash(encoded) & (Slots - 1)];
        if (entry.Key is not null && encoded.SequenceEqual(entry.Key))
        {
            endpoint = entry.Value;
            return true;
        }
        endpoint = null;
        return false;
    }

    public void Add(ReadOnlySpan<byte> encoded, Endpoint? endpoint)
    {
        if (encoded.Length > MaxKeyLength) return;
        ref Entry entry = ref _entries[Utf8StringCache.Hash(encoded) & (Slots - 1)];
        entry.Key = encoded.ToArray();
        entry.Value = endpoint;
    }
}
