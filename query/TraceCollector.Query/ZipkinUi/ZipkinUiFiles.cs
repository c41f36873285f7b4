using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using TraceCollector.Query.Http;

namespace TraceCollector.Query.ZipkinUi;

/// <summary>
/// The files of a Zipkin UI build, read once and kept in memory (a Lens build is a few MB and never
/// changes while we run). index.html gets a short cache and the configured base href; the hashed
/// assets a year, as Zipkin's server caches them.
/// </summary>
internal sealed partial class ZipkinUiFiles
{
    private const string IndexCacheControl = "max-age=60";
    private const string AssetCacheControl = "max-age=31536000";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly string[] CompressibleTypes = ["text/", "application/json", "application/javascript", "text/javascript", "image/svg+xml"];

    private readonly string _root;
    private readonly byte[] _index;
    private readonly ConcurrentDictionary<string, byte[]> _assets = new(StringComparer.Ordinal);

    public ZipkinUiFiles(string directory, string basePath)
    {
        _root = Path.GetFullPath(directory);
        string indexPath = Path.Combine(_root, "index.html");
        if (!File.Exists(indexPath))
        {
            throw new InvalidOperationException($"ZIPKIN_UI_DIR={directory} does not hold a Zipkin UI build: {indexPath} is missing");
        }
        string html = File.ReadAllText(indexPath);
        if (basePath != "/zipkin") html = BaseHref().Replace(html, $"<base href=\"{basePath}/\">", 1);
        _index = Encoding.UTF8.GetBytes(html);
    }

    public Task ServeIndexAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = IndexCacheControl;
        return ResponseBody.SendAsync(context, _index);
    }

    public Task ServeAssetAsync(HttpContext context, string relativePath)
    {
        // Misses are not remembered, so requests for made-up paths cannot grow the cache.
        if (!_assets.TryGetValue(relativePath, out var bytes) && (bytes = Read(relativePath)) is not null) _assets.TryAdd(relativePath, bytes);
        if (bytes is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        if (!ContentTypes.TryGetContentType(relativePath, out string? contentType)) contentType = "application/octet-stream";
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = AssetCacheControl;
        return IsCompressible(contentType) ? ResponseBody.SendAsync(context, bytes) : SendRawAsync(context, bytes);
    }

    // Only files under the build directory; a path that climbs out of it is simply not found.
    private byte[]? Read(string relativePath)
    {
        if (relativePath.Length == 0 || relativePath.Contains('\\')) return null;
        string full = Path.GetFullPath(Path.Combine(_root, relativePath));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full)) return null;
        return File.ReadAllBytes(full);
    }

    private static bool IsCompressible(string contentType)
    {
        foreach (string prefix in CompressibleTypes)
        {
            if (contentType.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static Task SendRawAsync(HttpContext context, byte[] bytes)
    {
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }

    [GeneratedRegex("<base href=\"[^\"]*\"\\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex BaseHref();
}
