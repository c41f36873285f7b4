using System.Net;
using System.Net.Sockets;

namespace TraceCollector.Model;

/// <summary>
/// A network endpoint as Zipkin models it. Instances are normalised on creation: the service name
/// lower-cased, addresses in canonical text form (IPv4-mapped IPv6 stored as IPv4), port 0 meaning absent.
/// </summary>
public sealed record Endpoint
{
    private Endpoint(string? serviceName, string? ipv4, string? ipv6, int port)
    {
        ServiceName = serviceName;
        Ipv4 = ipv4;
        Ipv6 = ipv6;
        Port = port;
    }

    public string? ServiceName { get; }

    /// <summary>Dotted-quad text, or null.</summary>
    public string? Ipv4 { get; }

    /// <summary>Canonical compressed lower-case text, or null.</summary>
    public string? Ipv6 { get; }

    /// <summary>1 to 65535, or 0 when absent.</summary>
    public int Port { get; }

    /// <summary>
    /// Normalises and validates the parts of an endpoint; returns null when nothing is left, as
    /// Zipkin drops an endpoint with no fields. Unparseable addresses are ignored, as Zipkin does.
    /// </summary>
    /// <exception cref="SpanValidationException">The port is above 65535.</exception>
    public static Endpoint? Create(string? serviceName, string? ipv4, string? ipv6, int port)
    {
        if (port > 65535)
        {
            throw new SpanValidationException("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"port {port} is greater than 65535");
        }
        if (port < 0) port = 0;
        serviceName = NameNormalizer.Normalize(serviceName);
        string? v4 = null, v6 = null;
        if (!string.IsNullOrEmpty(ipv4)) ClassifyAddress(ipv4, ref v4, ref v6);
        if (!string.IsNullOrEmpty(ipv6)) ClassifyAddress(ipv6, ref v4, ref v6);
        if (serviceName is null && v4 is null && v6 is null && port == 0) return null;
        return new Endpoint(serviceName, v4, v6, port);
    }

    /// <summary>Creates an endpoint from raw address bytes (4 or 16), as proto3 and thrift carry them.</summary>
    public static Endpoint? FromBytes(string? serviceName, ReadOnlySpan<byte> ipv4, ReadOnlySpan<byte> ipv6, int port)
    {
        string? v4 = ipv4.Length == 4 ? new IPAddress(ipv4).ToString() : null;
        string? v6 = ipv6.Length == 16 ? new IPAddress(ipv6).ToString() : null;
        return Create(serviceName, v4, v6, port);
    }

    /// <summary>Writes the IPv4 address's 4 bytes; false when there is none.</summary>
    public bool TryWriteIpv4Bytes(Span<byte> dest) =>
        Ipv4 is not null && IPAddress.TryParse(Ipv4, out var a) && a.TryWriteBytes(dest, out int n) && n == 4;

    /// <summary>Writes the IPv6 address's 16 bytes; false when there is none.</summary>
    public bool TryWriteIpv6Bytes(Span<byte> dest) =>
        Ipv6 is not null && IPAddress.TryParse(Ipv6, out var a) && a.TryWriteBytes(dest, out int n) && n == 16;

    private static void ClassifyAddress(string text, ref string? v4, ref string? v6)
    {
        if (!IPAddress.TryParse(text, out var address)) return;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            // IPAddress.TryParse accepts forms like "1" or "1.2"; only a dotted quad is an IPv4 literal.
            if (CountDots(text) == 3) v4 ??= address.ToString();
            return;
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return;
        if (address.IsIPv4MappedToIPv6)
        {
            v4 ??= address.MapToIPv4().ToString();
            return;
        }
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (IsIpv4Compatible(b))
        {
            v4 ??= new IPAddress(b[12..]).ToString();
            return;
        }
        address.ScopeId = 0;
        v6 ??= address.ToString();
    }

    private static int CountDots(string s)
    {
        int n = 0;
        foreach (char c in s) if (c == '.') n++;
        return n;
    }

    // "::1.2.3.4": 12 zero bytes then a non-trivial IPv4 (so "::" and "::1" stay IPv6).
    private static bool IsIpv4Compatible(ReadOnlySpan<byte> b)
    {
        for (int i = 0; i < 12; i++) if (b[i] != 0) return false;
        return b[12] != 0;
    }
}
