namespace TraceCollector.Storage.Tests.Contracts;

public class QueryRequestTests
{
    private static QueryRequest Create(string? serviceName = null, string? spanName = null, string? annotationQuery = null,
        long? minDuration = null, long? maxDuration = null, long endTs = 1_000, long lookback = 1_000, int limit = 10) =>
        QueryRequest.Create(serviceName, null, spanName, annotationQuery, minDuration, maxDuration, endTs, lookback, limit);

    [Theory]
    [InlineData(0L, 1L, 10, null, null, "endTs")]
    [InlineData(1L, 0L, 10, null, null, "lookback")]
    [InlineData(1L, 1L, 0, null, null, "limit")]
    [InlineData(1L, 1L, 10, 0L, null, "minDuration")]
    [InlineData(1L, 1L, 10, null, 5L, "maxDuration is only valid with minDuration")]
    [InlineData(1L, 1L, 10, 10L, 5L, "maxDuration should be >= minDuration")]
    public void RejectsWhatZipkinRejects(long endTs, long lookback, int limit, long? min, long? max, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Create(endTs: endTs, lookback: lookback, limit: limit, minDuration: min, maxDuration: max));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void NamesAreLowerCasedAndEmptyOrAllMeansUnset()
    {
        var request = Create(serviceName: "FrontEnd", spanName: "ALL");
        Assert.Equal("frontend", request.ServiceName);
        Assert.Null(request.SpanName);
        Assert.Null(Create(serviceName: "").ServiceName);
    }

    [Fact]
    public void WindowIsInMicroseconds()
    {
        var request = Create(endTs: 5_000, lookback: 2_000);
        Assert.Equal(3_000_000, request.StartMicros);
        Assert.Equal(5_000_000, request.EndMicros);
        Assert.Equal(0, Create(endTs: 5_000, lookback: 9_000).StartMicros);
    }

    [Fact]
    public void AnnotationQueryTermsAreSplitAtAnd()
    {
        var terms = QueryRequest.ParseAnnotationQuery(" error and http.method = GET and http.method=POST and error and a=b=c ");
        Assert.Equal(new Dictionary<string, string> { ["error"] = "", ["http.method"] = "POST", ["a"] = "b=c" }, terms);
    }

    [Fact]
    public void ABareWordDoesNotOverrideAnEarlierTag()
    {
        var terms = QueryRequest.ParseAnnotationQuery("http.method=GET and http.method");
        Assert.Equal("GET", terms["http.method"]);
    }

    [Fact]
    public void AndIsCaseSensitiveAndNeedsSpaces()
    {
        Assert.Equal(["error AND retry"], QueryRequest.ParseAnnotationQuery("error AND retry").Keys);
        Assert.Equal(["errorandretry"], QueryRequest.ParseAnnotationQuery("errorandretry").Keys);
    }

    [Fact]
    public void AtMostAHundredTermsAreRead()
    {
        var text = string.Join(" and ", Enumerable.Range(0, 150).Select(i => $"k{i}"));
        var terms = QueryRequest.ParseAnnotationQuery(text);
        Assert.Equal(100, terms.Count);
        Assert.StartsWith("k99 and k100", terms.Keys.Last());
    }
}
