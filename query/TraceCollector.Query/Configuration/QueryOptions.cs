using Microsoft.Extensions.Configuration;

namespace TraceCollector.Query.Configuration;

/// <summary>How the query API behaves, from Zipkin's environment variable names.</summary>
public sealed record QueryOptions
{
    /// <summary>QUERY_ENABLED: when false the API routes are not mapped, so they answer 404 as in Zipkin.</summary>
    public bool QueryEnabled { get; init; } = true;

    /// <summary>QUERY_LOOKBACK: the default lookback of /traces and /dependencies, in milliseconds. Not a clamp.</summary>
    public long DefaultLookbackMillis { get; init; } = 86_400_000;

    /// <summary>QUERY_TIMEOUT: how long one query request may take; zero disables the limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(11);

    /// <summary>ZIPKIN_QUERY_NAMES_MAX_AGE: seconds a browser may cache the name lists once there are more than three services.</summary>
    public int NamesMaxAgeSeconds { get; init; } = 300;

    /// <summary>SEARCH_ENABLED: when false the search endpoints answer [] and the UI is told search is off.</summary>
    public bool SearchEnabled { get; init; } = true;

    public static QueryOptions FromConfiguration(IConfiguration config) => new()
    {
        QueryEnabled = ZipkinSettings.GetBool(config, "QUERY_ENABLED", true),
        DefaultLookbackMillis = ZipkinSettings.GetLong(config, "QUERY_LOOKBACK", 86_400_000, min: 1),
        Timeout = ZipkinSettings.GetDuration(config, "QUERY_TIMEOUT", TimeSpan.FromSeconds(11)),
        NamesMaxAgeSeconds = (int)ZipkinSettings.GetLong(config, "ZIPKIN_QUERY_NAMES_MAX_AGE", 300, min: 0),
        SearchEnabled = ZipkinSettings.GetBool(config, "SEARCH_ENABLED", true),
    };
}
