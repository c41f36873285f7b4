using System.Diagnostics;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>Waits for a condition, never for a fixed time: polls until it holds or a generous deadline passes.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    public static async Task HoldsAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!condition())
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"not reached within {limit.TotalSeconds:0} s: {describe()}");
            await Task.Delay(25);
        }
    }

    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!await condition())
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"not reached within {limit.TotalSeconds:0} s: {describe()}");
            await Task.Delay(50);
        }
    }
}
