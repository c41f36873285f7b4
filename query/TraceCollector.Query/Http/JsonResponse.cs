using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TraceCollector.Codecs;

namespace TraceCollector.Query.Http;

/// <summary>
/// Writes a response body with <see cref="Utf8JsonWriter"/> into a pooled buffer, then sends it
/// through <see cref="ResponseBody"/> with a Content-Length (gzip when it pays off).
/// </summary>
internal static class JsonResponse
{
    public const string JsonContentType = "application/json";
    public const string JsonUtf8ContentType = "application/json; charset=utf-8";

    public static async Task WriteAsync<TState>(HttpContext context, TState state, Action<Utf8JsonWriter, TState> write,
        int statusCode = StatusCodes.Status200OK, string contentType = JsonContentType)
    {
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, JsonV2Encoder.WriterOptions))
        {
            write(writer, state);
        }
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        await ResponseBody.SendAsync(context, buffer.WrittenMemory);
    }

    public static Task WriteStringsAsync(HttpContext context, IReadOnlyList<string> values) =>
        WriteAsync(context, values, static (writer, list) =>
        {
            writer.WriteStartArray();
            for (int i = 0; i < list.Count; i++) writer.WriteStringValue(list[i]);
            writer.WriteEndArray();
        });
}
