using Microsoft.AspNetCore.Http;
using TraceCollector.Query.Configuration;
using TraceCollector.Query.Http;

namespace TraceCollector.Query.Api;

/// <summary>
/// Runs one API request under QUERY_TIMEOUT and turns the failures a client caused into answers:
/// a bad parameter is a plain-text 400, a query that ran out of time a 503 the client may retry.
/// </summary>
internal sealed class QueryExecution
{
    private readonly TimeSpan _timeout;

    public QueryExecution(QueryOptions options) => _timeout = options.Timeout;

    public RequestDelegate Handle(Func<HttpContext, CancellationToken, Task> handler) => context => RunAsync(context, handler);

    private async Task RunAsync(HttpContext context, Func<HttpContext, CancellationToken, Task> handler)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (_timeout > TimeSpan.Zero) deadline.CancelAfter(_timeout);
        try
        {
            await handler(context, deadline.Token);
        }
        catch (BadRequestException e) when (!context.Response.HasStarted)
        {
            await ResponseBody.WriteTextAsync(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            await ResponseBody.WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"query did not complete within QUERY_TIMEOUT ({_timeout.TotalMilliseconds:0} ms)");
        }
    }
}
