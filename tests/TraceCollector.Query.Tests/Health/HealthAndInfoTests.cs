using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TraceCollector.Query.Tests.Infrastructure;
using TraceCollector.Storage;

namespace TraceCollector.Query.Tests.Health;

public sealed class HealthAndInfoTests
{
    [Theory]
    [InlineData("health")]
    [InlineData("actuator/health")]
    public async Task Health_AllComponentsUp_Is200WithZipkinShape(string path)
    {
        await using var server = await StartWith(ScriptedHealthCheck.Up("RocksDbStorage"));
        using var response = await server.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("UP", root.GetProperty("status").GetString());
        Assert.Equal("UP", root.GetProperty("zipkin").GetProperty("status").GetString());
        var component = root.GetProperty("zipkin").GetProperty("details").GetProperty("RocksDbStorage");
        Assert.Equal("UP", component.GetProperty("status").GetString());
        Assert.False(component.TryGetProperty("details", out _));
    }

    [Fact]
    public async Task Health_OneComponentDown_Is503NamingItsError()
    {
        await using var server = await StartWith(
            ScriptedHealthCheck.Up("KafkaCollector"),
            ScriptedHealthCheck.Down("CassandraStorage", "IOException: connection refused"));
        using var response = await server.Client.GetAsync("health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var zipkin = json.RootElement.GetProperty("zipkin");
        Assert.Equal("DOWN", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("DOWN", zipkin.GetProperty("status").GetString());
        Assert.Equal("UP", zipkin.GetProperty("details").GetProperty("KafkaCollector").GetProperty("status").GetString());
        var down = zipkin.GetProperty("details").GetProperty("CassandraStorage");
        Assert.Equal("DOWN", down.GetProperty("status").GetString());
        Assert.Equal("IOException: connection refused", down.GetProperty("details").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Health_CheckThrows_IsDownWithExceptionClassAndMessage()
    {
        await using var server = await StartWith(ScriptedHealthCheck.Throws(new IOException("disk gone")));
        using var response = await server.Client.GetAsync("health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"error\":\"IOException: disk gone\"", body);
    }

    [Fact]
    public async Task Health_CheckNeverAnswers_IsDownAsUnreachableInsteadOfHanging()
    {
        await using var server = await StartWith(ScriptedHealthCheck.Hangs());
        using var response = await server.Client.GetAsync("health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("storage unreachable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Info_HasZipkinVersionAndCommit()
    {
        await using var server = await StartWith(ScriptedHealthCheck.Up("x"));
        using var response = await server.Client.GetAsync("info");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var zipkin = json.RootElement.GetProperty("zipkin");
        Assert.False(string.IsNullOrEmpty(zipkin.GetProperty("version").GetString()));
        Assert.False(string.IsNullOrEmpty(zipkin.GetProperty("commit").GetString()));
    }

    private static Task<QueryTestServer> StartWith(params IStorageHealthCheck[] checks) =>
        QueryTestServer.StartAsync(services =>
        {
            foreach (var check in checks) services.AddSingleton(check);
        }, new Dictionary<string, string?> { ["QUERY_ENABLED"] = "false" });
}
