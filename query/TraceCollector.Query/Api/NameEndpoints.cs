using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TraceCollector.Model;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.Api;

/// <summary>GET /services, /spans and /remoteServices: the names the search form offers.</summary>
internal sealed class NameEndpoints
{
    private readonly INameReader _names;
    private readonly QueryOptions _options;
    private readonly NameCachePolicy _cache;

    public NameEndpoints(INameReader names, QueryOptions options, NameCachePolicy cache)
    {
        _names = names;
        _options = options;
        _cache = cache;
    }

    public void Map(IEndpointRouteBuilder api, QueryExecution execution)
    {
        api.MapGet("/services", execution.Handle(ServicesAsync));
        api.MapGet("/spans", execution.Handle(SpanNamesAsync));
        api.MapGet("/remoteServices", execution.Handle(RemoteServicesAsync));
    }

    private async Task ServicesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var services = _options.SearchEnabled ? await _names.GetServiceNamesAsync(cancellationToken) : Array.Empty<string>();
        _cache.ObserveServiceCount(services.Count);
        _cache.ApplyToNames(context.Response);
        await JsonResponse.WriteStringsAsync(context, services);
    }

    private Task SpanNamesAsync(HttpContext context, CancellationToken cancellationToken) =>
        NamesOfServiceAsync(context, _names.GetSpanNamesAsync, cancellationToken);

    private Task RemoteServicesAsync(HttpContext context, CancellationToken cancellationToken) =>
        NamesOfServiceAsync(context, _names.GetRemoteServiceNamesAsync, cancellationToken);

    private async Task NamesOfServiceAsync(HttpContext context, Func<string, CancellationToken, ValueTask<IReadOnlyList<string>>> read,
        CancellationToken cancellationToken)
    {
        string? serviceName = NameNormalizer.Normalize(QueryParameters.Required(context.Request, "serviceName").Trim());
        var names = _options.SearchEnabled && serviceName is not null ? await read(serviceName, cancellationToken) : Array.Empty<string>();
        _cache.ApplyToNames(context.Response);
        await JsonResponse.WriteStringsAsync(context, names);
    }
}
