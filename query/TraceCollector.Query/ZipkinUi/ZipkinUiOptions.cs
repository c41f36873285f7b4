using Microsoft.Extensions.Configuration;
using TraceCollector.Query.Configuration;

namespace TraceCollector.Query.ZipkinUi;

/// <summary>
/// What the Zipkin (Lens) UI is told in /zipkin/config.json, from the ZIPKIN_UI_* variables of
/// Zipkin's server, and where a Zipkin UI build to serve lives (ZIPKIN_UI_DIR).
/// </summary>
public sealed record ZipkinUiOptions
{
    /// <summary>UI_ENABLED (default QUERY_ENABLED): config.json and the served UI.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>ZIPKIN_UI_DIR: a directory holding a Zipkin UI build (index.html and its assets), or null.</summary>
    public string? Directory { get; init; }

    /// <summary>ZIPKIN_UI_BASEPATH: the path the UI is reached at behind a proxy; index.html's base href follows it.</summary>
    public string BasePath { get; init; } = "/zipkin";

    public string Environment { get; init; } = "";
    public int QueryLimit { get; init; } = 10;
    public long DefaultLookback { get; init; } = 900_000;
    public bool SearchEnabled { get; init; } = true;
    public string? LogsUrl { get; init; }
    public string? SupportUrl { get; init; }
    public string? ArchivePostUrl { get; init; }
    public string? ArchiveUrl { get; init; }
    public bool DependencyEnabled { get; init; } = true;
    public double DependencyLowErrorRate { get; init; } = 0.5;
    public double DependencyHighErrorRate { get; init; } = 0.75;

    public static ZipkinUiOptions FromConfiguration(IConfiguration config, QueryOptions query) => new()
    {
        Enabled = ZipkinSettings.GetBool(config, "UI_ENABLED", query.QueryEnabled),
        Directory = ZipkinSettings.GetString(config, "ZIPKIN_UI_DIR"),
        BasePath = (ZipkinSettings.GetString(config, "ZIPKIN_UI_BASEPATH") ?? "/zipkin").TrimEnd('/'),
        Environment = ZipkinSettings.GetString(config, "ZIPKIN_UI_ENVIRONMENT") ?? "",
        QueryLimit = (int)ZipkinSettings.GetLong(config, "ZIPKIN_UI_QUERY_LIMIT", 10, min: 1),
        DefaultLookback = ZipkinSettings.GetLong(config, "ZIPKIN_UI_DEFAULT_LOOKBACK", 900_000, min: 1),
        SearchEnabled = query.SearchEnabled && ZipkinSettings.GetBool(config, "ZIPKIN_UI_SEARCH_ENABLED", true),
        LogsUrl = ZipkinSettings.GetString(config, "ZIPKIN_UI_LOGS_URL"),
        SupportUrl = ZipkinSettings.GetString(config, "ZIPKIN_UI_SUPPORT_URL"),
        ArchivePostUrl = ZipkinSettings.GetString(config, "ZIPKIN_UI_ARCHIVE_POST_URL"),
        ArchiveUrl = ZipkinSettings.GetString(config, "ZIPKIN_UI_ARCHIVE_URL"),
        DependencyEnabled = ZipkinSettings.GetBool(config, "ZIPKIN_UI_DEPENDENCY_ENABLED", true),
        DependencyLowErrorRate = ZipkinSettings.GetDouble(config, "ZIPKIN_UI_DEPENDENCY_LOW_ERROR_RATE", 0.5),
        DependencyHighErrorRate = ZipkinSettings.GetDouble(config, "ZIPKIN_UI_DEPENDENCY_HIGH_ERROR_RATE", 0.75),
    };
}
