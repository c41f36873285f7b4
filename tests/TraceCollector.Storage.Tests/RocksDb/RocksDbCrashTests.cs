using System.Diagnostics;
using TraceCollector.Model;
using TraceCollector.Storage.RocksDb;

namespace TraceCollector.Storage.Tests.RocksDb;

/// <summary>A writer killed with SIGKILL mid-stream: everything it acknowledged must be there after a restart.</summary>
public sealed class RocksDbCrashTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task EveryAcknowledgedBatchSurvivesSigkillAndTheStoreReopensCleanly()
    {
        string store = _dir.Sub("store");
        long lastAck = 0;
        var enoughAcks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashWriterProgram).Assembly.Location);
        start.ArgumentList.Add(CrashWriterProgram.Command);
        start.ArgumentList.Add(store);
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var reader = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("ack ", StringComparison.Ordinal)) continue;
                long n = long.Parse(line.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
                Interlocked.Exchange(ref lastAck, n);
                if (n >= 50) enoughAcks.TrySetResult();
            }
            enoughAcks.TrySetException(new InvalidOperationException("crash writer exited early: " + await stderr));
        });

        await enoughAcks.Task.WaitAsync(TimeSpan.FromMinutes(2));
        child.Kill(); // SIGKILL on Unix: no flush, no dispose
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await reader.WaitAsync(TimeSpan.FromMinutes(1)); // every "ack" printed before the kill has been read
        long acknowledged = Interlocked.Read(ref lastAck);
        Assert.True(acknowledged >= 50);

        await using var reopened = RocksDbStorage.Open(store, new StorageOptions());
        for (ulong batch = 1; batch <= (ulong)acknowledged; batch++)
        {
            var trace = await reopened.GetTraceAsync(new TraceId(0, batch));
            Assert.True(trace.Count == CrashWriterProgram.SpansPerBatch, $"acknowledged batch {batch} has {trace.Count} spans after the crash");
        }
        // The batch in flight at the kill is all or nothing.
        int inFlight = (await reopened.GetTraceAsync(new TraceId(0, (ulong)acknowledged + 1))).Count;
        Assert.True(inFlight == 0 || inFlight == CrashWriterProgram.SpansPerBatch, $"batch in flight is torn: {inFlight} spans");
        await reopened.AcceptAsync(CrashWriterProgram.Batch((ulong)acknowledged + 1000));
        Assert.Equal(CrashWriterProgram.SpansPerBatch, (await reopened.GetTraceAsync(new TraceId(0, (ulong)acknowledged + 1000))).Count);
    }

    public void Dispose() => _dir.Dispose();
}
