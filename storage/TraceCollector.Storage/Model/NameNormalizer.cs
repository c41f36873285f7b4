namespace TraceCollector.Model;

/// <summary>Zipkin lower-cases service and span names on ingest and treats an empty name as absent.</summary>
public static class NameNormalizer
{
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        foreach (char c in name)
        {
            if (char.IsUpper(c) || c > 0x7F) return name.ToLowerInvariant();
        }
        return name;
    }
}
