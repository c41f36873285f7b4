namespace TraceCollector.Cql.Cluster;

/// <summary>
/// The Murmur3 token ring: each token a node owns, sorted. A key belongs to the first token at or
/// after its own (wrapping), and its further replicas are the next distinct nodes along the ring.
/// </summary>
public sealed class TokenRing
{
    private readonly long[] _tokens;
    private readonly CqlHost[] _owners;

    public TokenRing(IEnumerable<CqlHost> hosts)
    {
        var entries = new List<(long Token, CqlHost Host)>();
        foreach (var h in hosts) foreach (var t in h.Tokens) entries.Add((t, h));
        entries.Sort((a, b) => a.Token.CompareTo(b.Token));
        _tokens = entries.ConvertAll(e => e.Token).ToArray();
        _owners = entries.ConvertAll(e => e.Host).ToArray();
    }

    public bool IsEmpty => _tokens.Length == 0;

    /// <summary>Distinct nodes in ring order from the key's owner, keeping those <paramref name="accept"/> allows, at most <paramref name="max"/>.</summary>
    public List<CqlHost> Replicas(long token, Func<CqlHost, bool> accept, int max)
    {
        var result = new List<CqlHost>(Math.Min(max, 4));
        if (_tokens.Length == 0) return result;
        int start = Array.BinarySearch(_tokens, token);
        if (start < 0) start = ~start;
        for (int i = 0; i < _tokens.Length && result.Count < max; i++)
        {
            var host = _owners[(start + i) % _tokens.Length];
            if (accept(host) && !result.Contains(host)) result.Add(host);
        }
        return result;
    }
}
