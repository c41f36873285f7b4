using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TraceCollector.Storage.InMemory;
using TraceCollector.Storage.RocksDb;

namespace TraceCollector.Storage.Composition;

/// <summary>
/// Chooses and configures the storage backend from Zipkin's environment variable names, read
/// through <see cref="IConfiguration"/>. Every setting that is present but unreadable fails with a
/// message naming it, so a typo stops the server at start instead of silently using a default.
/// </summary>
public static class StorageFactory
{
    public const string DefaultStorageType = "rocksdb";

    /// <summary>STRICT_TRACE_ID (true), SEARCH_ENABLED (true), AUTOCOMPLETE_KEYS (none), STORAGE_TTL (7d).</summary>
    /// <exception cref="InvalidOperationException">A setting is present but cannot be read.</exception>
    public static StorageOptions ReadOptions(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new StorageOptions();
        return new StorageOptions
        {
            StrictTraceId = ReadBool(config, "STRICT_TRACE_ID", defaults.StrictTraceId),
            SearchEnabled = ReadBool(config, "SEARCH_ENABLED", defaults.SearchEnabled),
            AutocompleteKeys = ReadList(config, "AUTOCOMPLETE_KEYS"),
            Ttl = ReadDuration(config, "STORAGE_TTL", defaults.Ttl),
        };
    }

    /// <summary>
    /// The backend named by STORAGE_TYPE: <c>mem</c> (bounded by MEM_MAX_SPANS, default 500000),
    /// <c>rocksdb</c> (the default) or <c>cassandra3</c>. The caller owns the result and disposes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">STORAGE_TYPE or a backend setting is not usable; the message says why.</exception>
    public static ISpanStorage Create(IConfiguration config, ILoggerFactory logs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logs);
        var options = ReadOptions(config);
        string type = (config["STORAGE_TYPE"] ?? "").Trim().ToLowerInvariant();
        if (type.Length == 0) type = DefaultStorageType;
        var log = logs.CreateLogger(typeof(StorageFactory).FullName!);
        ISpanStorage storage = type switch
        {
            "mem" => CreateInMemory(config, options),
            "rocksdb" => CreateRocksDb(config, options, log),
            "cassandra3" => new Cassandra.CassandraStorage(CassandraSettings.Read(config), options, logs),
            _ => throw new InvalidOperationException(
                $"STORAGE_TYPE={config["STORAGE_TYPE"]} is not supported; use mem, rocksdb or cassandra3."),
        };
        log.LogInformation("Storage {StorageType}: strictTraceId={StrictTraceId} searchEnabled={SearchEnabled} autocompleteKeys=[{AutocompleteKeys}] ttl={Ttl}",
            type, options.StrictTraceId, options.SearchEnabled, string.Join(",", options.AutocompleteKeys), options.Ttl);
        return storage;
    }

    private static InMemoryStorage CreateInMemory(IConfiguration config, StorageOptions options)
    {
        int maxSpans = InMemoryStorage.DefaultMaxSpans;
        string? raw = config["MEM_MAX_SPANS"];
        if (!string.IsNullOrWhiteSpace(raw)
            && (!int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out maxSpans) || maxSpans < 1))
        {
            throw new InvalidOperationException($"MEM_MAX_SPANS={raw} should be a positive whole number of spans");
        }
        return new InMemoryStorage(options, maxSpans);
    }

    /// <summary>
    /// STORAGE_DIR (default ./data). With ROCKSDB_SECONDARY_DIR set the store is opened as a read-only
    /// secondary that follows the primary writing STORAGE_DIR (for a separate query service); that
    /// directory is the secondary's own scratch space.
    /// </summary>
    private static RocksDbStorage CreateRocksDb(IConfiguration config, StorageOptions options, ILogger log)
    {
        string dir = Path.GetFullPath(string.IsNullOrWhiteSpace(config["STORAGE_DIR"]) ? "data" : config["STORAGE_DIR"]!.Trim());
        string? secondary = config["ROCKSDB_SECONDARY_DIR"];
        try
        {
            if (string.IsNullOrWhiteSpace(secondary))
            {
                log.LogInformation("RocksDB store at {StorageDir}", dir);
                return RocksDbStorage.Open(dir, options);
            }
            string secondaryDir = Path.GetFullPath(secondary.Trim());
            log.LogInformation("RocksDB secondary of {StorageDir}, scratch directory {SecondaryDir}", dir, secondaryDir);
            return RocksDbStorage.OpenSecondary(dir, secondaryDir, options);
        }
        catch (Exception e) when (e is RocksDbSharp.RocksDbException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"STORAGE_DIR={dir} cannot be opened as a RocksDB store: {e.Message}", e);
        }
    }

    internal static bool ReadBool(IConfiguration config, string name, bool defaultValue)
    {
        string? raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return defaultValue;
        if (bool.TryParse(raw.Trim(), out bool value)) return value;
        throw new InvalidOperationException($"{name}={raw} should be true or false");
    }

    internal static IReadOnlyList<string> ReadList(IConfiguration config, string name)
    {
        string? raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return Array.Empty<string>();
        var items = new List<string>();
        foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!items.Contains(part)) items.Add(part);
        }
        return items;
    }

    /// <summary>
    /// A duration as <c>7d</c>, <c>12h</c>, <c>30m</c>, <c>90s</c>, <c>500ms</c> or a .NET TimeSpan
    /// (<c>7.00:00:00</c>). A bare number is refused: its unit would be a guess.
    /// </summary>
    internal static TimeSpan ReadDuration(IConfiguration config, string name, TimeSpan defaultValue)
    {
        string? raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return defaultValue;
        if (TryParseDuration(raw.Trim(), out var value) && value > TimeSpan.Zero) return value;
        throw new InvalidOperationException($"{name}={raw} should be a positive duration such as 7d, 12h, 30m, 90s, 500ms or 7.00:00:00");
    }

    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        (string suffix, double ticksPerUnit)[] units =
        [
            ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute),
            ("h", TimeSpan.TicksPerHour), ("d", TimeSpan.TicksPerDay),
        ];
        foreach (var (suffix, ticksPerUnit) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            string number = text[..^suffix.Length].Trim();
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount)) return false;
            double ticks = amount * ticksPerUnit;
            if (double.IsNaN(ticks) || ticks > TimeSpan.MaxValue.Ticks || ticks < 0) return false;
            value = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }
}
