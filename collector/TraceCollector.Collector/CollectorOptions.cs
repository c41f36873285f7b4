using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TraceCollector.Collector;

/// <summary>When a receiver answers its client: after the batch is stored, or as soon as it is queued.</summary>
public enum AckMode
{
    /// <summary>COLLECTOR_ACK=durable (default): 202 / OK only once storage has made the batch durable.</summary>
    Durable,

    /// <summary>COLLECTOR_ACK=accepted: answer on enqueue, as Zipkin does; later storage failures are counted, not reported.</summary>
    Accepted,
}

/// <summary>
/// Collector settings, read from Zipkin's environment variable names where Zipkin has one
/// (COLLECTOR_SAMPLE_RATE, COLLECTOR_HTTP_ENABLED, COLLECTOR_GRPC_ENABLED) and COLLECTOR_* names of
/// our own for what Zipkin lacks (acknowledgement, body limit, pipeline sizing).
/// </summary>
public sealed record CollectorOptions
{
    public AckMode Ack { get; init; } = AckMode.Durable;

    /// <summary>COLLECTOR_SAMPLE_RATE, 0.0 to 1.0.</summary>
    public double SampleRate { get; init; } = 1.0;

    public bool HttpEnabled { get; init; } = true;

    public bool GrpcEnabled { get; init; } = true;

    /// <summary>COLLECTOR_MAX_BODY: bytes, bounding both the raw and the decompressed request.</summary>
    public int MaxBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>COLLECTOR_QUEUE_SPANS: spans the pipeline holds before admission has to wait.</summary>
    public int QueueMaxSpans { get; init; } = 200_000;

    /// <summary>COLLECTOR_QUEUE_BATCHES: batches the channel holds.</summary>
    public int QueueMaxBatches { get; init; } = 4096;

    /// <summary>COLLECTOR_ADMISSION_WAIT_MS: how long a submit may wait for room before it is rejected.</summary>
    public TimeSpan AdmissionWait { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>COLLECTOR_GROUP_SPANS: a storage write takes queued batches up to this many spans.</summary>
    public int GroupMaxSpans { get; init; } = 10_000;

    /// <summary>COLLECTOR_LINGER_MS: how long a write waits for more batches to join a small group.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>COLLECTOR_WRITERS: storage writes in flight at once; more than the cores, because a durable write spends part of its time waiting for fsync.</summary>
    public int Writers { get; init; } = 4;

    /// <exception cref="InvalidOperationException">A value is malformed or out of range; the message names the variable.</exception>
    public static CollectorOptions Read(IConfiguration config)
    {
        var defaults = new CollectorOptions();
        double rate = ReadDouble(config, "COLLECTOR_SAMPLE_RATE", defaults.SampleRate);
        if (rate is < 0 or > 1 || double.IsNaN(rate))
        {
            throw new InvalidOperationException($"COLLECTOR_SAMPLE_RATE should be between 0.0 and 1.0, was {rate.ToString(CultureInfo.InvariantCulture)}");
        }
        return new CollectorOptions
        {
            Ack = ReadAck(config["COLLECTOR_ACK"]),
            SampleRate = rate,
            HttpEnabled = ReadBool(config, "COLLECTOR_HTTP_ENABLED", ReadBool(config, "HTTP_COLLECTOR_ENABLED", true)),
            GrpcEnabled = ReadBool(config, "COLLECTOR_GRPC_ENABLED", true),
            MaxBodyBytes = ReadPositiveInt(config, "COLLECTOR_MAX_BODY", defaults.MaxBodyBytes),
            QueueMaxSpans = ReadPositiveInt(config, "COLLECTOR_QUEUE_SPANS", defaults.QueueMaxSpans),
            QueueMaxBatches = ReadPositiveInt(config, "COLLECTOR_QUEUE_BATCHES", defaults.QueueMaxBatches),
            AdmissionWait = TimeSpan.FromMilliseconds(ReadNonNegativeInt(config, "COLLECTOR_ADMISSION_WAIT_MS", (int)defaults.AdmissionWait.TotalMilliseconds)),
            GroupMaxSpans = ReadPositiveInt(config, "COLLECTOR_GROUP_SPANS", defaults.GroupMaxSpans),
            Linger = TimeSpan.FromMilliseconds(ReadNonNegativeInt(config, "COLLECTOR_LINGER_MS", (int)defaults.Linger.TotalMilliseconds)),
            Writers = ReadPositiveInt(config, "COLLECTOR_WRITERS", defaults.Writers),
        };
    }

    private static AckMode ReadAck(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "durable" => AckMode.Durable,
        "accepted" => AckMode.Accepted,
        _ => throw new InvalidOperationException($"COLLECTOR_ACK should be durable or accepted, was {value}"),
    };

    private static bool ReadBool(IConfiguration config, string key, bool fallback)
    {
        string? value = config[key];
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return bool.TryParse(value.Trim(), out bool b) ? b : throw new InvalidOperationException($"{key} should be true or false, was {value}");
    }

    private static double ReadDouble(IConfiguration config, string key, double fallback)
    {
        string? value = config[key];
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            ? d : throw new InvalidOperationException($"{key} should be a number, was {value}");
    }

    private static int ReadPositiveInt(IConfiguration config, string key, int fallback)
    {
        int v = ReadNonNegativeInt(config, key, fallback);
        return v > 0 ? v : throw new InvalidOperationException($"{key} should be positive, was {v}");
    }

    private static int ReadNonNegativeInt(IConfiguration config, string key, int fallback)
    {
        string? value = config[key];
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i >= 0
            ? i : throw new InvalidOperationException($"{key} should be a non-negative integer, was {value}");
    }
}
