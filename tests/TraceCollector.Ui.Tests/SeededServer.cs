using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using TraceCollector.TestSupport;

namespace TraceCollector.Ui.Tests;

/// <summary>
/// One all-in-one server (in-memory store) seeded with traces whose critical path and network
/// times are known by hand, and one headless Chromium (Debian's, at /usr/bin/chromium).
/// </summary>
public sealed class SeededServer : IAsyncLifetime
{
    public const string CheckoutTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public const string LargeTraceId = "7a3f0c2e9b1d4e58a6c0b2d4f6e8a0c1";
    public const int LargeTraceSpans = 10_000;

    /// <summary>Start of the checkout trace, epoch microseconds: a few minutes ago so "last 1h" finds it.</summary>
    public long T0 { get; } = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 5 * 60_000) * 1000;

    internal ServerProcess Server { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        Server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["STORAGE_TYPE"] = "mem", ["MEM_MAX_SPANS"] = "100000" });
        await PostAsync(CheckoutTrace());
        await PostAsync(LargeTrace());
        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException("Debian's chromium is not installed: run .ci/run or apt-get install chromium");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }

    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        return page;
    }

    private async Task PostAsync(string json)
    {
        using var response = await Server.Client.PostAsync("api/v2/spans", new StringContent(json, Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"seeding answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{Server.Output}");
        }
    }

    // frontend SERVER a [0,1000] ─ CLIENT b [100,700] ─ inventory SERVER b (shared) [150,650]
    //                            └ local "render" c [750,950]
    // Critical path by hand: a[0,100] b[100,150] b'[150,650] b[650,700] a[700,750] c[750,950] a[950,1000].
    // Network: request 50 µs, response 50 µs, total 100 µs.
    private string CheckoutTrace()
    {
        string S(long offset) => (T0 + offset).ToString(CultureInfo.InvariantCulture);
        return $$$"""
        [
          {"traceId":"{{{CheckoutTraceId}}}","id":"000000000000000a","kind":"SERVER","name":"get /checkout","timestamp":{{{S(0)}}},"duration":1000,
           "localEndpoint":{"serviceName":"frontend","ipv4":"10.0.0.1"},"tags":{"http.method":"GET","http.path":"/checkout"}},
          {"traceId":"{{{CheckoutTraceId}}}","parentId":"000000000000000a","id":"000000000000000b","kind":"CLIENT","name":"get /inventory","timestamp":{{{S(100)}}},"duration":600,
           "localEndpoint":{"serviceName":"frontend","ipv4":"10.0.0.1"},"remoteEndpoint":{"serviceName":"inventory","ipv4":"10.0.0.2","port":8080}},
          {"traceId":"{{{CheckoutTraceId}}}","parentId":"000000000000000a","id":"000000000000000b","kind":"SERVER","shared":true,"name":"get /inventory","timestamp":{{{S(150)}}},"duration":500,
           "localEndpoint":{"serviceName":"inventory","ipv4":"10.0.0.2"},"annotations":[{"timestamp":{{{S(200)}}},"value":"cache miss"}],"tags":{"error":"stock lookup slow"}},
          {"traceId":"{{{CheckoutTraceId}}}","parentId":"000000000000000a","id":"000000000000000c","name":"render","timestamp":{{{S(750)}}},"duration":200,
           "localEndpoint":{"serviceName":"frontend","ipv4":"10.0.0.1"}}
        ]
        """;
    }

    // A root with 9,999 children in a chain of fan-outs: ten levels deep, many siblings.
    private string LargeTrace()
    {
        var json = new StringBuilder("[");
        long start = T0 - 60_000_000;
        for (int i = 1; i <= LargeTraceSpans; i++)
        {
            int parent = i == 1 ? 0 : Math.Max(1, i / 10);
            if (i > 1) json.Append(',');
            json.Append(CultureInfo.InvariantCulture, $$$"""{"traceId":"{{{LargeTraceId}}}","id":"{{{i:x16}}}",""");
            if (parent > 0) json.Append(CultureInfo.InvariantCulture, $$$"""  "parentId":"{{{parent:x16}}}",""");
            json.Append(CultureInfo.InvariantCulture, $$$"""
                "name":"op {{{i % 50}}}","timestamp":{{{start + i * 10}}},"duration":{{{Math.Max(1, 200_000 - i * 15)}}},"localEndpoint":{"serviceName":"svc-{{{i % 7}}}"}}
                """);
        }
        return json.Append(']').ToString();
    }
}
