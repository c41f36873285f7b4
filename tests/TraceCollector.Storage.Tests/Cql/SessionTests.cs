using System.Text;
using TraceCollector.Cql;
using TraceCollector.Cql.Cluster;
using TraceCollector.Cql.Connection;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;
using static TraceCollector.Storage.Tests.Cql.ConnectionTests;

namespace TraceCollector.Storage.Tests.Cql;

/// <summary>The session against one or several protocol test servers: discovery, routing, paging, re-prepare, retries, reconnection.</summary>
public class SessionTests
{
    private static readonly byte[] StatementId = [0x0b, 0x0e];
    private const string Select = "SELECT v FROM ks.t WHERE k = ?";

    private static CqlClusterOptions OptionsFor(CqlProtocolTestServer contact, Func<CqlClusterOptions, CqlClusterOptions>? tweak = null)
    {
        var options = new CqlClusterOptions
        {
            ContactPoints = [$"127.0.0.1:{contact.EndPoint.Port}"],
            ConnectionsPerHost = 2,
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            SpeculativeDelay = null,
        };
        return tweak?.Invoke(options) ?? options;
    }

    /// <summary>Answers PREPARE and EXECUTE of <see cref="Select"/> with one row naming the server.</summary>
    private static Func<TestRequest, Task<Reply>> NamedReplica(string name) => r => Task.FromResult(r.Opcode switch
    {
        Opcode.Prepare => Reply.Prepared(StatementId, [("k", CqlType.Text)], [0], [("v", CqlType.Text)]),
        Opcode.Execute => Reply.Rows([("v", CqlType.Text)], [[name]]),
        _ => Reply.Error(CqlErrorCodes.Invalid, "unexpected"),
    });

    /// <summary>Three nodes on loopback: "123" hashes to b's range, fefefefe to c's.</summary>
    private static async Task<(CqlProtocolTestServer A, CqlProtocolTestServer B, CqlProtocolTestServer C)> ThreeNodesAsync()
    {
        var a = new CqlProtocolTestServer { Tokens = [0], Handler = NamedReplica("a") };
        var b = new CqlProtocolTestServer { Tokens = [-7_000_000_000_000_000_000], Handler = NamedReplica("b") };
        var c = new CqlProtocolTestServer { Tokens = [5_000_000_000_000_000_000], Handler = NamedReplica("c") };
        a.Peers.Add((b.EndPoint, "dc1", b.Tokens));
        a.Peers.Add((c.EndPoint, "dc1", c.Tokens));
        await Task.CompletedTask;
        return (a, b, c);
    }

    [Fact]
    public async Task Discovers_peers_and_routes_to_the_replica_of_the_key()
    {
        var (a, b, c) = await ThreeNodesAsync();
        await using (a) await using (b) await using (c)
        {
            await using var session = await CqlSession.ConnectAsync(OptionsFor(a));
            Assert.Equal(3, session.LocalHosts.Count());
            Assert.Equal("dc1", session.LocalDataCenter);
            var prepared = await session.PrepareAsync(Select);
            for (int i = 0; i < 5; i++)
            {
                var toB = (RowSet)await session.ExecuteAsync(prepared.Bind(new BoundValues.Builder().AddText("123").Build()));
                Assert.Equal("b", toB[0].GetString(0));
                var toC = (RowSet)await session.ExecuteAsync(prepared.Bind(new BoundValues.Builder().AddBlob([0xfe, 0xfe, 0xfe, 0xfe]).Build()));
                Assert.Equal("c", toC[0].GetString(0));
            }
        }
    }

    [Fact]
    public async Task Hosts_outside_the_local_data_centre_get_no_requests()
    {
        await using var a = new CqlProtocolTestServer { Handler = NamedReplica("a") };
        await using var remote = new CqlProtocolTestServer { DataCenter = "dc2", Tokens = [-7_000_000_000_000_000_000], Handler = NamedReplica("remote") };
        a.Peers.Add((remote.EndPoint, "dc2", remote.Tokens));
        await using var session = await CqlSession.ConnectAsync(OptionsFor(a, o => o with { LocalDataCenter = "dc1" }));
        var prepared = await session.PrepareAsync(Select);
        var rows = (RowSet)await session.ExecuteAsync(prepared.Bind(new BoundValues.Builder().AddText("123").Build()));
        Assert.Equal("a", rows[0].GetString(0));
        Assert.Empty(remote.Received);
        Assert.Equal(0, remote.ConnectionsAccepted);
    }

    [Fact]
    public async Task An_unknown_local_data_centre_is_refused_with_what_was_seen()
    {
        await using var a = new CqlProtocolTestServer();
        var e = await Assert.ThrowsAsync<NoHostAvailableException>(() => CqlSession.ConnectAsync(OptionsFor(a, o => o with { LocalDataCenter = "elsewhere" })));
        Assert.Contains("dc1", e.Message);
    }

    [Fact]
    public async Task Pages_follow_the_paging_state()
    {
        await using var server = new CqlProtocolTestServer
        {
            Handler = r =>
            {
                var p = r.Parameters();
                Assert.Equal(3, p.PageSize);
                return Task.FromResult(p.PagingState is null
                    ? Reply.Rows([("n", CqlType.Int)], [[0], [1], [2]], pagingState: [0x01])
                    : Reply.Rows([("n", CqlType.Int)], [[3], [4]]));
            },
        };
        await using var session = await CqlSession.ConnectAsync(OptionsFor(server));
        var seen = new List<int>();
        await foreach (var page in session.ExecutePagesAsync(new SimpleStatement("SELECT n FROM ks.t") { PageSize = 3 }))
        {
            foreach (var row in page) seen.Add(row.GetInt32(0)!.Value);
        }
        Assert.Equal([0, 1, 2, 3, 4], seen);
    }

    [Fact]
    public async Task Unprepared_statements_are_prepared_again_and_retried()
    {
        int executes = 0, prepares = 0;
        await using var server = new CqlProtocolTestServer
        {
            Handler = r => Task.FromResult(r.Opcode switch
            {
                Opcode.Prepare => Reply.Prepared(StatementId, [("k", CqlType.Text)], [0], [("v", CqlType.Text)]).Also(() => Interlocked.Increment(ref prepares)),
                Opcode.Execute when Interlocked.Increment(ref executes) == 1 => Reply.Error(CqlErrorCodes.Unprepared, "unknown id", w => w.WriteShortBytes(StatementId)),
                _ => Reply.Rows([("v", CqlType.Text)], [["ok"]]),
            }),
        };
        await using var session = await CqlSession.ConnectAsync(OptionsFor(server));
        var prepared = await session.PrepareAsync(Select);
        var rows = (RowSet)await session.ExecuteAsync(prepared.Bind(new BoundValues.Builder().AddText("k").Build()));
        Assert.Equal("ok", rows[0].GetString(0));
        Assert.Equal(2, prepares);
        Assert.Equal(2, executes);
    }

    [Fact]
    public async Task Unlogged_batches_carry_prepared_ids_and_values()
    {
        await using var server = new CqlProtocolTestServer
        {
            Handler = r => Task.FromResult(r.Opcode == Opcode.Prepare
                ? Reply.Prepared(StatementId, [("k", CqlType.Text), ("v", CqlType.Bigint)], [0], [])
                : Reply.Void()),
        };
        await using var session = await CqlSession.ConnectAsync(OptionsFor(server));
        var insert = await session.PrepareAsync("INSERT INTO ks.t (k, v) VALUES (?, ?)");
        var batch = new BatchStatement([
            insert.Bind(new BoundValues.Builder().AddText("a").AddBigint(1).Build()),
            insert.Bind(new BoundValues.Builder().AddText("a").AddUnset().Build()),
        ]);
        Assert.IsType<VoidResult>(await session.ExecuteAsync(batch));
        var sent = server.Received.Single(r => r.Opcode == Opcode.Batch).Batch();
        Assert.Equal(BatchType.Unlogged, sent.Type);
        Assert.Equal(Consistency.LocalOne, sent.Consistency);
        Assert.All(sent.Entries, e => Assert.Equal(StatementId, e.Id));
        Assert.Same(DecodedParameters.Unset, sent.Entries[1].Values[1]);
    }

    [Fact]
    public async Task Slow_idempotent_requests_are_sent_to_the_next_host_too()
    {
        var (a, b, c) = await ThreeNodesAsync();
        await using (a) await using (b) await using (c)
        {
            b.Handler = r => r.Opcode == Opcode.Execute ? Task.FromResult(Reply.Silence()) : NamedReplica("b")(r);
            await using var session = await CqlSession.ConnectAsync(OptionsFor(a, o => o with { SpeculativeDelay = TimeSpan.FromMilliseconds(50) }));
            var prepared = await session.PrepareAsync(Select, idempotent: true);
            var rows = (RowSet)await session.ExecuteAsync(prepared.Bind(new BoundValues.Builder().AddText("123").Build()));
            Assert.NotEqual("b", rows[0].GetString(0));
            Assert.Contains(b.Received, r => r.Opcode == Opcode.Execute);
        }
    }

    [Fact]
    public async Task Non_idempotent_statements_are_neither_speculated_nor_retried_after_a_timeout()
    {
        var (a, b, c) = await ThreeNodesAsync();
        await using (a) await using (b) await using (c)
        {
            b.Handler = r => r.Opcode == Opcode.Execute ? Task.FromResult(Reply.Silence()) : NamedReplica("b")(r);
            var options = OptionsFor(a, o => o with
            {
                SpeculativeDelay = TimeSpan.FromMilliseconds(20),
                // The timeout also bounds the handshake and PREPARE, which a loaded CI machine once took
                // longer than 300 ms to answer; only the silent EXECUTE has to run into it.
                Connection = new CqlConnectionOptions { RequestTimeout = TimeSpan.FromSeconds(2) },
            });
            await using var session = await CqlSession.ConnectAsync(options);
            var prepared = await session.PrepareAsync(Select, idempotent: false);
            await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => session.ExecuteAsync(prepared.Bind(new BoundValues.Builder().AddText("123").Build())));
            Assert.DoesNotContain(a.Received, r => r.Opcode == Opcode.Execute);
            Assert.DoesNotContain(c.Received, r => r.Opcode == Opcode.Execute);
        }
    }

    [Fact]
    public async Task Overloaded_coordinators_hand_the_request_to_the_next_host()
    {
        var (a, b, c) = await ThreeNodesAsync();
        await using (a) await using (b) await using (c)
        {
            b.Handler = r => r.Opcode == Opcode.Execute ? Task.FromResult(Reply.Error(CqlErrorCodes.Overloaded, "busy")) : NamedReplica("b")(r);
            await using var session = await CqlSession.ConnectAsync(OptionsFor(a));
            var prepared = await session.PrepareAsync(Select, idempotent: false);
            var rows = (RowSet)await session.ExecuteAsync(prepared.Bind(new BoundValues.Builder().AddText("123").Build()));
            Assert.NotEqual("b", rows[0].GetString(0));
        }
    }

    [Fact]
    public async Task Dropped_connections_are_reopened_with_back_off()
    {
        await using var server = new CqlProtocolTestServer { Handler = _ => Task.FromResult(Reply.Void()) };
        await using var session = await CqlSession.ConnectAsync(OptionsFor(server));
        var host = session.LocalHosts.Single();
        await WaitFor(() => host.OpenConnections == 2);

        server.RefuseConnections = true;
        server.DropAllConnections();
        await WaitFor(() => !host.IsUp && host.FailedAttempts >= 2);
        await Assert.ThrowsAsync<NoHostAvailableException>(() => session.ExecuteAsync(new SimpleStatement("INSERT")));
        Assert.True(host.BackOff(3) > host.BackOff(1));
        Assert.Equal(TimeSpan.FromMilliseconds(200), host.BackOff(30));

        server.RefuseConnections = false;
        await WaitFor(() => host.OpenConnections == 2);
        Assert.IsType<VoidResult>(await session.ExecuteAsync(new SimpleStatement("INSERT")));
    }
}

internal static class ReplyExtensions
{
    public static Reply Also(this Reply reply, Action action)
    {
        action();
        return reply;
    }
}
