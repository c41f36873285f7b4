using System.Diagnostics;
using Microsoft.Playwright;

namespace TraceCollector.Ui.Tests;

/// <summary>The UI in a real browser against a running server: search, a trace with its critical path and network time, the graph, the analysis.</summary>
public sealed class UiBrowserTests : IClassFixture<SeededServer>
{
    private readonly SeededServer _seeded;

    public UiBrowserTests(SeededServer seeded) => _seeded = seeded;

    private string Url(string path) => new Uri(_seeded.Server.BaseAddress, path).ToString();

    private static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(SeededServer.ScreenshotDir, name + ".png"), FullPage = true });

    [Fact]
    public async Task Search_finds_the_seeded_trace_and_opens_it_with_its_critical_path_and_network_time()
    {
        var page = await _seeded.NewPageAsync();
        await page.GotoAsync(Url("/"));
        Assert.EndsWith("/ui/", page.Url);
        await page.WaitForSelectorAsync("#serviceName option[value=frontend]", new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#serviceName", "frontend");
        await page.ClickAsync("#run-search");
        var result = page.Locator($"li.result[data-trace-id='{SeededServer.CheckoutTraceId}']");
        await result.WaitForAsync();
        Assert.Contains("serviceName=frontend", page.Url); // the search is in the URL
        Assert.Contains("error", await result.InnerTextAsync());
        await ShotAsync(page, "search");

        await result.Locator("a.title").ClickAsync();
        await page.WaitForSelectorAsync("#critical-path tbody tr");
        Assert.EndsWith($"/ui/traces/{SeededServer.CheckoutTraceId}", page.Url);

        long t0 = _seeded.T0;
        var expected = new (string Span, long Start, long End)[]
        {
            ("000000000000000a", 0, 100), ("000000000000000b", 100, 150), ("000000000000000b", 150, 650), ("000000000000000b", 650, 700),
            ("000000000000000a", 700, 750), ("000000000000000c", 750, 950), ("000000000000000a", 950, 1000),
        };
        var rows = page.Locator("#critical-path tbody tr");
        Assert.Equal(expected.Length, await rows.CountAsync());
        for (int i = 0; i < expected.Length; i++)
        {
            var row = rows.Nth(i);
            Assert.Equal(expected[i].Span, await row.GetAttributeAsync("data-segment-span"));
            Assert.Equal((t0 + expected[i].Start).ToString(), await row.GetAttributeAsync("data-start"));
            Assert.Equal((t0 + expected[i].End).ToString(), await row.GetAttributeAsync("data-end"));
        }
        Assert.Contains("1.00ms", await page.Locator("#critical-path h2").InnerTextAsync());

        // The critical path is drawn on the waterfall, and the network legs beside the client call.
        Assert.True(await page.Locator("#waterfall .crit").CountAsync() >= 4);
        Assert.Equal("request on the network 50µs", await page.Locator("#waterfall .net[data-network-leg=request]").GetAttributeAsync("title"));
        Assert.Equal("response on the network 50µs", await page.Locator("#waterfall .net[data-network-leg=response]").GetAttributeAsync("title"));
        var networkRow = page.Locator("#network-latency tbody tr");
        Assert.Equal(1, await networkRow.CountAsync());
        Assert.Equal("100", await networkRow.GetAttributeAsync("data-total"));
        Assert.Contains("frontend → inventory", await networkRow.InnerTextAsync());

        // Span details on click.
        await page.Locator("#waterfall .row[data-span-id='000000000000000b'][data-kind=SERVER]").ClickAsync();
        await page.WaitForSelectorAsync("#span-tags");
        string details = await page.Locator("#span-details").InnerTextAsync();
        Assert.Contains("stock lookup slow", details);
        Assert.Contains("cache miss", details);
        await ShotAsync(page, "trace");
    }

    [Fact]
    public async Task The_trace_page_collapses_subtrees_finds_spans_and_moves_by_keyboard()
    {
        var page = await _seeded.NewPageAsync();
        await page.GotoAsync(Url($"/ui/traces/{SeededServer.CheckoutTraceId}"));
        await page.WaitForSelectorAsync("#waterfall .row");
        Assert.Equal(4, await page.Locator("#waterfall .row").CountAsync());
        await page.Locator("#waterfall .row[data-span-id='000000000000000a'] .toggle").ClickAsync();
        Assert.Equal(1, await page.Locator("#waterfall .row").CountAsync());
        await page.FillAsync("#find-span", "render");
        Assert.Equal("1 of 1", await page.Locator("#find-count").InnerTextAsync());
        Assert.Equal(4, await page.Locator("#waterfall .row").CountAsync()); // the match's ancestors were opened
        Assert.Equal("true", await page.Locator("#waterfall .row[data-span-id='000000000000000c']").GetAttributeAsync("aria-selected"));
        await page.FocusAsync("#waterfall");
        await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal("true", await page.Locator("#waterfall .row.selected").GetAttributeAsync("aria-selected"));
        Assert.NotEqual("000000000000000c", await page.Locator("#waterfall .row.selected").GetAttributeAsync("data-span-id"));
    }

    [Fact]
    public async Task A_ten_thousand_span_trace_opens_in_under_two_seconds_and_renders_only_what_is_on_screen()
    {
        var page = await _seeded.NewPageAsync();
        // A first visit warms the server's and browser's caches; the second is the one measured.
        await page.GotoAsync(Url($"/ui/traces/{SeededServer.LargeTraceId}"));
        await page.WaitForSelectorAsync("#waterfall .row");
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(Url($"/ui/traces/{SeededServer.LargeTraceId}"));
        await page.WaitForSelectorAsync("#waterfall .row");
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the 10,000-span trace took {clock.ElapsedMilliseconds} ms to open");
        int rendered = await page.Locator("#waterfall .row").CountAsync();
        Assert.InRange(rendered, 10, 200); // virtualised: a screenful plus overscan, not 10,000 rows
        await page.EvalOnSelectorAsync("#waterfall", "el => el.scrollTop = 120000");
        await page.WaitForFunctionAsync("() => document.querySelector('#waterfall .row') && parseInt(document.querySelector('#waterfall .row').style.top) > 100000");
        await ShotAsync(page, "large-trace");
    }

    [Fact]
    public async Task The_dependency_graph_and_the_analysis_show_the_seeded_calls()
    {
        var page = await _seeded.NewPageAsync();
        await page.GotoAsync(Url("/ui/dependencies?window=1d"));
        await page.WaitForSelectorAsync("#dependency-graph svg");
        Assert.Equal(1, await page.Locator("#dependency-graph .edge[data-parent=frontend][data-child=inventory]").CountAsync());
        Assert.Equal(1, await page.Locator("#dependency-graph .node[data-service=inventory]").CountAsync());
        string edge = await page.Locator("#dependency-graph .edge[data-parent=frontend][data-child=inventory] text").TextContentAsync() ?? "";
        Assert.Contains("1 calls", edge);
        Assert.Contains("100.0% errors", edge);
        await ShotAsync(page, "dependencies");

        await page.GotoAsync(Url("/ui/analysis?serviceName=frontend&window=1d"));
        await page.WaitForSelectorAsync("#critical-operations tbody tr");
        var top = page.Locator("#critical-operations tbody tr").First;
        Assert.Equal("inventory", await top.GetAttributeAsync("data-service")); // 500 of 1000 µs
        Assert.Equal(1, await page.Locator("#network-edges tbody tr[data-edge='frontend→inventory']").CountAsync());
        await ShotAsync(page, "analysis");
    }

    [Fact]
    public async Task Errors_from_the_api_are_shown_as_messages_not_a_blank_page()
    {
        var page = await _seeded.NewPageAsync();
        await page.GotoAsync(Url("/ui/traces/00000000000000000000000000000bad"));
        var banner = page.Locator("#error");
        await banner.WaitForAsync();
        Assert.Contains("404", await banner.InnerTextAsync());
        await page.GotoAsync(Url("/ui/"));
        await page.FillAsync("#goto-trace-id", "not-hex");
        await page.PressAsync("#goto-trace-id", "Enter");
        Assert.Contains("is not a trace id", await banner.InnerTextAsync());
    }
}
