using Microsoft.Extensions.Configuration;
using TraceCollector.Query.Configuration;

namespace TraceCollector.Query.Cors;

/// <summary>The browser origins allowed to call any route (ZIPKIN_QUERY_ALLOWED_ORIGINS, a comma list, default *).</summary>
public sealed class CorsPolicy
{
    private readonly HashSet<string> _origins;

    public CorsPolicy(IReadOnlyList<string> allowedOrigins)
    {
        AllowsAnyOrigin = allowedOrigins.Count == 0 || allowedOrigins.Contains("*");
        _origins = new HashSet<string>(allowedOrigins, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>With *, responses carry <c>access-control-allow-origin: *</c> and no <c>vary</c>.</summary>
    public bool AllowsAnyOrigin { get; }

    public bool Allows(string origin) => AllowsAnyOrigin || _origins.Contains(origin);

    public static CorsPolicy FromConfiguration(IConfiguration config) =>
        new(ZipkinSettings.GetList(config, "ZIPKIN_QUERY_ALLOWED_ORIGINS"));
}
