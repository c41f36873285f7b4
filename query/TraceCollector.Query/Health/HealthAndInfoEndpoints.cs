using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TraceCollector.Query.Http;
using TraceCollector.Storage;

namespace TraceCollector.Query.Health;

/// <summary>/health and /info in the shapes of Zipkin's server (zipkin-contract §4.1).</summary>
internal static class HealthAndInfoEndpoints
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);
    private const string ActuatorContentType = "application/vnd.spring-boot.actuator.v2+json";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var probe = new Lazy<ComponentHealthProbe>(() => new ComponentHealthProbe(FindHealthChecks(endpoints.ServiceProvider), HealthTimeout));
        endpoints.MapGet("/health", context => WriteHealthAsync(context, probe.Value, JsonResponse.JsonContentType));
        endpoints.MapGet("/actuator/health", context => WriteHealthAsync(context, probe.Value, ActuatorContentType));

        var info = ReadBuildInfo();
        endpoints.MapGet("/info", context => JsonResponse.WriteAsync(context, info, WriteInfo, contentType: JsonResponse.JsonUtf8ContentType));
        endpoints.MapGet("/actuator/info", context => JsonResponse.WriteAsync(context, info, WriteInfo, contentType: JsonResponse.JsonUtf8ContentType));
    }

    private static IReadOnlyList<IStorageHealthCheck> FindHealthChecks(IServiceProvider services)
    {
        var checks = services.GetServices<IStorageHealthCheck>().ToList();
        if (checks.Count == 0 && services.GetService<ISpanStorage>() is { } storage) checks.Add(storage);
        return checks;
    }

    private static async Task WriteHealthAsync(HttpContext context, ComponentHealthProbe probe, string contentType)
    {
        var results = await probe.CheckAllAsync(context.RequestAborted);
        bool up = results.Length > 0;
        foreach (var r in results) up &= r.IsHealthy;
        await JsonResponse.WriteAsync(context, results, WriteHealth,
            up ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, contentType);
    }

    private static void WriteHealth(Utf8JsonWriter writer, StorageHealth[] results)
    {
        bool up = results.Length > 0;
        foreach (var r in results) up &= r.IsHealthy;
        string status = up ? "UP" : "DOWN";
        writer.WriteStartObject();
        writer.WriteString("status", status);
        writer.WriteStartObject("zipkin");
        writer.WriteString("status", status);
        writer.WriteStartObject("details");
        if (results.Length == 0)
        {
            writer.WriteStartObject("storage");
            writer.WriteString("status", "DOWN");
            writer.WriteStartObject("details");
            writer.WriteString("error", "InvalidOperationException: no storage is configured");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        foreach (var r in results)
        {
            writer.WriteStartObject(r.Component);
            writer.WriteString("status", r.IsHealthy ? "UP" : "DOWN");
            if (!r.IsHealthy)
            {
                writer.WriteStartObject("details");
                writer.WriteString("error", r.Error ?? "unknown error");
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteInfo(Utf8JsonWriter writer, BuildInfo info)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("zipkin");
        writer.WriteString("version", info.Version);
        writer.WriteString("commit", info.Commit);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // The SDK stamps "<version>+<git sha>" into the informational version when built from a checkout.
    private static BuildInfo ReadBuildInfo()
    {
        var assembly = Assembly.GetEntryAssembly() ?? typeof(HealthAndInfoEndpoints).Assembly;
        string informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        int plus = informational.IndexOf('+');
        if (plus < 0) return new BuildInfo(informational, "unknown");
        string sha = informational[(plus + 1)..];
        return new BuildInfo(informational[..plus], sha.Length > 7 ? sha[..7] : sha);
    }

    private sealed record BuildInfo(string Version, string Commit);
}
