using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace TraceCollector.Query.Cors;

/// <summary>
/// CORS for every route, collector POSTs included, as Zipkin's server decorates them: GET and POST,
/// request headers content-type and X-GRPC-WEB, gRPC status headers exposed, no credentials. A
/// disallowed origin gets no CORS headers but is still served; TRACE is refused everywhere.
/// </summary>
internal sealed class ZipkinCorsMiddleware
{
    private static readonly string[] AllowedRequestHeaders = ["content-type", "x-grpc-web"];
    private const string AllowedMethods = "GET,POST";
    private const string ExposedHeaders = "grpc-status,grpc-message,armeria.grpc.ThrowableProto-bin";

    private readonly RequestDelegate _next;
    private readonly CorsPolicy _policy;

    public ZipkinCorsMiddleware(RequestDelegate next, CorsPolicy policy)
    {
        _next = next;
        _policy = policy;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (HttpMethods.IsTrace(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }
        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin)) return _next(context);

        bool allowed = _policy.Allows(origin);
        if (HttpMethods.IsOptions(request.Method) && !StringValues.IsNullOrEmpty(request.Headers.AccessControlRequestMethod))
        {
            return Preflight(context, origin, allowed);
        }
        if (allowed)
        {
            AddAllowOrigin(response, origin);
            response.Headers.AccessControlExposeHeaders = ExposedHeaders;
        }
        return _next(context);
    }

    private Task Preflight(HttpContext context, string origin, bool allowed)
    {
        var request = context.Request;
        var response = context.Response;
        string method = request.Headers.AccessControlRequestMethod.ToString();
        if (!allowed || !(HttpMethods.IsGet(method) || HttpMethods.IsPost(method)) || !RequestedHeadersAllowed(request))
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        AddAllowOrigin(response, origin);
        response.Headers.AccessControlAllowMethods = AllowedMethods;
        string requested = request.Headers.AccessControlRequestHeaders.ToString();
        if (requested.Length > 0) response.Headers.AccessControlAllowHeaders = requested;
        response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    private void AddAllowOrigin(HttpResponse response, string origin)
    {
        if (_policy.AllowsAnyOrigin)
        {
            response.Headers.AccessControlAllowOrigin = "*";
            return;
        }
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.Vary = "origin";
    }

    private static bool RequestedHeadersAllowed(HttpRequest request)
    {
        foreach (string? line in request.Headers.AccessControlRequestHeaders)
        {
            if (line is null) continue;
            foreach (var header in line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Array.IndexOf(AllowedRequestHeaders, header.ToLowerInvariant()) < 0) return false;
            }
        }
        return true;
    }
}
