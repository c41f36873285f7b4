using System.Collections.Immutable;
using System.Text.Json;
using TraceCollector.Model;

namespace TraceCollector.Tests.Analysis;

/// <summary>Hand-built traces: times are microseconds after <see cref="Epoch"/>, so expected segments read as small numbers.</summary>
internal sealed class TraceFixture
{
    public const long Epoch = 1_700_000_000_000_000;
    public static readonly TraceId Trace = new(0, 0x1234);
    private readonly List<Span> _spans = new();

    public IReadOnlyList<Span> Spans => _spans;

    /// <summary>Adds a span; <paramref name="start"/> relative to <see cref="Epoch"/>; a null start or duration leaves it absent.</summary>
    public TraceFixture Add(ulong id, ulong parentId, string service, long? start, long? duration, SpanKind kind = SpanKind.Unspecified,
        string? ip = null, bool shared = false, string? name = null, string? remoteService = null)
    {
        _spans.Add(new Span
        {
            TraceId = Trace,
            Id = id,
            ParentId = parentId,
            Kind = kind,
            Name = name ?? $"op{id:x}",
            Timestamp = start is { } s ? Epoch + s : 0,
            Duration = duration ?? 0,
            LocalEndpoint = Endpoint.Create(service, ip, null, 0),
            RemoteEndpoint = remoteService is null ? null : Endpoint.Create(remoteService, null, null, 0),
            Shared = shared,
            Annotations = start is { } a ? ImmutableArray.Create(new Annotation(Epoch + a, "ws")) : ImmutableArray<Annotation>.Empty,
        });
        return this;
    }

    /// <summary>Reads a Zipkin JSON v2 file of ../shared/testdata/zipkin (test-side reader, independent of the codecs under test elsewhere).</summary>
    public static IReadOnlyList<Span> LoadZipkinTestData(string fileName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestSupport.RepoPaths.ZipkinTestData(fileName)));
        var spans = new List<Span>();
        var b = new SpanBuilder();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            b.Clear();
            b.TraceId = TraceId.Parse(e.GetProperty("traceId").GetString());
            b.Id = SpanId.Parse(e.GetProperty("id").GetString());
            if (e.TryGetProperty("parentId", out var p)) b.ParentId = SpanId.Parse(p.GetString());
            if (e.TryGetProperty("kind", out var k)) b.Kind = Enum.Parse<SpanKind>(k.GetString()!, ignoreCase: true);
            if (e.TryGetProperty("name", out var n)) b.Name = n.GetString();
            if (e.TryGetProperty("timestamp", out var ts)) b.Timestamp = ts.GetInt64();
            if (e.TryGetProperty("duration", out var d)) b.Duration = d.GetInt64();
            if (e.TryGetProperty("shared", out var sh)) b.Shared = sh.GetBoolean();
            if (e.TryGetProperty("localEndpoint", out var l)) b.LocalEndpoint = ReadEndpoint(l);
            if (e.TryGetProperty("remoteEndpoint", out var r)) b.RemoteEndpoint = ReadEndpoint(r);
            if (e.TryGetProperty("annotations", out var anns))
            {
                foreach (var a in anns.EnumerateArray()) b.AddAnnotation(a.GetProperty("timestamp").GetInt64(), a.GetProperty("value").GetString()!);
            }
            if (e.TryGetProperty("tags", out var tags))
            {
                foreach (var t in tags.EnumerateObject()) b.PutTag(t.Name, t.Value.GetString()!);
            }
            spans.Add(b.Build());
        }
        return spans;
    }

    private static Endpoint? ReadEndpoint(JsonElement e) => Endpoint.Create(
        e.TryGetProperty("serviceName", out var s) ? s.GetString() : null,
        e.TryGetProperty("ipv4", out var v4) ? v4.GetString() : null,
        e.TryGetProperty("ipv6", out var v6) ? v6.GetString() : null,
        e.TryGetProperty("port", out var port) ? port.GetInt32() : 0);

    /// <summary>Segments as (span id, start, end) relative to <see cref="Epoch"/>, for comparing with hand-written expectations.</summary>
    public static (ulong Id, long Start, long End)[] Relative(IReadOnlyList<TraceCollector.Analysis.CriticalPath.CriticalPathSegment> segments)
    {
        var result = new (ulong, long, long)[segments.Count];
        for (int i = 0; i < result.Length; i++) result[i] = (segments[i].SpanId, segments[i].Start - Epoch, segments[i].End - Epoch);
        return result;
    }
}
