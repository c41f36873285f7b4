using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace TraceCollector.Ui;

/// <summary>
/// Serves the UI at /ui/: its files with ETags (revalidated, since their names carry no hash) and
/// index.html for the page routes, so a deep link such as /ui/traces/{id} opens the trace.
/// </summary>
public static class UiEndpoints
{
    // "/ui" and "/ui/" are both the catch-all with an empty path, answered below.
    private static readonly string[] PageRoutes = ["/ui/traces/{traceId}", "/ui/dependencies", "/ui/analysis"];

    /// <param name="redirectRoot">Also answer "/" with a redirect to /ui/ (off when another UI owns the root).</param>
    public static IEndpointRouteBuilder MapTraceCollectorUi(this IEndpointRouteBuilder endpoints, bool redirectRoot = true)
    {
        var assets = new UiAssets();
        if (!assets.TryGet("index.html", out var index)) throw new InvalidOperationException("the UI's index.html is not embedded in TraceCollector.Ui");
        foreach (string route in PageRoutes)
        {
            endpoints.MapGet(route, (HttpContext context) => Serve(context, index, "no-cache"));
        }
        endpoints.MapGet("/ui/{*path}", (HttpContext context, string? path) =>
        {
            if (string.IsNullOrEmpty(path))
            {
                // The page's relative links resolve against /ui/, so /ui is sent there first.
                return context.Request.Path.Value!.EndsWith('/') ? Serve(context, index, "no-cache") : Results.Redirect("/ui/");
            }
            return assets.TryGet(path, out var asset) ? Serve(context, asset, "public, max-age=300, must-revalidate") : Results.NotFound($"no UI file {path}");
        });
        if (redirectRoot) endpoints.MapGet("/", () => Results.Redirect("/ui/"));
        return endpoints;
    }

    private static IResult Serve(HttpContext context, UiAssets.Asset asset, string cacheControl)
    {
        var response = context.Response;
        response.Headers.CacheControl = cacheControl;
        response.Headers.ETag = asset.ETag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        if (asset.Gzipped is not null && context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(asset.Gzipped, asset.ContentType);
        }
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
