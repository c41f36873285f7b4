using System.Net;

namespace TraceCollector.Query.Tests.Infrastructure;

/// <summary>A response read in full, so assertion messages can show the body.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body, string? ContentType, HttpResponseMessage Message)
{
    /// <summary>A header as the server sent it (HttpClient would reorder parsed values such as Cache-Control).</summary>
    public string? Header(string name) =>
        Message.Headers.NonValidated.TryGetValues(name, out var values) || Message.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    public override string ToString() => $"{(int)Status} {ContentType}: {Body}";
}

internal static class ApiClientExtensions
{
    public static async Task<ApiResponse> GetApiAsync(this HttpClient client, string path, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        var response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, body, response.Content.Headers.ContentType?.ToString(), response);
    }
}
