using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace TraceCollector.Ui;

/// <summary>The UI's files, read once from the assembly with their ETag and a gzip copy, so serving one is a lookup.</summary>
internal sealed class UiAssets
{
    public sealed record Asset(string Path, byte[] Content, byte[]? Gzipped, string ContentType, string ETag);

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    public UiAssets()
    {
        var assembly = typeof(UiAssets).Assembly;
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("ui/", StringComparison.Ordinal)) continue;
            string path = name["ui/".Length..].Replace('\\', '/');
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            byte[] content = memory.ToArray();
            string etag = "\"" + Convert.ToHexString(SHA256.HashData(content).AsSpan(0, 8)).ToLowerInvariant() + "\"";
            string type = ContentTypeOf(path);
            byte[]? gzipped = type.StartsWith("text/", StringComparison.Ordinal) || type.Contains("javascript") || type.Contains("svg") ? Gzip(content) : null;
            _assets[path] = new Asset(path, content, gzipped, type, etag);
        }
    }

    public bool TryGet(string path, out Asset asset) => _assets.TryGetValue(path, out asset!);

    public IReadOnlyCollection<string> Paths => _assets.Keys;

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize)) gzip.Write(content);
        return output.ToArray();
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
