namespace TraceCollector.Storage;

/// <summary>
/// A trace search with the parameters and meaning of Zipkin's QueryRequest. Construct it through
/// <see cref="Create"/>, which normalises names and rejects what Zipkin rejects.
/// </summary>
public sealed partial record QueryRequest
{
    public string? ServiceName { get; init; }
    public string? RemoteServiceName { get; init; }
    public string? SpanName { get; init; }

    /// <summary>Parsed annotationQuery: tag key to required value, where an empty value means "a tag with this key or an annotation with this value".</summary>
    public IReadOnlyDictionary<string, string> AnnotationQuery { get; init; } = new Dictionary<string, string>();

    /// <summary>Microseconds, or null.</summary>
    public long? MinDuration { get; init; }

    /// <summary>Microseconds, or null; only valid with <see cref="MinDuration"/>.</summary>
    public long? MaxDuration { get; init; }

    /// <summary>Epoch milliseconds.</summary>
    public required long EndTs { get; init; }

    /// <summary>Milliseconds.</summary>
    public required long Lookback { get; init; }

    public required int Limit { get; init; }

    /// <summary>Start of the window in epoch microseconds.</summary>
    public long StartMicros => Math.Max(0, EndTs - Lookback) * 1000;

    /// <summary>End of the window in epoch microseconds.</summary>
    public long EndMicros => EndTs * 1000;

    /// <exception cref="ArgumentException">A parameter is out of range; the message names it.</exception>
    public static QueryRequest Create(string? serviceName, string? remoteServiceName, string? spanName, string? annotationQuery,
        long? minDuration, long? maxDuration, long endTs, long lookback, int limit)
    {
        if (endTs <= 0) throw new ArgumentException("endTs should be positive, in epoch milliseconds", nameof(endTs));
        if (lookback <= 0) throw new ArgumentException("lookback should be positive, in milliseconds", nameof(lookback));
        if (limit <= 0) throw new ArgumentException("limit should be positive", nameof(limit));
        if (minDuration is { } min && min <= 0) throw new ArgumentException("minDuration should be positive, in microseconds", nameof(minDuration));
        if (maxDuration is { } max)
        {
            if (minDuration is null) throw new ArgumentException("maxDuration is only valid with minDuration", nameof(maxDuration));
            if (max < minDuration) throw new ArgumentException("maxDuration should be >= minDuration", nameof(maxDuration));
        }
        string? span = Model.NameNormalizer.Normalize(spanName);
        return new QueryRequest
        {
            ServiceName = Model.NameNormalizer.Normalize(serviceName),
            RemoteServiceName = Model.NameNormalizer.Normalize(remoteServiceName),
            SpanName = span == "all" ? null : span,
            AnnotationQuery = ParseAnnotationQuery(annotationQuery),
            MinDuration = minDuration,
            MaxDuration = maxDuration,
            EndTs = endTs,
            Lookback = lookback,
            Limit = limit,
        };
    }

    /// <summary>
    /// Splits <c>error and http.method=GET</c> at the literal " and ": a term with '=' is a tag that
    /// must have that value (the later of two wins), a bare word matches a tag key or an annotation value.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseAnnotationQuery(string? annotationQuery)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(annotationQuery)) return result;
        // Zipkin reads at most 100 terms; the last one keeps whatever follows.
        foreach (var rawTerm in annotationQuery.Split(" and ", 100, StringSplitOptions.None))
        {
            string term = rawTerm.Trim();
            if (term.Length == 0) continue;
            int eq = term.IndexOf('=');
            if (eq < 0)
            {
                result.TryAdd(term, "");
                continue;
            }
            string key = term[..eq].Trim(), value = term[(eq + 1)..].Trim();
            if (key.Length == 0) continue;
            result[key] = value;
        }
        return result;
    }
}
