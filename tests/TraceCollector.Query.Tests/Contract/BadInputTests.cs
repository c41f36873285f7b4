using System.Net;
using TraceCollector.Query.Tests.Infrastructure;

namespace TraceCollector.Query.Tests.Contract;

/// <summary>Whatever a client sends, the answer is never a 500: a bad parameter is a 400 saying which one.</summary>
public sealed class BadInputTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    private static readonly string[] Paths =
    [
        "api/v2/services", "api/v2/spans", "api/v2/remoteServices", "api/v2/traces", "api/v2/traceMany",
        "api/v2/dependencies", "api/v2/autocompleteKeys", "api/v2/autocompleteValues", "zipkin/api/v2/traces",
    ];

    private static readonly string[] Queries =
    [
        "", "?", "?&&", "?=", "?serviceName", "?serviceName=%00", "?serviceName=%ZZ", "?serviceName=" + new string('x', 4000),
        "?spanName=%F0%9F%98%80", "?annotationQuery=%3D", "?annotationQuery=%20and%20", "?annotationQuery==x%20and%20y=",
        "?limit=-2147483648", "?limit=2147483647", "?endTs=9223372036854775807", "?endTs=-9223372036854775808",
        "?endTs=1&lookback=9223372036854775807", "?lookback=1e3", "?minDuration=9223372036854775807&maxDuration=9223372036854775807",
        "?traceIds=%2C%2C%2C", "?traceIds=" + new string('f', 40) + ",1", "?key=", "?key=%00", "?serviceName=a&serviceName=b",
    ];

    public static TheoryData<string> Requests()
    {
        var data = new TheoryData<string>();
        foreach (string path in Paths)
        {
            foreach (string query in Queries) data.Add(path + query);
        }
        // (A NUL in the path itself never reaches us: Kestrel refuses the request line with its own 400.)
        foreach (string id in new[] { "%20%20", "g", "-1", "..", "%2e%2e", new string('a', 100), "ffffffffffffffffffffffffffffffff" })
        {
            data.Add("api/v2/trace/" + id);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Never500(string path)
    {
        var response = await site.Client.GetApiAsync(path);

        Assert.True((int)response.Status < 500, $"GET /{path} answered {response}");
        if (response.Status == HttpStatusCode.BadRequest)
        {
            Assert.StartsWith("text/plain", response.ContentType);
            Assert.False(string.IsNullOrWhiteSpace(response.Body), $"GET /{path}: a 400 without a message");
        }
    }
}
