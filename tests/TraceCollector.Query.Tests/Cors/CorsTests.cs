using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TraceCollector.Query.Tests.Health;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Cors;

public sealed class CorsTests
{
    private const string AllowOrigin = "Access-Control-Allow-Origin";

    [Fact]
    public async Task AnyOrigin_ByDefault_AllowsStarWithoutVary()
    {
        await using var server = await StartAsync(null);
        using var response = await server.Client.SendAsync(Get("info", "http://ui.example"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Header(response, AllowOrigin));
        Assert.False(response.Headers.Contains("Vary"));
        Assert.Contains("grpc-status", Header(response, "Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task NoOriginHeader_GetsNoCorsHeaders()
    {
        await using var server = await StartAsync(null);
        using var response = await server.Client.GetAsync("info");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, AllowOrigin));
    }

    [Fact]
    public async Task ListedOrigin_IsEchoedWithVaryOrigin()
    {
        await using var server = await StartAsync("http://a.example, http://ui.example");
        using var response = await server.Client.SendAsync(Get("info", "http://ui.example"));

        Assert.Equal("http://ui.example", Header(response, AllowOrigin));
        Assert.Contains("origin", response.Headers.Vary, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnlistedOrigin_IsStillServedButWithoutCorsHeaders()
    {
        await using var server = await StartAsync("http://a.example");
        using var response = await server.Client.SendAsync(Get("info", "http://evil.example"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, AllowOrigin));
        Assert.Null(Header(response, "Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task Preflight_ForCollectorPost_AllowsGetPostAndContentType()
    {
        await using var server = await StartAsync("http://ui.example");
        using var request = Preflight("api/v2/spans", "http://ui.example", "POST", "content-type");
        using var response = await server.Client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal("http://ui.example", Header(response, AllowOrigin));
        Assert.Equal("GET,POST", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("content-type", Header(response, "Access-Control-Allow-Headers"));
    }

    [Theory]
    [InlineData("http://evil.example", "POST", null)]
    [InlineData("http://ui.example", "PUT", null)]
    [InlineData("http://ui.example", "POST", "authorization")]
    public async Task Preflight_NotAllowed_IsForbiddenWithoutCorsHeaders(string origin, string method, string? headers)
    {
        await using var server = await StartAsync("http://ui.example");
        using var response = await server.Client.SendAsync(Preflight("api/v2/spans", origin, method, headers));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Header(response, AllowOrigin));
    }

    [Fact]
    public async Task CollectorPost_GetsCorsHeadersToo()
    {
        await using var server = await StartAsync(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/spans") { Content = new StringContent("[]") };
        request.Headers.Add("Origin", "http://ui.example");
        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("*", Header(response, AllowOrigin));
    }

    [Theory]
    [InlineData("info")]
    [InlineData("api/v2/spans")]
    [InlineData("no/such/route")]
    public async Task TraceMethod_IsRefusedOnEveryPath(string path)
    {
        await using var server = await StartAsync(null);
        using var response = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Trace, path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static Task<QueryTestServer> StartAsync(string? allowedOrigins) =>
        QueryTestServer.StartAsync(
            services => services.AddSingleton<TraceCollector.Storage.IStorageHealthCheck>(ScriptedHealthCheck.Up("test")),
            new Dictionary<string, string?> { ["QUERY_ENABLED"] = "false", ["ZIPKIN_QUERY_ALLOWED_ORIGINS"] = allowedOrigins },
            // Stands in for the collector's POST route: CORS must cover routes the query side does not own.
            app => app.MapPost("/api/v2/spans", () => Results.StatusCode(StatusCodes.Status202Accepted)));

    private static HttpRequestMessage Get(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null) request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
