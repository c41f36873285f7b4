namespace TraceCollector.TestSupport;

/// <summary>Locates the repository and the shared test data (../shared beside the checkout) from a test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TraceCollector.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"TraceCollector.sln not found above {AppContext.BaseDirectory}");
    });

    public static string RepositoryRoot => Root.Value;

    /// <summary>A file of ../shared/testdata/zipkin (real Zipkin v2 traces).</summary>
    public static string ZipkinTestData(string fileName)
    {
        string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata", "zipkin", fileName));
        if (!File.Exists(path)) throw new FileNotFoundException($"shared test data missing: {path}", path);
        return path;
    }
}
