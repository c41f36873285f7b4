namespace TraceCollector.Model;

/// <summary>
/// Lenient hex id handling shared by every codec: 1 to 16 (span) or 32 (trace) hex digits, upper or
/// lower case, left-padded with zeros. All-zero ids are invalid, as in Zipkin.
/// </summary>
public static class HexId
{
    private static ReadOnlySpan<byte> LowerHexDigits => "0123456789abcdef"u8;

    public static bool TryParseTraceId(ReadOnlySpan<char> hex, out TraceId id)
    {
        id = default;
        if (hex.Length is 0 or > 32) return false;
        ulong high = 0, low;
        if (hex.Length > 16)
        {
            if (!TryParseHex(hex[..^16], out high)) return false;
            if (!TryParseHex(hex[^16..], out low)) return false;
        }
        else if (!TryParseHex(hex, out low)) return false;
        if (high == 0 && low == 0) return false;
        id = new TraceId(high, low);
        return true;
    }

    public static bool TryParseTraceId(ReadOnlySpan<byte> utf8Hex, out TraceId id)
    {
        id = default;
        if (utf8Hex.Length is 0 or > 32) return false;
        ulong high = 0, low;
        if (utf8Hex.Length > 16)
        {
            if (!TryParseHex(utf8Hex[..^16], out high)) return false;
            if (!TryParseHex(utf8Hex[^16..], out low)) return false;
        }
        else if (!TryParseHex(utf8Hex, out low)) return false;
        if (high == 0 && low == 0) return false;
        id = new TraceId(high, low);
        return true;
    }

    /// <summary>Parses up to 16 hex digits; zero is returned as a valid parse so callers can decide (parentId zero means absent).</summary>
    public static bool TryParseSpanId(ReadOnlySpan<char> hex, out ulong id)
    {
        id = 0;
        return hex.Length is > 0 and <= 16 && TryParseHex(hex, out id);
    }

    public static bool TryParseSpanId(ReadOnlySpan<byte> utf8Hex, out ulong id)
    {
        id = 0;
        return utf8Hex.Length is > 0 and <= 16 && TryParseHex(utf8Hex, out id);
    }

    private static bool TryParseHex(ReadOnlySpan<char> hex, out ulong value)
    {
        value = 0;
        foreach (char c in hex)
        {
            int d = HexValue(c);
            if (d < 0) return false;
            value = (value << 4) | (uint)d;
        }
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> hex, out ulong value)
    {
        value = 0;
        foreach (byte c in hex)
        {
            int d = HexValue((char)c);
            if (d < 0) return false;
            value = (value << 4) | (uint)d;
        }
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    public static string Format(ulong id) => string.Create(16, id, static (dest, v) => WriteHex(v, dest));

    public static string Format(TraceId id) => id.High == 0
        ? Format(id.Low)
        : string.Create(32, id, static (dest, v) =>
        {
            WriteHex(v.High, dest[..16]);
            WriteHex(v.Low, dest[16..]);
        });

    /// <summary>Writes 16 lower-case hex digits.</summary>
    public static void WriteHex(ulong value, Span<char> dest)
    {
        for (int i = 15; i >= 0; i--)
        {
            dest[i] = (char)LowerHexDigits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>Writes 16 lower-case hex digits as UTF-8.</summary>
    public static void WriteHex(ulong value, Span<byte> dest)
    {
        for (int i = 15; i >= 0; i--)
        {
            dest[i] = LowerHexDigits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>Writes the trace id's 16 or 32 hex digits as UTF-8 and returns how many were written.</summary>
    public static int WriteHex(TraceId id, Span<byte> dest)
    {
        if (id.High == 0)
        {
            WriteHex(id.Low, dest);
            return 16;
        }
        WriteHex(id.High, dest);
        WriteHex(id.Low, dest[16..]);
        return 32;
    }

    internal static string DescribeInvalidTraceId(ReadOnlySpan<char> hex) =>
        hex.Length == 0 ? "traceId is empty"
        : hex.Length > 32 ? $"traceId {hex} is longer than 32 hex digits"
        : IsAllHex(hex) ? $"traceId {hex} is all zeros"
        : $"traceId {hex} should be hex encoded with no prefix";

    internal static string DescribeInvalidSpanId(ReadOnlySpan<char> hex) =>
        hex.Length == 0 ? "span id is empty"
        : hex.Length > 16 ? $"span id {hex} is longer than 16 hex digits"
        : IsAllHex(hex) ? $"span id {hex} is all zeros"
        : $"span id {hex} should be hex encoded with no prefix";

    private static bool IsAllHex(ReadOnlySpan<char> hex)
    {
        foreach (char c in hex) if (HexValue(c) < 0) return false;
        return true;
    }
}
