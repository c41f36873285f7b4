using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TraceCollector.Cql.Cluster;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;
using TraceCollector.Model;
using TraceCollector.Storage.Cassandra;
using TraceCollector.Storage.Tests.Cql;

namespace TraceCollector.Storage.Tests.Cassandra;

/// <summary>
/// The store's statements and row mapping against the protocol test server, scripted as a tiny span
/// table: it answers the schema DDL, prepares every statement, keeps the values of span INSERTs and
/// serves them back to the span SELECT, so a span goes through the real encode and decode.
/// </summary>
public class CassandraStorageTests
{
    private sealed class ScriptedSpanTable
    {
        public readonly ConcurrentDictionary<string, string> Prepared = new();
        public readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte[]?[]>> Spans = new();
        public readonly ConcurrentQueue<string> Ddl = new();
        public readonly ConcurrentQueue<(string Cql, List<byte[]?> Values)> Writes = new();
        public int Batches;

        private static readonly CqlType Endpoint = CassandraSchema.EndpointType("zipkin2");
        private static readonly (string, CqlType)[] SpanColumns =
        [
            ("trace_id", CqlType.Text), ("trace_id_high", CqlType.Text), ("parent_id", CqlType.Text), ("id", CqlType.Text), ("kind", CqlType.Text),
            ("span", CqlType.Text), ("ts", CqlType.Bigint), ("duration", CqlType.Bigint), ("l_ep", Endpoint), ("r_ep", Endpoint),
            ("annotations", CqlType.List(CassandraSchema.AnnotationType("zipkin2"))), ("tags", CqlType.Map(CqlType.Text, CqlType.Text)),
            ("debug", CqlType.Boolean), ("shared", CqlType.Boolean),
        ];

        public Task<Reply> Handle(TestRequest r)
        {
            switch (r.Opcode)
            {
                case Opcode.Query:
                    string q = r.QueryText();
                    if (q.StartsWith("CREATE", StringComparison.Ordinal) || q.StartsWith("ALTER", StringComparison.Ordinal))
                    {
                        Ddl.Enqueue(q);
                        return Task.FromResult(Reply.SchemaChange("CREATED", "TABLE", "zipkin2", "t"));
                    }
                    return Task.FromResult(Reply.Rows([("name", CqlType.Text)], []));
                case Opcode.Prepare:
                    string cql = r.QueryText();
                    string id = Convert.ToHexString(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(cql)));
                    Prepared[id] = cql;
                    int markers = cql.Count(c => c == '?');
                    var variables = Enumerable.Range(0, markers).Select(i => ($"v{i}", CqlType.Blob)).ToArray();
                    return Task.FromResult(Reply.Prepared(Convert.FromHexString(id), variables, markers > 0 ? [0] : [], []));
                case Opcode.Execute:
                    return Task.FromResult(Execute(Prepared[Convert.ToHexString(r.ExecuteId())], r.Parameters().Values));
                case Opcode.Batch:
                    Interlocked.Increment(ref Batches);
                    foreach (var e in r.Batch().Entries) Execute(Prepared[Convert.ToHexString(e.Id!)], e.Values);
                    return Task.FromResult(Reply.Void());
                default:
                    return Task.FromResult(Reply.Error(0x2200, "unexpected"));
            }
        }

        private Reply Execute(string cql, List<byte[]?> v)
        {
            if (cql.StartsWith("INSERT", StringComparison.Ordinal))
            {
                Writes.Enqueue((cql, v));
                if (cql.Contains(".span (", StringComparison.Ordinal))
                {
                    string trace = Encoding.UTF8.GetString(v[0]!);
                    string key = Convert.ToHexString(v[1]!) + Encoding.UTF8.GetString(v[2]!);
                    Spans.GetOrAdd(trace, _ => new())[key] = [v[0], v[3], v[4], v[2], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]];
                }
                return Reply.Void();
            }
            if (cql.Contains("FROM zipkin2.span WHERE", StringComparison.Ordinal))
            {
                string trace = Encoding.UTF8.GetString(v[0]!);
                var rows = Spans.TryGetValue(trace, out var t) ? t.Values.ToList() : [];
                return Reply.RawRows(SpanColumns, rows);
            }
            return Reply.Rows([("x", CqlType.Text)], []);
        }
    }

    private static async Task<(CqlProtocolTestServer Server, ScriptedSpanTable Table, CassandraStorage Storage)> StartAsync(StorageOptions? storage = null)
    {
        var table = new ScriptedSpanTable();
        var server = new CqlProtocolTestServer { DataCenter = "datacenter1", Handler = table.Handle };
        var options = new CassandraStorageOptions
        {
            Cluster = new CqlClusterOptions { ContactPoints = [$"127.0.0.1:{server.EndPoint.Port}"], LocalDataCenter = "datacenter1", ConnectionsPerHost = 1 },
        };
        var store = new CassandraStorage(options, storage ?? new StorageOptions(), NullLoggerFactory.Instance);
        await Task.CompletedTask;
        return (server, table, store);
    }

    private static Span ClientSpan(long ts) => new SpanBuilder
    {
        TraceId = TraceId.Parse("463ac35c9f6413ad48485a3953bb6124"),
        ParentId = 1,
        Id = 2,
        Kind = SpanKind.Client,
        Name = "get /api",
        Timestamp = ts,
        Duration = 1500,
        LocalEndpoint = Model.Endpoint.Create("frontend", "10.0.0.1", "2001:db8::1", 8080),
        RemoteEndpoint = Model.Endpoint.Create("backend", null, null, 9000),
    }.AddAnnotation(ts + 1, "ws").PutTag("http.method", "GET").PutTag("error", "").Build();

    [Fact]
    public async Task A_span_written_is_read_back_field_for_field()
    {
        var (server, table, store) = await StartAsync();
        await using (server) await using (store)
        {
            var span = ClientSpan(1_700_000_000_000_000);
            var root = new SpanBuilder { TraceId = span.TraceId, Id = 1, Name = "root", Timestamp = span.Timestamp - 10, Duration = 5000, Shared = true, Debug = true, Kind = SpanKind.Server,
                LocalEndpoint = Model.Endpoint.Create("frontend", null, null, 0) }.Build();
            await store.AcceptAsync([span, root]);
            var trace = await store.GetTraceAsync(span.TraceId);
            Assert.Equal(2, trace.Count);
            Assert.Contains(span, trace);
            Assert.Contains(root, trace);
            Assert.Contains(table.Ddl, d => d.Contains("CREATE TABLE IF NOT EXISTS zipkin2.span ", StringComparison.Ordinal) && d.Contains("default_time_to_live = 604800", StringComparison.Ordinal));
            Assert.Contains(table.Ddl, d => d.Contains("zipkin2.trace_by_service_span", StringComparison.Ordinal) && d.Contains("default_time_to_live = 259200", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Spans_of_one_trace_go_in_one_unlogged_batch_and_absent_fields_stay_unset()
    {
        var (server, table, store) = await StartAsync();
        await using (server) await using (store)
        {
            var bare = new SpanBuilder { TraceId = TraceId.Parse("000000000000000a"), Id = 3 }.Build();
            var other = new SpanBuilder { TraceId = TraceId.Parse("000000000000000a"), Id = 4 }.Build();
            await store.AcceptAsync([bare, other]);
            Assert.Equal(1, table.Batches);
            var insert = table.Writes.First(w => w.Cql.Contains(".span (", StringComparison.Ordinal)).Values;
            Assert.Equal("000000000000000a", Encoding.UTF8.GetString(insert[0]!));
            for (int i = 3; i < insert.Count; i++) Assert.Same(DecodedParameters.Unset, insert[i]);
            Assert.DoesNotContain(table.Writes, w => w.Cql.Contains("trace_by_service_span", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_redelivered_span_overwrites_its_own_row()
    {
        var (server, table, store) = await StartAsync();
        await using (server) await using (store)
        {
            var span = ClientSpan(1_700_000_000_000_000);
            await store.AcceptAsync([span]);
            await store.AcceptAsync([span]);
            Assert.Single(table.Spans[span.TraceId.ToString()]);
            var later = span with { Duration = 2000 };
            await store.AcceptAsync([later]);
            Assert.Equal(2, table.Spans[span.TraceId.ToString()].Count);
        }
    }

    [Fact]
    public async Task Index_rows_follow_zipkins_write_path()
    {
        var (server, table, store) = await StartAsync(new StorageOptions { AutocompleteKeys = ["http.method"] });
        await using (server) await using (store)
        {
            long ts = 1_700_000_000_000_000;
            await store.AcceptAsync([ClientSpan(ts)]);
            var byServiceSpan = table.Writes.Where(w => w.Cql.Contains("trace_by_service_span", StringComparison.Ordinal)).Select(w => w.Values).ToList();
            Assert.Equal(["", "get /api"], byServiceSpan.Select(v => Encoding.UTF8.GetString(v[1]!)).Order(StringComparer.Ordinal));
            Assert.All(byServiceSpan, v => Assert.Equal((int)(ts / 86_400_000_000), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(v[2])));
            Assert.All(byServiceSpan, v => Assert.Equal(1L, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(v[5])));
            var tsUuid = new Guid(byServiceSpan[0][3], bigEndian: true);
            Assert.Equal(ts / 1000, SpanRows.TimeUuidMillis(tsUuid));
            Assert.Contains(table.Writes, w => w.Cql.Contains("trace_by_service_remote_service", StringComparison.Ordinal));
            Assert.Contains(table.Writes, w => w.Cql.Contains("autocomplete_tags", StringComparison.Ordinal) && Encoding.UTF8.GetString(w.Values[1]!) == "GET");
            var spanInsert = table.Writes.First(w => w.Cql.Contains(".span (", StringComparison.Ordinal)).Values;
            Assert.Equal("frontend", Encoding.UTF8.GetString(spanInsert[15]!));
            Assert.Equal("░ws░error░error=░http.method░http.method=GET░", Encoding.UTF8.GetString(spanInsert[16]!));
        }
    }

    [Fact]
    public void Timeuuid_bounds_bracket_every_uuid_of_their_millisecond()
    {
        var span = ClientSpan(1_700_000_000_123_000);
        var id = SpanRows.DeterministicTimeUuid(span, span.Timestamp);
        Assert.Equal(1, (id.ToByteArray(bigEndian: true)[6] >> 4));
        Assert.Equal(1_700_000_000_123L, SpanRows.TimeUuidMillis(CassandraStorage.TimeUuidBound(1_700_000_000_123L, max: false)));
        Assert.Equal(SpanRows.TimeUuidMillis(id), SpanRows.TimeUuidMillis(CassandraStorage.TimeUuidBound(1_700_000_000_123L, max: true)));
    }
}
