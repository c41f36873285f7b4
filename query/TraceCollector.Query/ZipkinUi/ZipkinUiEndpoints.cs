using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TraceCollector.Query.Http;

namespace TraceCollector.Query.ZipkinUi;

/// <summary>
/// /zipkin/config.json, and when ZIPKIN_UI_DIR names a Zipkin UI build, that UI at /zipkin/ with
/// index.html for its page routes, as Zipkin's server serves Lens.
/// </summary>
internal static class ZipkinUiEndpoints
{
    private const string ConfigCacheControl = "max-age=600";

    // Below every other "/" mapping: when our own UI claims the root, it wins.
    private const int RootRedirectOrder = 1000;

    public static void Map(IEndpointRouteBuilder endpoints, ZipkinUiOptions options)
    {
        endpoints.MapGet("/zipkin/config.json", context =>
        {
            context.Response.Headers.CacheControl = ConfigCacheControl;
            return JsonResponse.WriteAsync(context, options, WriteConfig);
        });
        if (options.Directory is null) return;

        var files = new ZipkinUiFiles(options.Directory, options.BasePath);
        endpoints.MapGet("/", Redirect("/zipkin/")).WithOrder(RootRedirectOrder);
        endpoints.MapGet("/favicon.ico", Redirect("/zipkin/favicon.ico")).WithOrder(RootRedirectOrder);
        // Routing treats /zipkin and /zipkin/ as one route; only the form without the slash is redirected.
        var toSlash = Redirect("/zipkin/");
        endpoints.MapGet("/zipkin", context => context.Request.Path.Value!.EndsWith('/') ? files.ServeIndexAsync(context) : toSlash(context));
        foreach (string page in new[] { "/zipkin/index.html", "/zipkin/traces/{traceId}", "/zipkin/dependency", "/zipkin/traceViewer" })
        {
            endpoints.MapGet(page, files.ServeIndexAsync);
        }
        endpoints.MapGet("/zipkin/{**asset}", context => files.ServeAssetAsync(context, context.Request.RouteValues["asset"] as string ?? ""));
    }

    private static RequestDelegate Redirect(string location) => context =>
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    };

    // Lens replaces any missing or falsy key with its own default, so every key is always written.
    private static void WriteConfig(Utf8JsonWriter writer, ZipkinUiOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("environment", options.Environment);
        writer.WriteNumber("queryLimit", options.QueryLimit);
        writer.WriteNumber("defaultLookback", options.DefaultLookback);
        writer.WriteBoolean("searchEnabled", options.SearchEnabled);
        WriteUrl(writer, "logsUrl", options.LogsUrl);
        WriteUrl(writer, "supportUrl", options.SupportUrl);
        WriteUrl(writer, "archivePostUrl", options.ArchivePostUrl);
        WriteUrl(writer, "archiveUrl", options.ArchiveUrl);
        writer.WriteStartObject("dependency");
        writer.WriteBoolean("enabled", options.DependencyEnabled);
        writer.WriteNumber("lowErrorRate", options.DependencyLowErrorRate);
        writer.WriteNumber("highErrorRate", options.DependencyHighErrorRate);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteUrl(Utf8JsonWriter writer, string name, string? url)
    {
        if (url is null) writer.WriteNull(name);
        else writer.WriteString(name, url);
    }
}
