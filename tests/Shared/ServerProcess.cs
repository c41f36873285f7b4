using System.Diagnostics;
using System.Text;

namespace TraceCollector.TestSupport;

/// <summary>
/// Runs one of our servers (TraceCollector.Server.dll or TraceCollector.QueryServer.dll, copied beside
/// the test assembly by its project reference) as a real child process on a free port, and waits
/// until /health answers. What the process printed is kept for failure messages.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null, string assembly = "TraceCollector.Server.dll")
    {
        int port = FreePort.Next();
        string path = Path.Combine(AppContext.BaseDirectory, assembly);
        if (!File.Exists(path)) throw new FileNotFoundException($"{assembly} is not beside the tests; reference its project", path);
        string host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            ArgumentList = { "exec", path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["QUERY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_URLS"] = "";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {assembly}");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the server exited with {_process.ExitCode} before it was healthy:\n{Output}");
            try
            {
                using var response = await probe.GetAsync("health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer under load.
            }
            // Polling a condition (the port answering), not waiting for time to pass: the pause only spaces out the probes.
            await Task.Delay(100);
        }
        throw new TimeoutException($"the server was not healthy after {timeout.TotalSeconds} s:\n{Output}");
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
}
