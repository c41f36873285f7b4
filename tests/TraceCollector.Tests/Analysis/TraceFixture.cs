using System.Collections.Immutable;
using TraceCollector.Codecs;
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

    /// <summary>A Zipkin JSON v2 file of ../shared/testdata/zipkin.</summary>
    public static IReadOnlyList<Span> LoadZipkinTestData(string fileName) =>
        SpanDecoder.DecodeList(SpanEncoding.JsonV2, File.ReadAllBytes(TestSupport.RepoPaths.ZipkinTestData(fileName)));

    /// <summary>Segments as (span id, start, end) relative to <see cref="Epoch"/>, for comparing with hand-written expectations.</summary>
    public static (ulong Id, long Start, long End)[] Relative(IReadOnlyList<TraceCollector.Analysis.CriticalPath.CriticalPathSegment> segments)
    {
        var result = new (ulong, long, long)[segments.Count];
        for (int i = 0; i < result.Length; i++) result[i] = (segments[i].SpanId, segments[i].Start - Epoch, segments[i].End - Epoch);
        return result;
    }
}
