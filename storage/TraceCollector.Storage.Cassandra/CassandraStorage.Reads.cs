using TraceCollector.Cql.Cluster;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;
using TraceCollector.Model;

namespace TraceCollector.Storage.Cassandra;

public sealed partial class CassandraStorage
{
    public async ValueTask<IReadOnlyList<Span>> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken = default)
    {
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await FetchTraceAsync(session, st, traceId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<Span>> FetchTraceAsync(CqlSession session, CassandraStatements st, TraceId traceId, CancellationToken ct)
    {
        var spans = new List<Span>();
        if (_storage.StrictTraceId)
        {
            await ReadPartitionAsync(session, st, traceId.ToString(), spans, ct).ConfigureAwait(false);
            spans.RemoveAll(s => s.TraceId != traceId);
        }
        else
        {
            // A non-strict writer keys by the low half; a strict writer by the whole id: look in both.
            await ReadPartitionAsync(session, st, HexId.Format(traceId.Low), spans, ct).ConfigureAwait(false);
            if (traceId.High != 0) await ReadPartitionAsync(session, st, traceId.ToString(), spans, ct).ConfigureAwait(false);
            spans.RemoveAll(s => s.TraceId.Low != traceId.Low);
        }
        return spans.Count == 0 ? spans : TraceMerger.Merge(spans);
    }

    private async Task ReadPartitionAsync(CqlSession session, CassandraStatements st, string partition, List<Span> into, CancellationToken ct)
    {
        var statement = st.SelectSpans.Bind(new BoundValues.Builder().AddText(partition).Build());
        await foreach (var page in Pages(session, statement, ct).ConfigureAwait(false))
        {
            foreach (var row in page)
            {
                if (SpanRows.Read(row) is { } span) into.Add(span);
            }
        }
    }

    private async IAsyncEnumerable<RowSet> Pages(CqlSession session, CqlStatement statement, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var result = await RunAsync(session, statement, ct).ConfigureAwait(false);
            if (result is not RowSet rows) yield break;
            yield return rows;
            if (!rows.HasMorePages) yield break;
            statement = statement with { PagingState = rows.PagingState };
        }
    }

    public async ValueTask<IReadOnlyList<IReadOnlyList<Span>>> GetTracesAsync(IReadOnlyList<TraceId> traceIds, CancellationToken cancellationToken = default)
    {
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var distinct = traceIds.Select(id => _storage.StrictTraceId ? id : id.ToLow64()).Distinct().ToList();
        var traces = await Task.WhenAll(distinct.Select(id => FetchTraceAsync(session, st, id, cancellationToken))).ConfigureAwait(false);
        return traces.Where(t => t.Count > 0).ToList();
    }

    public async ValueTask<IReadOnlyList<IReadOnlyList<Span>>> FindTracesAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        if (!_storage.SearchEnabled) return [];
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> services = request.ServiceName is { } one ? [one] : await NamesAsync(session, st.SelectServiceNames!, null, cancellationToken).ConfigureAwait(false);
        // Annotation terms and duration bounds are checked on the traces themselves, so read further into the index for them.
        int wanted = request.Limit * Math.Max(1, _options.IndexFetchMultiplier) * (request.AnnotationQuery.Count > 0 || request.MinDuration is not null ? 10 : 1);
        var perService = await Task.WhenAll(services.Select(s => CandidatesAsync(session, st, request, s, wanted, cancellationToken))).ConfigureAwait(false);
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var list in perService)
        {
            foreach (var (traceKey, ms) in list)
            {
                if (!newest.TryGetValue(traceKey, out long seen) || ms > seen) newest[traceKey] = ms;
            }
        }
        var ordered = newest.OrderByDescending(e => e.Value).Select(e => e.Key).ToList();
        var results = new List<(IReadOnlyList<Span> Trace, long Ts)>();
        for (int i = 0; i < ordered.Count && results.Count < request.Limit; i += request.Limit)
        {
            var chunk = ordered.GetRange(i, Math.Min(request.Limit, ordered.Count - i));
            var traces = await Task.WhenAll(chunk.Select(key => TraceId.TryParse(key, out var id)
                ? FetchTraceAsync(session, st, id, cancellationToken)
                : Task.FromResult<IReadOnlyList<Span>>([]))).ConfigureAwait(false);
            foreach (var trace in traces)
            {
                foreach (var part in SplitByTraceId(trace))
                {
                    if (results.Count < request.Limit && request.Matches(part)) results.Add((part, QueryRequest.TimestampOf(part)));
                }
            }
        }
        return results.OrderByDescending(r => r.Ts).Select(r => r.Trace).ToList();
    }

    // With strict ids a low-64 group may hold several traces; each is tested on its own (Zipkin does the same).
    private IEnumerable<IReadOnlyList<Span>> SplitByTraceId(IReadOnlyList<Span> trace)
    {
        if (trace.Count == 0) yield break;
        if (!_storage.StrictTraceId)
        {
            yield return trace;
            yield break;
        }
        foreach (var group in trace.GroupBy(s => s.TraceId)) yield return group.ToList();
    }

    /// <summary>Trace keys and their index timestamps (ms) for one service, newest day bucket first.</summary>
    private async Task<List<(string TraceKey, long Ms)>> CandidatesAsync(CqlSession session, CassandraStatements st, QueryRequest request, string service, int wanted, CancellationToken ct)
    {
        var found = new List<(string, long)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long startMs = request.StartMicros / 1000, endMs = request.EndMicros / 1000;
        int first = (int)(request.StartMicros / MicrosPerDay), last = (int)(request.EndMicros / MicrosPerDay);
        long? minMs = request.MinDuration / 1000, maxMs = request.MaxDuration / 1000;
        for (int bucket = last; bucket >= first && found.Count < wanted; bucket--)
        {
            var values = new BoundValues.Builder().AddText(service);
            CqlStatement statement;
            if (request.RemoteServiceName is { } remote)
            {
                values.AddText(remote).AddInt(bucket).AddUuid(TimeUuidBound(startMs, max: false)).AddUuid(TimeUuidBound(endMs, max: true));
                statement = st.SelectTraceIdsByRemoteService!.Bind(values.Build());
            }
            else
            {
                values.AddText(request.SpanName ?? "").AddInt(bucket).AddUuid(TimeUuidBound(startMs, max: false)).AddUuid(TimeUuidBound(endMs, max: true));
                statement = st.SelectTraceIdsBySpan!.Bind(values.Build());
            }
            statement = statement with { PageSize = Math.Min(5000, Math.Max(100, wanted)) };
            await foreach (var page in Pages(session, statement, ct).ConfigureAwait(false))
            {
                foreach (var row in page)
                {
                    if (row.GetString(0) is not { } traceKey || row.GetGuid(1) is not { } ts) continue;
                    if (minMs is { } min && request.RemoteServiceName is null)
                    {
                        // The index keeps durations in truncated milliseconds, as Zipkin's does; the exact test comes later.
                        long? d = row.GetInt64(2);
                        if (d is null || d < min || (maxMs is { } max && d > max)) continue;
                    }
                    if (seen.Add(traceKey)) found.Add((traceKey, SpanRows.TimeUuidMillis(ts)));
                }
                if (found.Count >= wanted) break;
            }
        }
        return found;
    }

    /// <summary>The smallest or largest timeuuid of a millisecond, as CQL's minTimeuuid/maxTimeuuid build them.</summary>
    internal static Guid TimeUuidBound(long ms, bool max) =>
        SpanRows.TimeUuid(ms, max ? 0x7f7f7f7f7f7f7f7fUL : 0x8080808080808080UL);

    private async Task<IReadOnlyList<string>> NamesAsync(CqlSession session, PreparedStatement statement, string? key, CancellationToken ct)
    {
        var bound = statement.Bind(key is null ? BoundValues.Empty : new BoundValues.Builder().AddText(key).Build());
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var page in Pages(session, bound, ct).ConfigureAwait(false))
        {
            foreach (var row in page) if (row.GetString(0) is { Length: > 0 } name) names.Add(name);
        }
        return names.ToList();
    }

    public async ValueTask<IReadOnlyList<string>> GetServiceNamesAsync(CancellationToken cancellationToken = default)
    {
        if (!_storage.SearchEnabled) return [];
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await NamesAsync(session, st.SelectServiceNames!, null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> GetSpanNamesAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        if (!_storage.SearchEnabled || NameNormalizer.Normalize(serviceName) is not { } service) return [];
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await NamesAsync(session, st.SelectSpanNames!, service, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> GetRemoteServiceNamesAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        if (!_storage.SearchEnabled || NameNormalizer.Normalize(serviceName) is not { } service) return [];
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await NamesAsync(session, st.SelectRemoteServiceNames!, service, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyList<string>> GetKeysAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<string>>(_storage.SearchEnabled ? _storage.AutocompleteKeys.Order(StringComparer.Ordinal).ToList() : []);

    public async ValueTask<IReadOnlyList<string>> GetValuesAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!_storage.SearchEnabled || !_storage.AutocompleteKeys.Contains(key)) return [];
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await NamesAsync(session, st.SelectAutocompleteValues!, key, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<DependencyLink>> GetDependenciesAsync(long endTs, long lookback, CancellationToken cancellationToken = default)
    {
        if (endTs <= 0 || lookback <= 0) throw new ArgumentException("endTs and lookback should be positive milliseconds");
        var (session, st) = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await _dependencies.FlushAsync(cancellationToken).ConfigureAwait(false);
        var first = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, endTs - lookback)).UtcDateTime);
        var last = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(endTs).UtcDateTime);
        var days = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(1)) days.Add(d);
        var perDay = await Task.WhenAll(days.Select(d => DayLinksAsync(session, st, d, cancellationToken))).ConfigureAwait(false);
        return DependencyLinker.MergeLinks(perDay.SelectMany(l => l));
    }

    /// <summary>
    /// One day's links: the per-trace rows we write, summed; for a day with none of those, Zipkin's
    /// own dependency table (filled by the zipkin-dependencies job) so a Zipkin keyspace reads the same.
    /// </summary>
    private async Task<List<DependencyLink>> DayLinksAsync(CqlSession session, CassandraStatements st, DateOnly day, CancellationToken ct)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, DependencyAggregator.Shards).Select(async shard =>
        {
            var links = new List<DependencyLink>();
            var statement = st.SelectTraceDependencies.Bind(new BoundValues.Builder().AddDate(day).AddInt(shard).Build());
            await foreach (var page in Pages(session, statement, ct).ConfigureAwait(false))
            {
                foreach (var row in page)
                {
                    if (row.GetValue(0) is not List<object?> list) continue;
                    foreach (var item in list)
                    {
                        if (item is UdtValue u && u[0] is string parent && u[1] is string child)
                        {
                            links.Add(new DependencyLink(parent, child, u[2] as long? ?? 0, u[3] as long? ?? 0));
                        }
                    }
                }
            }
            return (links, rows: links.Count);
        })).ConfigureAwait(false);
        var all = shards.SelectMany(s => s.links).ToList();
        if (all.Count > 0) return all;
        var daily = st.SelectDailyDependencies.Bind(new BoundValues.Builder().AddDate(day).Build());
        await foreach (var page in Pages(session, daily, ct).ConfigureAwait(false))
        {
            foreach (var row in page)
            {
                if (row.GetString(0) is { } parent && row.GetString(1) is { } child)
                {
                    all.Add(new DependencyLink(parent, child, row.GetInt64(3) ?? 0, row.GetInt64(2) ?? 0));
                }
            }
        }
        return all;
    }

    /// <summary>Writes one trace's links under the UTC day of its timestamp (called by the aggregator).</summary>
    internal async Task WriteTraceLinksAsync(TraceId traceId, CancellationToken ct)
    {
        var (session, st) = await ReadyAsync(ct).ConfigureAwait(false);
        var trace = await FetchTraceAsync(session, st, traceId, ct).ConfigureAwait(false);
        long ts = QueryRequest.TimestampOf(trace);
        if (trace.Count == 0 || ts == 0) return;
        var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ts / 1000).UtcDateTime);
        var linkType = CassandraSchema.DependencyLinkType(_options.Keyspace);
        var links = DependencyLinker.Link([trace]).Select(l => new UdtValue(linkType)
            .Set("parent", l.Parent).Set("child", l.Child).Set("calls", l.CallCount).Set("errors", l.ErrorCount)).ToList();
        string key = traceId.ToString();
        var values = new BoundValues.Builder().AddDate(day).AddInt(DependencyAggregator.ShardOf(key)).AddText(key).Add(CqlType.List(linkType), links).Build();
        await RunAsync(session, st.InsertTraceDependency.Bind(values), ct).ConfigureAwait(false);
    }
}
