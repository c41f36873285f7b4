using System.Globalization;

namespace TraceCollector.Benchmarks.Load;

/// <summary>Command-line settings of the ingest load tool; every one has a default that matches docs/benchmarks.md.</summary>
internal sealed record LoadOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:9411/");
    public int Connections { get; init; } = 32;
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public int TracesPerRequest { get; init; } = 10;
    public int SpansPerTrace { get; init; } = 10;
    public LoadFormat Format { get; init; } = LoadFormat.ZipkinJson;

    /// <summary>How many accepted traces to read back afterwards: -1 every one, 0 none (a bare endpoint stores nothing).</summary>
    public int Verify { get; init; } = -1;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--url" => options with { Url = new Uri(value.EndsWith('/') ? value : value + "/") },
                "--connections" => options with { Connections = Int(value) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Int(value)) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Int(value)) },
                "--traces" => options with { TracesPerRequest = Int(value) },
                "--spans-per-trace" => options with { SpansPerTrace = Int(value) },
                "--format" => options with { Format = ParseFormat(value) },
                "--verify" => options with { Verify = value == "all" ? -1 : Int(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}; see docs/benchmarks.md, section Ingest (HTTP)"),
            };
            i++;
        }
        return options;
    }

    private static LoadFormat ParseFormat(string value) => value switch
    {
        "zipkin-json" => LoadFormat.ZipkinJson,
        "otlp-proto" => LoadFormat.OtlpProto,
        _ => throw new ArgumentException($"--format should be zipkin-json or otlp-proto, was '{value}'"),
    };

    public static string FormatName(LoadFormat format) => format == LoadFormat.OtlpProto ? "otlp-proto" : "zipkin-json";

    private static int Int(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
