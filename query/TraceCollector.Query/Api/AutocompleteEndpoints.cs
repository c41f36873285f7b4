using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.Api;

/// <summary>GET /autocompleteKeys and /autocompleteValues: the AUTOCOMPLETE_KEYS and the values stored for them.</summary>
internal sealed class AutocompleteEndpoints
{
    private readonly IAutocompleteReader _autocomplete;
    private readonly QueryOptions _options;
    private readonly NameCachePolicy _cache;

    public AutocompleteEndpoints(IAutocompleteReader autocomplete, QueryOptions options, NameCachePolicy cache)
    {
        _autocomplete = autocomplete;
        _options = options;
        _cache = cache;
    }

    public void Map(IEndpointRouteBuilder api, QueryExecution execution)
    {
        api.MapGet("/autocompleteKeys", execution.Handle(KeysAsync));
        api.MapGet("/autocompleteValues", execution.Handle(ValuesAsync));
    }

    private async Task KeysAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var keys = await _autocomplete.GetKeysAsync(cancellationToken);
        _cache.ApplyAlways(context.Response);
        await JsonResponse.WriteStringsAsync(context, Sorted(keys));
    }

    private async Task ValuesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        string key = QueryParameters.Required(context.Request, "key");
        var values = _options.SearchEnabled && key.Length > 0
            ? await _autocomplete.GetValuesAsync(key, cancellationToken)
            : Array.Empty<string>();
        _cache.ApplyToValues(context.Response, values.Count);
        await JsonResponse.WriteStringsAsync(context, values);
    }

    private static IReadOnlyList<string> Sorted(IReadOnlyList<string> keys)
    {
        for (int i = 1; i < keys.Count; i++)
        {
            if (string.CompareOrdinal(keys[i - 1], keys[i]) > 0)
            {
                var copy = keys.ToArray();
                Array.Sort(copy, StringComparer.Ordinal);
                return copy;
            }
        }
        return keys;
    }
}
