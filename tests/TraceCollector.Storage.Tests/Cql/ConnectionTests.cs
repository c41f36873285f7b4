using System.Net;
using TraceCollector.Cql;
using TraceCollector.Cql.Connection;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;

namespace TraceCollector.Storage.Tests.Cql;

/// <summary>One connection against the protocol test server: handshake, concurrent streams, errors, timeouts, closes.</summary>
public class ConnectionTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static ReadOnlyMemory<byte> QueryBody(string cql)
    {
        using var w = new CqlBodyWriter();
        RequestEncoder.WriteQuery(w, cql, new QueryParameters());
        return w.ToArray();
    }

    [Fact]
    public async Task Handshake_negotiates_lz4_and_compresses_later_frames()
    {
        await using var server = new CqlProtocolTestServer { Handler = _ => Task.FromResult(Reply.Void()) };
        await using var connection = await CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions());
        Assert.True(connection.IsCompressed);
        var result = await connection.ExecuteAsync(Opcode.Query, QueryBody("INSERT INTO ks.t (a) VALUES ('" + new string('x', 200) + "')"));
        Assert.IsType<VoidResult>(result);
        Assert.True(server.AnyCompressedRequest);
    }

    [Fact]
    public async Task Without_lz4_on_offer_frames_stay_plain()
    {
        await using var server = new CqlProtocolTestServer { OfferLz4 = false, Handler = _ => Task.FromResult(Reply.Void()) };
        await using var connection = await CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions());
        Assert.False(connection.IsCompressed);
        await connection.ExecuteAsync(Opcode.Query, QueryBody("INSERT " + new string('x', 200)));
        Assert.False(server.AnyCompressedRequest);
    }

    [Fact]
    public async Task Password_authentication_succeeds_with_the_right_credentials()
    {
        await using var server = new CqlProtocolTestServer { RequiredCredentials = ("cassandra", "s3cret"), Handler = _ => Task.FromResult(Reply.Void()) };
        await using var connection = await CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions { Username = "cassandra", Password = "s3cret" });
        Assert.IsType<VoidResult>(await connection.ExecuteAsync(Opcode.Query, QueryBody("x")));
    }

    [Fact]
    public async Task Wrong_or_missing_credentials_fail_with_authentication_errors()
    {
        await using var server = new CqlProtocolTestServer { RequiredCredentials = ("cassandra", "s3cret") };
        var wrong = await Assert.ThrowsAsync<AuthenticationException>(() => CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions { Username = "cassandra", Password = "nope" }));
        Assert.Contains("incorrect", wrong.Message);
        var missing = await Assert.ThrowsAsync<AuthenticationException>(() => CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions()));
        Assert.Contains("CASSANDRA_USERNAME", missing.Message);
    }

    [Fact]
    public async Task Many_requests_in_flight_are_matched_by_stream_even_when_answered_in_reverse()
    {
        const int count = 200;
        var gate = new TaskCompletionSource();
        int arrived = 0;
        await using var server = new CqlProtocolTestServer
        {
            Handler = async r =>
            {
                int n = int.Parse(r.QueryText()[7..]);
                if (Interlocked.Increment(ref arrived) == count) gate.SetResult();
                await gate.Task;
                // Later requests answer first.
                await Task.Delay((count - n) % 5);
                return Reply.Rows([("n", CqlType.Int)], [[n]]);
            },
        };
        await using var connection = await CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions());
        var tasks = Enumerable.Range(0, count).Select(i => connection.ExecuteAsync(Opcode.Query, QueryBody($"SELECT {i}"))).ToArray();
        var results = await Task.WhenAll(tasks).WaitAsync(Generous);
        for (int i = 0; i < count; i++) Assert.Equal(i, ((RowSet)results[i])[0].GetInt32(0));
        Assert.Equal(0, connection.InFlight);
    }

    [Fact]
    public async Task Server_errors_arrive_as_typed_exceptions()
    {
        await using var server = new CqlProtocolTestServer
        {
            Handler = _ => Task.FromResult(Reply.Error(CqlErrorCodes.WriteTimeout, "timed out", w =>
            {
                w.WriteConsistency(Consistency.LocalOne);
                w.WriteInt(0);
                w.WriteInt(1);
                w.WriteString("UNLOGGED_BATCH");
            })),
        };
        await using var connection = await CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions());
        var e = await Assert.ThrowsAsync<WriteTimeoutException>(() => connection.ExecuteAsync(Opcode.Query, QueryBody("x")));
        Assert.Equal("UNLOGGED_BATCH", e.WriteType);
        Assert.False(connection.IsClosed);
    }

    [Fact]
    public async Task An_unanswered_request_times_out_and_keeps_its_stream_until_answered()
    {
        var release = new TaskCompletionSource<Reply>();
        await using var server = new CqlProtocolTestServer { Handler = r => r.QueryText() == "slow" ? release.Task : Task.FromResult(Reply.Void()) };
        await using var connection = await CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => connection.ExecuteAsync(Opcode.Query, QueryBody("slow")));
        Assert.Equal(1, connection.InFlight);
        Assert.IsType<VoidResult>(await connection.ExecuteAsync(Opcode.Query, QueryBody("fast")));
        release.SetResult(Reply.Void());
        await WaitFor(() => connection.InFlight == 0);
    }

    [Fact]
    public async Task A_closed_connection_fails_what_is_outstanding()
    {
        var hangup = new TaskCompletionSource<Reply>();
        await using var server = new CqlProtocolTestServer { Handler = _ => hangup.Task };
        await using var connection = await CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions());
        var pending = connection.ExecuteAsync(Opcode.Query, QueryBody("x"));
        await WaitFor(() => server.Received.Count == 1);
        hangup.SetResult(Reply.Hangup());
        await Assert.ThrowsAsync<CqlConnectionException>(() => pending.WaitAsync(Generous));
        Assert.True(connection.IsClosed);
        await Assert.ThrowsAsync<CqlConnectionException>(() => connection.ExecuteAsync(Opcode.Query, QueryBody("y")));
    }

    [Fact]
    public async Task Refused_connections_and_dead_ports_fail_with_connection_errors()
    {
        await using var server = new CqlProtocolTestServer { RefuseConnections = true };
        await Assert.ThrowsAsync<CqlConnectionException>(() => CqlConnection.OpenAsync(server.EndPoint, new CqlConnectionOptions()));
        var dead = new IPEndPoint(IPAddress.Loopback, TraceCollector.TestSupport.FreePort.Next());
        await Assert.ThrowsAsync<CqlConnectionException>(() => CqlConnection.OpenAsync(dead, new CqlConnectionOptions()));
    }

    internal static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 30 s");
            await Task.Delay(10);
        }
    }
}
