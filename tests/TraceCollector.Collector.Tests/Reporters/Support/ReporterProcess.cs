using System.Diagnostics;
using System.Text;

namespace TraceCollector.Collector.Tests.Reporters.Support;

/// <summary>Runs a reporter program to its exit and returns what it printed on stdout.</summary>
internal static class ReporterProcess
{
    // Generous: the reporters finish in about a second; the bound is only there so a hung one fails the test instead of the run.
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromMinutes(2);

    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null) foreach (var (key, value) in environment) start.Environment[key] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Describe(start)} did not exit within {ExitTimeout.TotalSeconds} s; stderr:\n{stderr}");
        }
        // The parameterless wait returns only once both redirected streams have been read to their end.
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Describe(start)} exited with {process.ExitCode}; stderr:\n{stderr}\nstdout:\n{stdout}");
        return stdout.ToString();
    }

    private static string Describe(ProcessStartInfo start) => $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
}
