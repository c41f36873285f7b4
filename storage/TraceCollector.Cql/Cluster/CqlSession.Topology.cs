using System.Net;
using Microsoft.Extensions.Logging;
using TraceCollector.Cql.Connection;
using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql.Cluster;

/// <summary>The control connection: node discovery from the system tables and reaction to pushed events.</summary>
public sealed partial class CqlSession
{
    public const string LocalQuery = "SELECT data_center, rack, tokens, release_version FROM system.local WHERE key='local'";
    public const string PeersV2Query = "SELECT peer, peer_port, native_address, native_port, data_center, rack, tokens FROM system.peers_v2";
    public const string PeersQuery = "SELECT peer, rpc_address, data_center, rack, tokens FROM system.peers";

    private readonly SemaphoreSlim _refreshLock = new(1, 1);

    /// <summary>release_version of the node the control connection is on (e.g. "4.1.3"), null when unknown.</summary>
    public string? ReleaseVersion { get; private set; }

    private async Task AdoptControlAsync(CqlConnection control, CancellationToken ct)
    {
        await control.RegisterAsync(["TOPOLOGY_CHANGE", "STATUS_CHANGE"], ct).ConfigureAwait(false);
        control.EventReceived += OnEvent;
        _control = control;
        _ = control.Closed.ContinueWith(_ => ReplaceControlAsync(), TaskScheduler.Default);
    }

    private void OnEvent(CqlEvent ev)
    {
        if (ev.Type == "STATUS_CHANGE" && ev.Change == "UP" && ev.Address is { } address)
        {
            foreach (var h in _hosts.Values) if (h.EndPoint.Address.Equals(address.Address)) h.ReconnectNow();
        }
        var control = _control;
        if (control is not null && !_stop.IsCancellationRequested)
        {
            _ = RefreshTopologyAsync(control, _stop.Token).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }

    /// <summary>When the control connection dies, open a new one to any known node, backing off between rounds.</summary>
    private async Task ReplaceControlAsync()
    {
        for (int round = 1; !_stop.IsCancellationRequested; round++)
        {
            var candidates = _hosts.Values.OrderByDescending(h => h.IsUp).Select(h => h.EndPoint).ToList();
            foreach (var endPoint in candidates)
            {
                try
                {
                    var control = await CqlConnection.OpenAsync(endPoint, _options.Connection, _stop.Token).ConfigureAwait(false);
                    await RefreshTopologyAsync(control, _stop.Token).ConfigureAwait(false);
                    await AdoptControlAsync(control, _stop.Token).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is CqlException)
                {
                    _logger.LogWarning("Cassandra control connection to {Host} failed: {Error}", endPoint, e.Message);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            var delay = TimeSpan.FromMilliseconds(Math.Min(_options.ReconnectBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(round - 1, 30)), _options.ReconnectMaxDelay.TotalMilliseconds));
            try
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads system.local and the peers table, adds new nodes (starting pools for local ones), drops departed ones, rebuilds the ring.</summary>
    public async Task RefreshTopologyAsync(CqlConnection control, CancellationToken ct)
    {
        await _refreshLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var seen = new List<(IPEndPoint EndPoint, string? Dc, string? Rack, List<long> Tokens)>();
            var local = await QueryAsync(control, LocalQuery, ct).ConfigureAwait(false);
            if (local.Count > 0)
            {
                var row = local[0];
                ReleaseVersion = row.GetString(3);
                seen.Add((control.EndPoint, row.GetString(0), row.GetString(1), Tokens(row.GetValue(2))));
            }
            else
            {
                seen.Add((control.EndPoint, null, null, []));
            }
            RowSet peers;
            bool v2 = true;
            try
            {
                peers = await QueryAsync(control, PeersV2Query, ct).ConfigureAwait(false);
            }
            catch (InvalidQueryException)
            {
                v2 = false;
                peers = await QueryAsync(control, PeersQuery, ct).ConfigureAwait(false);
            }
            foreach (var row in peers)
            {
                var peer = row.GetInet(0);
                if (peer is null) continue;
                IPAddress? address = v2 ? row.GetInet(2) : row.GetInet(1);
                if (address is null || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) address = peer;
                int port = v2 && row.GetInt32(3) is { } p ? p : control.EndPoint.Port;
                int dc = v2 ? 4 : 2;
                seen.Add((new IPEndPoint(address, port), row.GetString(dc), row.GetString(dc + 1), Tokens(row.GetValue(dc + 2))));
            }

            if (LocalDataCenter.Length == 0) LocalDataCenter = _options.LocalDataCenter ?? seen[0].Dc ?? "";
            bool initial = _hosts.IsEmpty; // the first refresh: InitializeAsync starts the pools itself
            foreach (var (endPoint, dc, rack, tokens) in seen)
            {
                if (_hosts.TryGetValue(endPoint, out var known))
                {
                    known.DataCenter = dc;
                    known.Rack = rack;
                    known.Tokens = tokens;
                    continue;
                }
                var host = new CqlHost(endPoint, dc, rack, tokens, _options, _logger);
                _hosts[endPoint] = host;
                if (!initial && IsLocal(host)) await host.StartAsync(ct).ConfigureAwait(false);
            }
            foreach (var gone in _hosts.Keys.Except(seen.Select(s => s.EndPoint)).ToList())
            {
                if (_hosts.TryRemove(gone, out var host)) await host.DisposeAsync().ConfigureAwait(false);
            }
            _ring = new TokenRing(_hosts.Values);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private static async Task<RowSet> QueryAsync(CqlConnection connection, string cql, CancellationToken ct)
    {
        using var body = new CqlBodyWriter(cql.Length + 16);
        RequestEncoder.WriteQuery(body, cql, new QueryParameters { Consistency = Consistency.One });
        var result = await connection.ExecuteAsync(Opcode.Query, body.WrittenMemory, null, ct).ConfigureAwait(false);
        return result as RowSet ?? throw new CqlProtocolViolationException($"{cql} answered with a {result.Kind} result");
    }

    private static List<long> Tokens(object? value)
    {
        var tokens = new List<long>();
        if (value is not List<object?> texts) return tokens;
        foreach (var t in texts)
        {
            if (t is string s && long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long token)) tokens.Add(token);
        }
        return tokens;
    }
}
