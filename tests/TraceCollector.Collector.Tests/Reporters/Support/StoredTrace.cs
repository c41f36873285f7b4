using System.Diagnostics;
using TraceCollector.Model;
using TraceCollector.Storage;

namespace TraceCollector.Collector.Tests.Reporters.Support;

internal static class StoredTrace
{
    /// <summary>
    /// Polls storage until the trace holds at least <paramref name="expectedSpans"/> spans. The reporter
    /// has exited after its collector answered, so this normally returns at once; polling keeps the test
    /// right if a reporter ever answers before the write is visible.
    /// </summary>
    public static async Task<IReadOnlyList<Span>> WaitForAsync(ITraceReader storage, string traceIdHex, int expectedSpans)
    {
        var traceId = TraceId.Parse(traceIdHex);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var spans = await storage.GetTraceAsync(traceId);
            if (spans.Count >= expectedSpans) return spans;
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException($"trace {traceIdHex} has {spans.Count} spans after 30 s, expected {expectedSpans}");
            // Spaces out the polls of a condition; the condition, not the pause, ends the wait.
            await Task.Delay(50);
        }
    }

    public static string Hex(ulong spanId) => spanId.ToString("x16");

    /// <summary>Tags as a stored span holds them: sorted by key.</summary>
    public static KeyValuePair<string, string>[] Tags(params (string Key, string Value)[] tags) =>
        tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => KeyValuePair.Create(t.Key, t.Value)).ToArray();
}
