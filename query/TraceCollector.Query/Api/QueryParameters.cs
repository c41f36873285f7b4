using System.Globalization;
using Microsoft.AspNetCore.Http;
using TraceCollector.Model;

namespace TraceCollector.Query.Api;

/// <summary>
/// Reads query-string parameters with Zipkin's rules and messages. An empty value counts as absent,
/// as Zipkin's name filters treat it; anything unreadable is a <see cref="BadRequestException"/>.
/// </summary>
internal static class QueryParameters
{
    public static string? Optional(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count == 0) return null;
        string? value = values[0];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>A parameter that must be present; it may be empty (Zipkin then simply finds nothing).</summary>
    public static string Required(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count == 0 || values[0] is null) throw new BadRequestException($"{name} is required");
        return values[0]!;
    }

    public static long? OptionalLong(HttpRequest request, string name, string unit)
    {
        string? text = Optional(request, name);
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)) return value;
        throw new BadRequestException($"{name} should be a whole number of {unit}, not \"{text}\"");
    }

    public static long RequiredLong(HttpRequest request, string name, string unit) =>
        OptionalLong(request, name, unit) ?? throw new BadRequestException($"{name} is required, in {unit}");

    public static int? OptionalInt(HttpRequest request, string name)
    {
        string? text = Optional(request, name);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)) return value;
        throw new BadRequestException($"{name} should be a whole number, not \"{text}\"");
    }

    /// <summary>A trace id as Zipkin's query API reads it: trimmed, 1 to 32 hex digits, padded; either case accepted.</summary>
    public static TraceId ParseTraceId(string raw, string name)
    {
        string text = raw.Trim();
        if (text.Length == 0) throw new BadRequestException($"{name} is empty");
        if (text.Length > 32) throw new BadRequestException($"{name} {text} should be at most 32 lower-hex characters");
        if (!TraceId.TryParse(text, out var id))
        {
            throw new BadRequestException(IsHex(text)
                ? $"{name} {text} is all zeros"
                : $"{name} {text} should be lower-hex encoded with no prefix");
        }
        return id;
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text) if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }
}
