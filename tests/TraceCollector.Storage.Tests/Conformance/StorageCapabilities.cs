namespace TraceCollector.Storage.Tests.Conformance;

/// <summary>
/// What a backend cannot do, each with the reason why. Every property is an opt-out and null means
/// "supported", so a backend added later runs the whole suite until someone excuses it in writing.
/// An excused test still runs: it checks the weaker promise that remains (nothing lost) and prints
/// the reason in the test output.
/// </summary>
public sealed record StorageCapabilities
{
    public static StorageCapabilities Full { get; } = new();

    /// <summary>Reads may return an exact duplicate span more than once (no de-duplication on write or read).</summary>
    public string? KeepsExactDuplicates { get; init; }

    /// <summary>FindTracesAsync returns matching traces in no particular order, and not necessarily the newest ones.</summary>
    public string? UnorderedSearchResults { get; init; }

    /// <summary>
    /// Dependency links are aggregated per time bucket (a minute, or a UTC day as Zipkin's Cassandra
    /// schema does), so a window selects whole buckets: links from just outside it may be counted.
    /// Windows a day or more away from the data must still leave it out.
    /// </summary>
    public string? CoarseDependencyWindows { get; init; }

    /// <summary>Retention cannot be driven by <see cref="StorageOptions.Clock"/> (e.g. a server-side TTL).</summary>
    public string? RetentionIgnoresClock { get; init; }

    /// <summary>Service, span, remote service names and autocomplete values stay listed after their spans expired.</summary>
    public string? NamesOutliveRetention { get; init; }
}
