namespace TraceCollector.Analysis.Aggregation;

/// <summary>p50, p90 and p99 of a set of microsecond figures, by the nearest-rank method (always an observed value).</summary>
public readonly record struct Percentiles(long P50, long P90, long P99)
{
    /// <summary>Sorts <paramref name="values"/> in place.</summary>
    public static Percentiles Of(Span<long> values)
    {
        if (values.IsEmpty) return default;
        values.Sort();
        return new Percentiles(Rank(values, 50), Rank(values, 90), Rank(values, 99));
    }

    private static long Rank(ReadOnlySpan<long> sorted, int percent)
    {
        // ceil(p/100 · n) as a 1-based rank.
        int rank = (int)((percent * (long)sorted.Length + 99) / 100);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

/// <summary>Collects figures per key, then summarises them.</summary>
internal sealed class FigureCollector<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, List<long>> _figures = new();

    public void Add(TKey key, long value)
    {
        if (!_figures.TryGetValue(key, out var list)) _figures[key] = list = new List<long>();
        list.Add(value);
    }

    public IEnumerable<KeyValuePair<TKey, List<long>>> Entries => _figures;
}
