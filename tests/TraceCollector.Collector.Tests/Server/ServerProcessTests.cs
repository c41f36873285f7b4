using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using TraceCollector.Codecs;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.TestSupport;

namespace TraceCollector.Collector.Tests.Server;

/// <summary>The real all-in-one Server (its Program.cs), run as a process on a free port with the in-memory store.</summary>
public sealed class ServerProcessTests : IAsyncLifetime
{
    private Process _server = null!;
    private HttpClient _client = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        int port = FreePort.Next();
        _base = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "TraceCollector.Server.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["QUERY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["STORAGE_TYPE"] = "mem";
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        _client = new HttpClient { BaseAddress = _base, Timeout = TimeSpan.FromSeconds(30) };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.False(_server.HasExited, "the server exited during start-up");
            try
            {
                if ((await _client.GetAsync("health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "the server did not answer /health within 60 s");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (!_server.HasExited) _server.Kill(entireProcessTree: true);
        await _server.WaitForExitAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task OnePortServesIngestOverHttpAndGrpcTheQueryApiAndMetrics()
    {
        var posted = await _client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(TestSpans.Batch(3)), "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        using var channel = GrpcChannel.ForAddress(_base);
        var grpcSpans = TestSpans.Batch(2).Select(s => s with { LocalEndpoint = Model.Endpoint.Create("grpc-reporter", null, null, 0) }).ToList();
        await channel.CreateCallInvoker().AsyncUnaryCall(RawReport.Method, null, new CallOptions(), Proto3Encoder.EncodeList(grpcSpans));

        string services = await _client.GetStringAsync("api/v2/services");
        Assert.Contains("\"frontend\"", services);
        Assert.Contains("\"grpc-reporter\"", services);

        string prometheus = await _client.GetStringAsync("prometheus");
        Assert.Contains("zipkin_collector_spans_total{transport=\"http\"} 3", prometheus);
        Assert.Contains("zipkin_collector_spans_total{transport=\"grpc\"} 2", prometheus);
    }
}
