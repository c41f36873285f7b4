using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace TraceCollector.Collector;

/// <summary>What a host reads before it composes anything: the port and how it logs.</summary>
public static class ServerSettings
{
    public const int DefaultPort = 9411;

    /// <summary>
    /// QUERY_PORT (default 9411): as in Zipkin, one port carries the API, the UI, the HTTP collector
    /// and gRPC. Zipkin's COLLECTOR_PORT names its Scribe port, a transport we do not serve.
    /// </summary>
    public static int Port(IConfiguration config)
    {
        string? raw = config["QUERY_PORT"];
        if (string.IsNullOrWhiteSpace(raw)) return DefaultPort;
        return int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int port) && port is >= 0 and <= 65535
            ? port : throw new InvalidOperationException($"QUERY_PORT should be a port number, was {raw}");
    }

    /// <summary>
    /// Console logs, one line per event with its named fields; LOG_FORMAT=json writes each event as a
    /// JSON object (fields as properties) for log shippers.
    /// </summary>
    public static ILoggingBuilder AddServerConsole(this ILoggingBuilder logging, IConfiguration config)
    {
        logging.ClearProviders();
        // One line per request at 1,500 requests a second is noise and a cost; errors still show.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (string.Equals(config["LOG_FORMAT"]?.Trim(), "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        return logging;
    }
}
