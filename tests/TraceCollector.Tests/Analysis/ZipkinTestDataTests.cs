using TraceCollector.Analysis;

namespace TraceCollector.Tests.Analysis;

/// <summary>The real traces of ../shared/testdata/zipkin through every analysis.</summary>
public class ZipkinTestDataTests
{
    public static IEnumerable<object[]> Files() => new[]
    {
        "skew.json", "messaging.json", "messaging2.json", "messaging-kafka.json", "yelp.json", "envoy.json", "ascend.json",
        "simple-db-p6.json", "smartthings-mobile-web-install.json", "smartthings-oauth-authorization.json",
    }.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Files))]
    public void CriticalPathTilesTheRootAndNetworkTimeIsNeverNegative(string file)
    {
        var spans = TraceFixture.LoadZipkinTestData(file);
        var path = TraceAnalysis.CriticalPath(spans);
        Assert.NotEmpty(path.Segments);
        var root = TraceAnalysis.CorrectedTree(spans).Root;
        if (root is { Duration: > 0 }) Assert.Equal(root.Duration, path.Duration);
        Assert.Equal(path.Duration, path.Segments.Sum(s => s.Duration));
        for (int i = 1; i < path.Segments.Count; i++) Assert.Equal(path.Segments[i - 1].End, path.Segments[i].Start);
        foreach (var pair in TraceAnalysis.NetworkLatency(spans))
        {
            Assert.True(pair.RequestLeg is null or >= 0, $"{file}: {pair}");
            Assert.True(pair.ResponseLeg is null or >= 0, $"{file}: {pair}");
            Assert.True(pair.Total is null or >= 0, $"{file}: {pair}");
        }
    }

    [Fact]
    public void SkewJson_CriticalPath()
    {
        // After correction (see ClockSkewTests): root get [071068,170479], client post [074202,168741],
        // server post [074683,168260], local async [074684,139684]. Walking back from 170479:
        const long b = 1470150004000000;
        var path = TraceAnalysis.CriticalPath(TraceFixture.LoadZipkinTestData("skew.json"));
        var expected = new (string Service, string Name, long Start, long End)[]
        {
            ("servicea", "get", b + 71068, b + 74202),
            ("servicea", "post", b + 74202, b + 74683),
            ("serviceb", "post", b + 74683, b + 74684),
            ("serviceb", "async", b + 74684, b + 139684),
            ("serviceb", "post", b + 139684, b + 168260),
            ("servicea", "post", b + 168260, b + 168741),
            ("servicea", "get", b + 168741, b + 170479),
        };
        Assert.Equal(expected, path.Segments.Select(s => (s.ServiceName!, s.Name!, s.Start, s.End)).ToArray());
        Assert.Equal(99411, path.Duration);
    }

    [Fact]
    public void SkewJson_NetworkLatency()
    {
        var pair = Assert.Single(TraceAnalysis.NetworkLatency(TraceFixture.LoadZipkinTestData("skew.json")));
        Assert.Equal(("servicea", "serviceb"), (pair.ClientServiceName, pair.ServerServiceName));
        Assert.Equal(481, pair.RequestLeg);
        Assert.Equal(481, pair.ResponseLeg);
        Assert.Equal(94539 - 93577, pair.Total);
    }
}
