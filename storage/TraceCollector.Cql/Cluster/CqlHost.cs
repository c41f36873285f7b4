using System.Net;
using Microsoft.Extensions.Logging;
using TraceCollector.Cql.Connection;

namespace TraceCollector.Cql.Cluster;

/// <summary>
/// A node and its pool of connections. A background loop keeps the pool at its target size: when a
/// connection dies it reconnects with exponential back-off (base, 2×base, ... capped), and the host
/// counts as down while it has no open connection.
/// </summary>
public sealed class CqlHost : IAsyncDisposable
{
    private readonly CqlClusterOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly object _lock = new();
    private CqlConnection[] _connections = [];
    private Task? _loop;
    private int _failedAttempts;

    internal CqlHost(IPEndPoint endPoint, string? dataCenter, string? rack, IReadOnlyList<long> tokens, CqlClusterOptions options, ILogger logger)
    {
        EndPoint = endPoint;
        DataCenter = dataCenter;
        Rack = rack;
        Tokens = tokens;
        _options = options;
        _logger = logger;
    }

    public IPEndPoint EndPoint { get; }

    public string? DataCenter { get; internal set; }

    public string? Rack { get; internal set; }

    public IReadOnlyList<long> Tokens { get; internal set; }

    public bool IsUp => Volatile.Read(ref _connections).Length > 0;

    public int OpenConnections => Volatile.Read(ref _connections).Length;

    /// <summary>Connection attempts that failed since the last success (drives the back-off).</summary>
    public int FailedAttempts => Volatile.Read(ref _failedAttempts);

    /// <summary>Raised on every state change (a connection opened or closed), for tests and logs.</summary>
    public event Action<CqlHost>? StateChanged;

    /// <summary>Starts the pool; the first connection is awaited so a caller learns at once whether the host is reachable.</summary>
    internal async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await OpenOneAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CqlConnectionException or CqlRequestTimeoutException)
        {
            Interlocked.Increment(ref _failedAttempts);
            _logger.LogWarning("Cassandra host {Host} is not reachable yet: {Error}", EndPoint, e.Message);
        }
        _loop = Task.Run(() => MaintainAsync(_stop.Token));
    }

    /// <summary>The open connection with the fewest requests in flight, or null when the host is down.</summary>
    public CqlConnection? LeastBusy()
    {
        var all = Volatile.Read(ref _connections);
        CqlConnection? best = null;
        foreach (var c in all)
        {
            if (c.IsClosed) continue;
            if (best is null || c.InFlight < best.InFlight) best = c;
        }
        return best;
    }

    /// <summary>Asks the loop to retry now rather than after its back-off (the node reported itself up).</summary>
    public void ReconnectNow()
    {
        Interlocked.Exchange(ref _failedAttempts, 0);
        _wake.Release();
    }

    /// <summary>Closes every connection (a test or an operator forcing reconnection); the loop reopens them.</summary>
    public async Task DropConnectionsAsync()
    {
        foreach (var c in Volatile.Read(ref _connections)) await c.DisposeAsync().ConfigureAwait(false);
    }

    private async Task OpenOneAsync(CancellationToken ct)
    {
        var connection = await CqlConnection.OpenAsync(EndPoint, _options.Connection, ct).ConfigureAwait(false);
        lock (_lock) _connections = [.. _connections, connection];
        Interlocked.Exchange(ref _failedAttempts, 0);
        _ = connection.Closed.ContinueWith(t => OnClosed(connection, t.Result), TaskScheduler.Default);
        StateChanged?.Invoke(this);
    }

    private void OnClosed(CqlConnection connection, Exception? reason)
    {
        lock (_lock) _connections = Array.FindAll(_connections, c => !ReferenceEquals(c, connection));
        if (reason is not null && !_stop.IsCancellationRequested)
        {
            _logger.LogWarning("Cassandra connection to {Host} closed: {Error}", EndPoint, reason.Message);
        }
        StateChanged?.Invoke(this);
        _wake.Release();
    }

    private async Task MaintainAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (OpenConnections >= _options.ConnectionsPerHost)
            {
                await WaitAsync(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                continue;
            }
            try
            {
                await OpenOneAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                int failures = Interlocked.Increment(ref _failedAttempts);
                var delay = BackOff(failures);
                _logger.LogWarning("Cannot connect to Cassandra host {Host} (attempt {Attempt}), retrying in {Delay} ms: {Error}",
                    EndPoint, failures, (int)delay.TotalMilliseconds, e.Message);
                StateChanged?.Invoke(this);
                await WaitAsync(delay, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>base × 2^(failures-1), capped at the maximum.</summary>
    public TimeSpan BackOff(int failures)
    {
        double ms = _options.ReconnectBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.ReconnectMaxDelay.TotalMilliseconds));
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await _wake.WaitAsync(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override string ToString() => $"{EndPoint} ({DataCenter ?? "?"})";

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        foreach (var c in Volatile.Read(ref _connections)) await c.DisposeAsync().ConfigureAwait(false);
    }
}
