using TraceCollector.TestSupport;

namespace TraceCollector.Collector.Tests.Reporters.Support;

/// <summary>
/// Where the non-.NET reporters and their runtimes are, and the message that says how to install each.
/// test.sh and .ci/run install them; a test that finds one missing fails with that message.
/// </summary>
internal static class NonDotNetReporters
{
    public const string OptOutVariable = "SKIP_NON_DOTNET_REPORTER_TESTS";

    public static bool OptedOut => string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "true", StringComparison.OrdinalIgnoreCase);

    public static string OptOutReason => $"{OptOutVariable}=true: the py_zipkin, zipkin-js and OpenTelemetry JS reporter tests were skipped";

    private static string HowToInstall(string what) =>
        $"{what}; run ./test.sh (it installs what is missing) or .ci/run, or set {OptOutVariable}=true to skip the non-.NET reporter tests";

    /// <summary>py_zipkin comes from Debian (python3-py-zipkin), so it is Debian's python, not a python on PATH, that can import it.</summary>
    private static string PyZipkinPython()
    {
        const string python = "/usr/bin/python3", package = "/usr/lib/python3/dist-packages/py_zipkin";
        if (!File.Exists(python) || !Directory.Exists(package))
            throw new InvalidOperationException(HowToInstall($"py_zipkin is not installed ({package} missing): apt-get install python3-py-zipkin"));
        return python;
    }

    private static string Node()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "node");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(HowToInstall("node is not on PATH: apt-get install nodejs (20 or later)"));
    }

    /// <summary>
    /// The node_modules that npm ci made from the committed package-lock.json, outside the source tree.
    /// test.sh keeps a copy of the lock it installed from beside it, so a changed lock is caught here
    /// instead of running the tests against other versions than the ones committed.
    /// </summary>
    private static string JsNodeModules()
    {
        string source = Path.Combine(RepoPaths.RepositoryRoot, "tests", "TraceCollector.Collector.Tests", "Reporters", "js");
        string installed = Path.Combine(RepoPaths.RepositoryRoot, "tests", "TraceCollector.Collector.Tests", "obj", "js-reporters");
        string modules = Path.Combine(installed, "node_modules");
        string npmCi = $"(cd {installed} && npm ci), after copying {source}/package.json and package-lock.json there";
        if (!Directory.Exists(modules))
            throw new InvalidOperationException(HowToInstall($"the JS reporter packages are not installed ({modules} missing): {npmCi}"));
        string installedLock = Path.Combine(installed, "package-lock.json");
        if (!File.Exists(installedLock) || File.ReadAllText(installedLock) != File.ReadAllText(Path.Combine(source, "package-lock.json")))
            throw new InvalidOperationException(HowToInstall($"the JS reporter packages in {installed} were not installed from the committed package-lock.json: {npmCi}"));
        return modules;
    }

    /// <summary>Runs Reporters/python/<paramref name="script"/> with Debian's python; returns its stdout.</summary>
    public static Task<string> RunPyZipkinScriptAsync(string script, params string[] arguments) =>
        ReporterProcess.RunAsync(PyZipkinPython(), [Script("python", script), .. arguments]);

    /// <summary>Runs Reporters/js/<paramref name="script"/> with node, resolving packages from the npm ci install; returns its stdout.</summary>
    public static Task<string> RunNodeScriptAsync(string script, params string[] arguments) =>
        ReporterProcess.RunAsync(Node(), [Script("js", script), .. arguments], new Dictionary<string, string> { ["NODE_PATH"] = JsNodeModules() });

    /// <summary>A script copied beside the tests (Reporters/python, Reporters/js).</summary>
    private static string Script(string folder, string file) => Path.Combine(AppContext.BaseDirectory, "Reporters", folder, file);
}
