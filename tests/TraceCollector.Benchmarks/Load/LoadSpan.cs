namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// One span of the load batch, whatever the wire format: both templates render these, so the JSON
/// v2 and the OTLP figures differ in encoding and path only, never in what the spans carry. Each
/// trace is a server root with alternating client and server children across five services.
/// </summary>
internal readonly record struct LoadSpan(int Trace, int Index, long Timestamp)
{
    public static readonly string[] Services = ["frontend", "orders", "payments", "inventory", "users"];

    public const int LocalPort = 8080;
    public const int RemotePort = 9000;
    public const string AnnotationValue = "wire send";

    public bool IsRoot => Index == 0;

    /// <summary>Odd children are the client side of a call; the root and even children are servers.</summary>
    public bool IsClient => !IsRoot && Index % 2 == 1;

    public string LocalService => Services[Index % Services.Length];

    /// <summary>The service a client span calls; only client spans carry a remote endpoint.</summary>
    public string RemoteService => Services[(Index + 1) % Services.Length];

    public string Name => "get /api/" + (IsClient ? RemoteService : LocalService);

    public long StartMicros => Timestamp + Index * 1000;

    public long DurationMicros => 20_000 - Index * 1500;

    public long AnnotationMicros => StartMicros + 50;

    public string LocalIpv4 => $"10.0.{Index % 5}.{10 + Trace}";

    public string RemoteIpv4 => $"10.0.9.{20 + Index}";

    public KeyValuePair<string, string>[] Tags =>
    [
        new("http.method", "GET"),
        new("http.path", "/api/" + (IsClient ? RemoteService : LocalService)),
        new("http.status_code", "200"),
        new("component", "load-tool"),
    ];
}
