using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TraceCollector.Query.Configuration;

/// <summary>
/// Reads Zipkin's environment variables the way its Spring configuration binds them. A value that
/// cannot be read stops the host at start-up with the variable's name, rather than turning into a
/// surprise default or an error on the first request.
/// </summary>
internal static class ZipkinSettings
{
    public static string? GetString(IConfiguration config, string name)
    {
        string? value = config[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public static bool GetBool(IConfiguration config, string name, bool defaultValue)
    {
        string? value = GetString(config, name);
        if (value is null) return defaultValue;
        if (bool.TryParse(value, out bool b)) return b;
        throw Invalid(name, value, "true or false");
    }

    public static long GetLong(IConfiguration config, string name, long defaultValue, long min = long.MinValue)
    {
        string? value = GetString(config, name);
        if (value is null) return defaultValue;
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n >= min) return n;
        throw Invalid(name, value, min == long.MinValue ? "an integer" : $"an integer >= {min}");
    }

    public static double GetDouble(IConfiguration config, string name, double defaultValue)
    {
        string? value = GetString(config, name);
        if (value is null) return defaultValue;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return d;
        throw Invalid(name, value, "a number");
    }

    /// <summary>A Spring duration: plain milliseconds, or a number with ns, us, ms, s, m, h or d (e.g. 11s).</summary>
    public static TimeSpan GetDuration(IConfiguration config, string name, TimeSpan defaultValue)
    {
        string? value = GetString(config, name);
        if (value is null) return defaultValue;
        if (TryParseDuration(value, out var duration)) return duration;
        throw Invalid(name, value, "a duration such as 11s, 500ms or 2m");
    }

    /// <summary>A comma-separated list, entries trimmed, empty entries dropped.</summary>
    public static IReadOnlyList<string> GetList(IConfiguration config, string name)
    {
        string? value = GetString(config, name);
        if (value is null) return Array.Empty<string>();
        return value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        int unitStart = text.Length;
        while (unitStart > 0 && char.IsAsciiLetter(text[unitStart - 1])) unitStart--;
        if (!long.TryParse(text.AsSpan(0, unitStart), NumberStyles.Integer, CultureInfo.InvariantCulture, out long amount) || amount < 0) return false;
        double? ticksPerUnit = text[unitStart..].ToLowerInvariant() switch
        {
            "" or "ms" => TimeSpan.TicksPerMillisecond,
            "ns" => 0.01,
            "us" => TimeSpan.TicksPerMicrosecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" => TimeSpan.TicksPerMinute,
            "h" => TimeSpan.TicksPerHour,
            "d" => TimeSpan.TicksPerDay,
            _ => null,
        };
        if (ticksPerUnit is not { } perUnit) return false;
        double ticks = amount * perUnit;
        if (ticks > TimeSpan.MaxValue.Ticks) return false;
        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static InvalidOperationException Invalid(string name, string value, string expected) =>
        new($"{name}={value} is not valid: expected {expected}");
}
