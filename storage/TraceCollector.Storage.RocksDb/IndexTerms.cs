namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// The searchable terms. Each is a 64-bit hash of its service, a kind and the names it is about; every term but
/// <see cref="AllTraces"/> is scoped to the local service, as Zipkin's criteria are.
/// </summary>
internal static class IndexTerms
{
    private const byte All = (byte)'a', Service = (byte)'s', Name = (byte)'n', Remote = (byte)'r', Tag = (byte)'t', Word = (byte)'w';

    /// <summary>Every trace, for searches without a service name.</summary>
    public static readonly ulong AllTraces = StableHash.Term(StableHash.Scope(""), All);

    /// <summary>The shared first step of every term of <paramref name="service"/>; hash it once per span.</summary>
    public static ulong ScopeOf(string service) => StableHash.Scope(service);

    public static ulong ForService(ulong scope) => StableHash.Term(scope, Service);

    public static ulong ForSpanName(ulong scope, string name) => StableHash.Term(scope, Name, name);

    public static ulong ForRemoteService(ulong scope, string remote) => StableHash.Term(scope, Remote, remote);

    /// <summary>A tag with this exact value (annotationQuery <c>key=value</c>).</summary>
    public static ulong ForTag(ulong scope, string key, string value) => StableHash.Term(scope, Tag, key, value);

    /// <summary>A bare annotationQuery word: an annotation value or a tag key.</summary>
    public static ulong ForWord(ulong scope, string word) => StableHash.Term(scope, Word, word);

    /// <summary>The terms whose entries together must hold a matching trace; the re-check does the rest.</summary>
    public static List<ulong> ForQuery(QueryRequest request)
    {
        var terms = new List<ulong>();
        if (request.ServiceName is not { } service)
        {
            terms.Add(AllTraces);
            return terms;
        }
        ulong scope = ScopeOf(service);
        if (request.SpanName is { } name) terms.Add(ForSpanName(scope, name));
        if (request.RemoteServiceName is { } remote) terms.Add(ForRemoteService(scope, remote));
        foreach (var (key, value) in request.AnnotationQuery)
        {
            terms.Add(value.Length == 0 ? ForWord(scope, key) : ForTag(scope, key, value));
        }
        // The service term is implied by every other one, and is the largest.
        if (terms.Count == 0) terms.Add(ForService(scope));
        return terms;
    }
}
