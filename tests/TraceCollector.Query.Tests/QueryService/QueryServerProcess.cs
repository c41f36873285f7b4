using System.Diagnostics;
using System.Text;
using TraceCollector.TestSupport;

namespace TraceCollector.Query.Tests.QueryService;

/// <summary>
/// The separate query service (query/TraceCollector.QueryServer) run as its own process, exactly
/// as deployed: its Program.cs composition, configured only through environment variables.
/// </summary>
internal sealed class QueryServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private QueryServerProcess(Process process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    public HttpClient Client { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<QueryServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        int port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "TraceCollector.QueryServer.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["QUERY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the query service");
        var server = new QueryServerProcess(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing with the service's output after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (_process.HasExited) throw new InvalidOperationException($"the query service exited ({_process.ExitCode}) while waiting for {what}:\n{Output}");
            if (deadline.Elapsed > timeout) throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private Task WaitUntilListeningAsync() => WaitUntilAsync(async () =>
    {
        try
        {
            using var response = await Client.GetAsync("health");
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, StartTimeout, "the query service to listen");

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
