using System.Net;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>Binary addresses for the proto3 and thrift encoders, from the model's canonical text.</summary>
internal static class IpAddressBytes
{
    /// <summary>Parses the model's dotted quad without allocating; false when the endpoint has no IPv4.</summary>
    public static bool TryIpv4(Endpoint endpoint, Span<byte> dest)
    {
        string? text = endpoint.Ipv4;
        if (text is null) return false;
        int part = 0, value = 0, digits = 0;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || part == 3) return endpoint.TryWriteIpv4Bytes(dest);
                dest[part++] = (byte)value;
                value = digits = 0;
            }
            else if (c is >= '0' and <= '9' && digits < 3)
            {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) return endpoint.TryWriteIpv4Bytes(dest);
            }
            else return endpoint.TryWriteIpv4Bytes(dest);
        }
        if (part != 3 || digits == 0) return endpoint.TryWriteIpv4Bytes(dest);
        dest[3] = (byte)value;
        return true;
    }

    public static bool TryIpv6(Endpoint endpoint, Span<byte> dest) => endpoint.TryWriteIpv6Bytes(dest);

    /// <summary>The IPv4 address as a big-endian int, as thrift's Endpoint.ipv4 carries it; 0 when absent.</summary>
    public static int Ipv4AsInt(Endpoint endpoint)
    {
        Span<byte> b = stackalloc byte[4];
        return TryIpv4(endpoint, b) ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b) : 0;
    }

    internal static string Ipv4Text(int address)
    {
        Span<byte> b = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b, address);
        return new IPAddress(b).ToString();
    }
}
