using Microsoft.AspNetCore.Http;

namespace TraceCollector.Query.Api;

/// <summary>
/// Zipkin lets browsers cache the name lists only once a site has more than three services: a
/// fresh install still shows each new service as soon as it reports. The last /services answer decides.
/// </summary>
internal sealed class NameCachePolicy
{
    private const int CacheableAbove = 3;
    private readonly string _cacheControl;
    private volatile bool _namesCacheable;

    public NameCachePolicy(int maxAgeSeconds) => _cacheControl = $"max-age={maxAgeSeconds}, must-revalidate";

    public void ObserveServiceCount(int count) => _namesCacheable = count > CacheableAbove;

    public void ApplyToNames(HttpResponse response)
    {
        if (_namesCacheable) response.Headers.CacheControl = _cacheControl;
    }

    public void ApplyAlways(HttpResponse response) => response.Headers.CacheControl = _cacheControl;

    public void ApplyToValues(HttpResponse response, int valueCount)
    {
        if (valueCount > CacheableAbove) response.Headers.CacheControl = _cacheControl;
    }
}
