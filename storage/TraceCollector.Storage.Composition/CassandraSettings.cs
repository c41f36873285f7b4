using System.Globalization;
using Microsoft.Extensions.Configuration;
using TraceCollector.Cql.Cluster;
using TraceCollector.Cql.Connection;
using TraceCollector.Storage.Cassandra;

namespace TraceCollector.Storage.Composition;

/// <summary>Reads the CASSANDRA_* variables as Zipkin names them (zipkin-contract 6.4).</summary>
public static class CassandraSettings
{
    public static CassandraStorageOptions Read(IConfiguration config)
    {
        var defaults = new CassandraStorageOptions();
        string contact = config["CASSANDRA_CONTACT_POINTS"] is { Length: > 0 } c ? c : "localhost";
        string? user = config["CASSANDRA_USERNAME"] is { Length: > 0 } u ? u : null;
        string? password = config["CASSANDRA_PASSWORD"] is { Length: > 0 } p ? p : null;
        return defaults with
        {
            Keyspace = ReadKeyspace(config["CASSANDRA_KEYSPACE"]) ?? defaults.Keyspace,
            EnsureSchema = StorageFactory.ReadBool(config, "CASSANDRA_ENSURE_SCHEMA", true),
            IndexFetchMultiplier = ReadPositive(config, "CASSANDRA_INDEX_FETCH_MULTIPLIER", defaults.IndexFetchMultiplier),
            Cluster = new CqlClusterOptions
            {
                ContactPoints = contact.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                LocalDataCenter = config["CASSANDRA_LOCAL_DC"] is { Length: > 0 } dc ? dc : "datacenter1",
                ConnectionsPerHost = ReadPositive(config, "CASSANDRA_MAX_CONNECTIONS", 8),
                Connection = new CqlConnectionOptions
                {
                    Username = user,
                    Password = password,
                    UseSsl = StorageFactory.ReadBool(config, "CASSANDRA_USE_SSL", false),
                    SslHostnameValidation = StorageFactory.ReadBool(config, "CASSANDRA_SSL_HOSTNAME_VALIDATION", true),
                },
            },
        };
    }

    private static string? ReadKeyspace(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        string ks = raw.Trim();
        // The name is spliced into CQL text: only a plain identifier is accepted.
        if (ks.Length > 48 || !ks.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') || !char.IsAsciiLetter(ks[0]))
        {
            throw new InvalidOperationException($"CASSANDRA_KEYSPACE={raw} should be a letter followed by up to 47 letters, digits or underscores");
        }
        return ks.ToLowerInvariant();
    }

    private static int ReadPositive(IConfiguration config, string name, int defaultValue)
    {
        string? raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return defaultValue;
        if (int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0) return value;
        throw new InvalidOperationException($"{name}={raw} should be a positive whole number");
    }
}
