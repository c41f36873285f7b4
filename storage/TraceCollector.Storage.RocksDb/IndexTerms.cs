namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// The searchable terms. Each is a 64-bit hash of a kind and the names it is about; every term but
/// <see cref="AllTraces"/> is scoped to the local service, as Zipkin's criteria are.
/// </summary>
internal static class IndexTerms
{
    private const byte All = (byte)'a', Service = (byte)'s', Name = (byte)'n', Remote = (byte)'r', Tag = (byte)'t', Word = (byte)'w';

    /// <summary>Every trace, for searches without a service name.</summary>
    public static readonly ulong AllTraces = StableHash.Term(All, "");

    public static ulong ForService(string service) => StableHash.Term(Service, service);

    public static ulong ForSpanName(string service, string name) => StableHash.Term(Name, service, name);

    public static ulong ForRemoteService(string service, string remote) => StableHash.Term(Remote, service, remote);

    /// <summary>A tag with this exact value (annotationQuery <c>key=value</c>).</summary>
    public static ulong ForTag(string service, string key, string value) => StableHash.Term(Tag, service, key, value);

    /// <summary>A bare annotationQuery word: an annotation value or a tag key.</summary>
    public static ulong ForWord(string service, string word) => StableHash.Term(Word, service, word);

    /// <summary>The terms whose entries together must hold a matching trace; the re-check does the rest.</summary>
    public static List<ulong> ForQuery(QueryRequest request)
    {
        var terms = new List<ulong>();
        if (request.ServiceName is not { } service)
        {
            terms.Add(AllTraces);
            return terms;
        }
        if (request.SpanName is { } name) terms.Add(ForSpanName(service, name));
        if (request.RemoteServiceName is { } remote) terms.Add(ForRemoteService(service, remote));
        foreach (var (key, value) in request.AnnotationQuery)
        {
            terms.Add(value.Length == 0 ? ForWord(service, key) : ForTag(service, key, value));
        }
        // The service term is implied by every other one, and is the largest.
        if (terms.Count == 0) terms.Add(ForService(service));
        return terms;
    }
}
