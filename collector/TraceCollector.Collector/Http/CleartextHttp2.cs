using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace TraceCollector.Collector.Http;

/// <summary>
/// Zipkin serves HTTP/1.1 and gRPC (HTTP/2 cleartext, prior knowledge) on one port. Kestrel in .NET 10
/// picks HTTP/1.1 for every cleartext connection of an Http1AndHttp2 endpoint, because without TLS
/// there is no ALPN to say otherwise. This connection middleware peeks at the first bytes: a client
/// that opens with the HTTP/2 connection preface (RFC 9113 §3.4) is marked as having negotiated "h2",
/// which is exactly what Kestrel's protocol selection reads; every other connection is left as it is.
/// Nothing is consumed, so Kestrel reads the bytes again from the start.
/// </summary>
public static class CleartextHttp2
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Listens on all interfaces at <paramref name="port"/> with HTTP/1.1 and h2c on the same socket.</summary>
    public static void ListenZipkin(this KestrelServerOptions kestrel, int port)
    {
        // HTTP/2 clients send :scheme http; with the "h2" marker Kestrel would otherwise expect https.
        kestrel.AllowAlternateSchemes = true;
        kestrel.ListenAnyIP(port, Configure);
    }

    /// <summary>One address only, as tests and local tools bind 127.0.0.1.</summary>
    public static void ListenZipkin(this KestrelServerOptions kestrel, IPEndPoint endpoint)
    {
        kestrel.AllowAlternateSchemes = true;
        kestrel.Listen(endpoint, Configure);
    }

    private static void Configure(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttp2PriorKnowledge();
    }

    public static ListenOptions UseHttp2PriorKnowledge(this ListenOptions listen)
    {
        listen.Use(next => async connection =>
        {
            if (connection.Features.Get<ITlsConnectionFeature>() is null && await StartsWithPrefaceAsync(connection).ConfigureAwait(false))
            {
                connection.Features.Set<ITlsConnectionFeature>(PriorKnowledge.Instance);
                connection.Features.Set<ITlsApplicationProtocolFeature>(PriorKnowledge.Instance);
            }
            await next(connection).ConfigureAwait(false);
        });
        return listen;
    }

    private static async ValueTask<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            var buffer = result.Buffer;
            var match = MatchPreface(buffer);
            if (match != PrefaceMatch.SoFar || result.IsCompleted || result.IsCanceled)
            {
                // Examined nothing: Kestrel's own read returns these same bytes at once.
                input.AdvanceTo(buffer.Start);
                return match == PrefaceMatch.Whole;
            }
            // A prefix of the preface so far: wait for more bytes before deciding.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private enum PrefaceMatch { Whole, SoFar, No }

    private static PrefaceMatch MatchPreface(ReadOnlySequence<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[24];
        buffer.Slice(0, n).CopyTo(head);
        if (!head[..n].SequenceEqual(Preface[..n])) return PrefaceMatch.No;
        return n == Preface.Length ? PrefaceMatch.Whole : PrefaceMatch.SoFar;
    }

    /// <summary>Stands in for TLS on a prior-knowledge connection: Kestrel selects HTTP/2 only where "h2" was negotiated.</summary>
    private sealed class PriorKnowledge : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public static readonly PriorKnowledge Instance = new();

        private static readonly ReadOnlyMemory<byte> H2 = "h2"u8.ToArray();

        public ReadOnlyMemory<byte> ApplicationProtocol => H2;

        public X509Certificate2? ClientCertificate { get => null; set { } }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
