using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// The baseline for the ingest figure: Kestrel on the same kind of port, reading each POST body to
/// the end and discarding it, then answering 202. The collector's figure divided by this one is
/// how much of the HTTP stack's own ceiling the collector keeps.
/// </summary>
internal static class BareEndpoint
{
    public static async Task<int> RunAsync(string[] args)
    {
        int port = args.Length >= 2 && args[0] == "--port" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9412;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/api/v2/spans", DiscardAsync);
        Console.WriteLine($"bare endpoint on http://127.0.0.1:{port}/api/v2/spans");
        await app.RunAsync();
        return 0;
    }

    private static async Task DiscardAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }
}
