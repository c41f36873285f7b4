namespace TraceCollector.Storage;

/// <summary>Settings every backend honours, named after Zipkin's environment variables.</summary>
public sealed record StorageOptions
{
    /// <summary>STRICT_TRACE_ID: when false, traces are grouped and looked up by the low 64 bits of their id.</summary>
    public bool StrictTraceId { get; init; } = true;

    /// <summary>SEARCH_ENABLED: when false nothing is indexed and searches and name lists return nothing.</summary>
    public bool SearchEnabled { get; init; } = true;

    /// <summary>AUTOCOMPLETE_KEYS: the tag keys whose values are indexed for autocomplete.</summary>
    public IReadOnlyList<string> AutocompleteKeys { get; init; } = Array.Empty<string>();

    /// <summary>
    /// STORAGE_TTL: how long spans are kept after they were accepted. Zero or negative (or
    /// <see cref="Timeout.InfiniteTimeSpan"/>) keeps them until evicted for space.
    /// </summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The clock retention is measured by. Tests pass a manual one to expire data without waiting;
    /// a backend must take "now" from here, never from <see cref="DateTimeOffset.UtcNow"/>.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
