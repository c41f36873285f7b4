using System.Net.Security;

namespace TraceCollector.Cql.Connection;

/// <summary>How one connection is opened and used.</summary>
public sealed record CqlConnectionOptions
{
    /// <summary>The native protocol version spoken; this client implements v4.</summary>
    public int ProtocolVersion { get; init; } = 4;

    /// <summary>Ask for LZ4 frame compression when the server offers it.</summary>
    public bool Compression { get; init; } = true;

    public string? Username { get; init; }
    public string? Password { get; init; }

    public bool UseSsl { get; init; }

    /// <summary>CASSANDRA_SSL_HOSTNAME_VALIDATION: when false a certificate for another name is accepted (it must still chain to a trusted root).</summary>
    public bool SslHostnameValidation { get; init; } = true;

    /// <summary>Replaces the default certificate check entirely (tests, private CAs).</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Stream ids in use at once on one connection (the protocol allows 32768).</summary>
    public int MaxRequestsPerConnection { get; init; } = 2048;
}
