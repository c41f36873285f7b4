using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Codecs;

/// <summary>
/// A deterministic batch shaped like real RPC traffic: 128-bit trace ids, a kind, a name, local and
/// remote endpoints from a handful of services, one annotation and three HTTP tags, about 450 bytes a
/// span in JSON v2. The paths carry ids, so tag values are not all repeats.
/// </summary>
internal static class RealisticSpans
{
    private static readonly string[] Services = ["frontend", "orders", "payments", "inventory", "users", "shipping", "search", "auth"];
    private static readonly string[] Routes = ["/api/orders", "/api/payments", "/api/inventory/items", "/api/users/profile", "/api/shipping/quotes", "/api/search"];
    private static readonly string[] Methods = ["GET", "POST", "PUT"];

    public static IReadOnlyList<Span> Create(int count, int seed = 42)
    {
        var random = new Random(seed);
        var endpoints = new Endpoint[Services.Length];
        for (int i = 0; i < Services.Length; i++) endpoints[i] = Endpoint.Create(Services[i], $"10.1.{i}.{10 + i}", null, 8080 + i)!;

        var spans = new List<Span>(count);
        var builder = new SpanBuilder();
        TraceId trace = default;
        ulong parent = 0;
        long start = 1_722_470_400_000_000;
        for (int i = 0; i < count; i++)
        {
            if (i % 10 == 0)
            {
                trace = new TraceId((ulong)random.NextInt64(1, long.MaxValue), (ulong)random.NextInt64(1, long.MaxValue));
                parent = 0;
                start += random.Next(1_000, 50_000);
            }
            ulong id = (ulong)random.NextInt64(1, long.MaxValue);
            int local = random.Next(Services.Length), remote = (local + 1 + random.Next(Services.Length - 1)) % Services.Length;
            string route = Routes[random.Next(Routes.Length)];
            string method = Methods[random.Next(Methods.Length)];
            long timestamp = start + i % 10 * 1_000 + random.Next(500);
            long duration = random.Next(200, 60_000);
            builder.Clear();
            builder.TraceId = trace;
            builder.ParentId = parent;
            builder.Id = id;
            builder.Kind = i % 2 == 0 ? SpanKind.Client : SpanKind.Server;
            builder.Name = method.ToLowerInvariant() + " " + route;
            builder.Timestamp = timestamp;
            builder.Duration = duration;
            builder.LocalEndpoint = endpoints[local];
            builder.RemoteEndpoint = endpoints[remote];
            builder.AddAnnotation(timestamp + duration / 3, i % 2 == 0 ? "wire send" : "wire receive");
            builder.PutTag("http.method", method);
            builder.PutTag("http.path", $"{route}/{random.Next(100_000, 999_999)}");
            builder.PutTag("http.status_code", random.Next(20) == 0 ? "500" : "200");
            spans.Add(builder.Build());
            parent = id;
        }
        return spans;
    }
}
