using TraceCollector.Collector.Sampling;
using TraceCollector.Model;

namespace TraceCollector.Collector.Tests.Pipeline;

public sealed class TraceIdSamplerTests
{
    [Theory]
    [InlineData(0.0, 1L, false)]
    [InlineData(0.0001, 1L, true)]
    [InlineData(0.5, long.MaxValue / 2, true)]
    [InlineData(0.5, long.MaxValue / 2 + 1024, false)]
    [InlineData(0.5, -(long.MaxValue / 2), true)]
    [InlineData(0.5, -(long.MaxValue / 2 + 1024), false)]
    [InlineData(1.0, long.MaxValue, true)]
    [InlineData(1.0, long.MinValue, true)]
    [InlineData(0.99, long.MinValue, false)]
    public void KeepsATraceWhenTheAbsoluteLow64BitsAreWithinRateTimesLongMax(double rate, long low, bool kept)
    {
        var sampler = new TraceIdSampler(rate);
        Assert.Equal(kept, sampler.IsKept(new TraceId(0, unchecked((ulong)low)), debug: false));
    }

    [Fact]
    public void DecidesOnTheLow64BitsOnlySoA128BitTraceMatchesItsShortForm()
    {
        var sampler = new TraceIdSampler(0.3);
        var random = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            ulong low = (ulong)random.NextInt64();
            Assert.Equal(sampler.IsKept(new TraceId(0, low), false), sampler.IsKept(new TraceId((ulong)random.NextInt64(1, long.MaxValue), low), false));
        }
    }

    [Fact]
    public void DebugIsAlwaysKeptEvenAtRateZero() =>
        Assert.True(new TraceIdSampler(0).IsKept(new TraceId(0, 12345), debug: true));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void RefusesARateOutsideZeroToOne(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TraceIdSampler(rate));
}
