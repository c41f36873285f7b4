using System.Collections.Immutable;
using System.Runtime.InteropServices;
using TraceCollector.Model;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// The stored form of the spans of one trace (one low-64 group) that arrived in one batch: a string
/// table and an endpoint table shared by the spans, then each span with ids as fixed 8 bytes (they are
/// random, varints would grow them) and times as varint deltas from the record's earliest timestamp.
/// Names, services and tag keys repeat inside a trace, so each is stored once per record.
/// </summary>
internal static class SpanRecordCodec
{
    private const byte Version = 1;

    // Span flags, first byte: the low three bits are the kind.
    private const int FlagDebug = 8, FlagShared = 16, FlagParent = 32, FlagHigh = 64, FlagTimestamp = 128;

    // Span flags, second byte.
    private const int FlagName = 1, FlagLocal = 2, FlagRemote = 4, FlagDuration = 8, FlagAnnotations = 16, FlagTags = 32;

    // Endpoint flags.
    private const int EpService = 1, EpIpv4 = 2, EpIpv6 = 4, EpPort = 8;

    /// <summary>Appends the record for <paramref name="spans"/>, which all share the low 64 bits <paramref name="low"/>.</summary>
    public static void Encode(ulong low, List<Span> spans, ByteWriter output, RecordTables tables)
    {
        tables.Clear();
        long baseTs = long.MaxValue;
        foreach (var span in spans)
        {
            if (span.Timestamp > 0 && span.Timestamp < baseTs) baseTs = span.Timestamp;
            tables.AddString(span.Name);
            tables.AddEndpoint(span.LocalEndpoint);
            tables.AddEndpoint(span.RemoteEndpoint);
            foreach (var a in span.Annotations) tables.AddString(a.Value);
            foreach (var t in span.Tags)
            {
                tables.AddString(t.Key);
                tables.AddString(t.Value);
            }
        }
        if (baseTs == long.MaxValue) baseTs = 0;

        output.WriteByte(Version);
        output.WriteUInt64LittleEndian(low);
        output.WriteVarint((ulong)tables.Strings.Count);
        foreach (var s in tables.Strings) output.WriteString(s);
        output.WriteVarint((ulong)tables.Endpoints.Count);
        Span<byte> address = stackalloc byte[16];
        foreach (var ep in tables.Endpoints)
        {
            int flags = (ep.ServiceName is null ? 0 : EpService) | (ep.Ipv4 is null ? 0 : EpIpv4)
                | (ep.Ipv6 is null ? 0 : EpIpv6) | (ep.Port == 0 ? 0 : EpPort);
            output.WriteByte((byte)flags);
            if (ep.ServiceName is not null) output.WriteVarint((ulong)tables.StringIndex(ep.ServiceName));
            if (ep.Ipv4 is not null)
            {
                if (!ep.TryWriteIpv4Bytes(address)) address[..4].Clear();
                output.WriteBytes(address[..4]);
            }
            if (ep.Ipv6 is not null)
            {
                if (!ep.TryWriteIpv6Bytes(address)) address.Clear();
                output.WriteBytes(address);
            }
            if (ep.Port != 0) output.WriteVarint((ulong)ep.Port);
        }
        output.WriteVarint((ulong)spans.Count);
        output.WriteVarint((ulong)baseTs);
        foreach (var span in spans) EncodeSpan(span, baseTs, output, tables);
    }

    private static void EncodeSpan(Span span, long baseTs, ByteWriter output, RecordTables tables)
    {
        int f1 = (int)span.Kind | (span.Debug ? FlagDebug : 0) | (span.Shared ? FlagShared : 0)
            | (span.ParentId != 0 ? FlagParent : 0) | (span.TraceId.High != 0 ? FlagHigh : 0) | (span.Timestamp > 0 ? FlagTimestamp : 0);
        int f2 = (span.Name is null ? 0 : FlagName) | (span.LocalEndpoint is null ? 0 : FlagLocal) | (span.RemoteEndpoint is null ? 0 : FlagRemote)
            | (span.Duration > 0 ? FlagDuration : 0) | (span.Annotations.IsEmpty ? 0 : FlagAnnotations) | (span.Tags.IsEmpty ? 0 : FlagTags);
        output.WriteByte((byte)f1);
        output.WriteByte((byte)f2);
        if (span.TraceId.High != 0) output.WriteUInt64LittleEndian(span.TraceId.High);
        output.WriteUInt64LittleEndian(span.Id);
        if (span.ParentId != 0) output.WriteUInt64LittleEndian(span.ParentId);
        if (span.Name is not null) output.WriteVarint((ulong)tables.StringIndex(span.Name));
        if (span.Timestamp > 0) output.WriteVarint((ulong)(span.Timestamp - baseTs));
        if (span.Duration > 0) output.WriteVarint((ulong)span.Duration);
        if (span.LocalEndpoint is not null) output.WriteVarint((ulong)tables.EndpointIndex(span.LocalEndpoint));
        if (span.RemoteEndpoint is not null) output.WriteVarint((ulong)tables.EndpointIndex(span.RemoteEndpoint));
        if (!span.Annotations.IsEmpty)
        {
            long reference = span.Timestamp > 0 ? span.Timestamp : baseTs;
            output.WriteVarint((ulong)span.Annotations.Length);
            foreach (var a in span.Annotations)
            {
                output.WriteSignedVarint(a.Timestamp - reference);
                output.WriteVarint((ulong)tables.StringIndex(a.Value));
            }
        }
        if (!span.Tags.IsEmpty)
        {
            output.WriteVarint((ulong)span.Tags.Length);
            foreach (var t in span.Tags)
            {
                output.WriteVarint((ulong)tables.StringIndex(t.Key));
                output.WriteVarint((ulong)tables.StringIndex(t.Value));
            }
        }
    }

    /// <summary>Appends the record's spans to <paramref name="into"/>.</summary>
    /// <exception cref="InvalidDataException">The record is not one this codec wrote.</exception>
    public static void Decode(ReadOnlySpan<byte> record, List<Span> into)
    {
        var reader = new ByteReader(record);
        byte version = reader.ReadByte();
        if (version != Version) throw new InvalidDataException($"stored span record has unknown version {version}");
        ulong low = reader.ReadUInt64LittleEndian();
        var strings = new string[checked((int)reader.ReadVarint())];
        for (int i = 0; i < strings.Length; i++) strings[i] = reader.ReadString();
        var endpoints = new Endpoint?[checked((int)reader.ReadVarint())];
        for (int i = 0; i < endpoints.Length; i++)
        {
            int flags = reader.ReadByte();
            string? service = (flags & EpService) != 0 ? strings[(int)reader.ReadVarint()] : null;
            var v4 = (flags & EpIpv4) != 0 ? reader.ReadBytes(4) : default;
            var v6 = (flags & EpIpv6) != 0 ? reader.ReadBytes(16) : default;
            int port = (flags & EpPort) != 0 ? (int)reader.ReadVarint() : 0;
            endpoints[i] = Endpoint.FromBytes(service, v4, v6, port);
        }
        int count = checked((int)reader.ReadVarint());
        long baseTs = (long)reader.ReadVarint();
        for (int i = 0; i < count; i++) into.Add(DecodeSpan(ref reader, low, baseTs, strings, endpoints));
    }

    private static Span DecodeSpan(ref ByteReader reader, ulong low, long baseTs, string[] strings, Endpoint?[] endpoints)
    {
        int f1 = reader.ReadByte(), f2 = reader.ReadByte();
        ulong high = (f1 & FlagHigh) != 0 ? reader.ReadUInt64LittleEndian() : 0;
        ulong id = reader.ReadUInt64LittleEndian();
        ulong parent = (f1 & FlagParent) != 0 ? reader.ReadUInt64LittleEndian() : 0;
        string? name = (f2 & FlagName) != 0 ? strings[(int)reader.ReadVarint()] : null;
        long timestamp = (f1 & FlagTimestamp) != 0 ? baseTs + (long)reader.ReadVarint() : 0;
        long duration = (f2 & FlagDuration) != 0 ? (long)reader.ReadVarint() : 0;
        var local = (f2 & FlagLocal) != 0 ? endpoints[(int)reader.ReadVarint()] : null;
        var remote = (f2 & FlagRemote) != 0 ? endpoints[(int)reader.ReadVarint()] : null;
        var annotations = ImmutableArray<Annotation>.Empty;
        if ((f2 & FlagAnnotations) != 0)
        {
            long reference = timestamp > 0 ? timestamp : baseTs;
            var array = new Annotation[checked((int)reader.ReadVarint())];
            for (int i = 0; i < array.Length; i++)
            {
                long ts = reference + reader.ReadSignedVarint();
                array[i] = new Annotation(ts, strings[(int)reader.ReadVarint()]);
            }
            annotations = ImmutableCollectionsMarshal.AsImmutableArray(array);
        }
        var tags = ImmutableArray<KeyValuePair<string, string>>.Empty;
        if ((f2 & FlagTags) != 0)
        {
            var array = new KeyValuePair<string, string>[checked((int)reader.ReadVarint())];
            for (int i = 0; i < array.Length; i++)
            {
                string key = strings[(int)reader.ReadVarint()];
                array[i] = new KeyValuePair<string, string>(key, strings[(int)reader.ReadVarint()]);
            }
            tags = ImmutableCollectionsMarshal.AsImmutableArray(array);
        }
        return new Span
        {
            TraceId = new TraceId(high, low),
            ParentId = parent,
            Id = id,
            Kind = (SpanKind)(f1 & 7),
            Name = name,
            Timestamp = timestamp,
            Duration = duration,
            LocalEndpoint = local,
            RemoteEndpoint = remote,
            Annotations = annotations,
            Tags = tags,
            Debug = (f1 & FlagDebug) != 0,
            Shared = (f1 & FlagShared) != 0,
        };
    }
}

/// <summary>The string and endpoint tables of the record being encoded; reused across records of a batch.</summary>
internal sealed class RecordTables
{
    private readonly Dictionary<string, int> _stringIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<Endpoint, int> _endpointIndex = new();

    public List<string> Strings { get; } = new();

    public List<Endpoint> Endpoints { get; } = new();

    public void Clear()
    {
        _stringIndex.Clear();
        _endpointIndex.Clear();
        Strings.Clear();
        Endpoints.Clear();
    }

    public void AddString(string? value)
    {
        if (value is null || _stringIndex.ContainsKey(value)) return;
        _stringIndex.Add(value, Strings.Count);
        Strings.Add(value);
    }

    public void AddEndpoint(Endpoint? endpoint)
    {
        if (endpoint is null || _endpointIndex.ContainsKey(endpoint)) return;
        AddString(endpoint.ServiceName);
        _endpointIndex.Add(endpoint, Endpoints.Count);
        Endpoints.Add(endpoint);
    }

    public int StringIndex(string value) => _stringIndex[value];

    public int EndpointIndex(Endpoint endpoint) => _endpointIndex[endpoint];
}
