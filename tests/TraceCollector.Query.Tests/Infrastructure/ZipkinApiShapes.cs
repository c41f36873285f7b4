using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TraceCollector.Query.Tests.Infrastructure;

/// <summary>
/// Checks response bodies against the definitions of zipkin2-api.yaml (openzipkin/zipkin-api):
/// Span, Endpoint, Annotation, Tags, Trace, ListOfTraces, DependencyLink and the string lists. It is
/// stricter than the yaml in one way: a property the yaml does not define is reported too, since
/// Zipkin never writes one and a client could trip over it.
/// </summary>
internal static partial class ZipkinApiShapes
{
    private static readonly string[] Kinds = ["CLIENT", "SERVER", "PRODUCER", "CONSUMER"];

    public static void AssertStringList(string json) => AssertValid(json, StringList);

    public static void AssertTrace(string json) => AssertValid(json, Trace);

    public static void AssertListOfTraces(string json) => AssertValid(json, ListOfTraces);

    public static void AssertDependencyLinks(string json) => AssertValid(json, DependencyLinks);

    private static void AssertValid(string json, Action<JsonElement, string, List<string>> check)
    {
        using var document = JsonDocument.Parse(json);
        var problems = new List<string>();
        check(document.RootElement, "$", problems);
        Assert.True(problems.Count == 0, "response does not match zipkin2-api.yaml:\n" + string.Join("\n", problems) + "\nbody: " + Truncate(json));
    }

    private static void StringList(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Array, path, problems)) return;
        int i = 0;
        foreach (var item in e.EnumerateArray()) Is(item, JsonValueKind.String, $"{path}[{i++}]", problems);
    }

    private static void ListOfTraces(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Array, path, problems)) return;
        int i = 0;
        foreach (var trace in e.EnumerateArray()) Trace(trace, $"{path}[{i++}]", problems);
    }

    private static void Trace(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Array, path, problems)) return;
        int i = 0;
        foreach (var span in e.EnumerateArray()) Span(span, $"{path}[{i++}]", problems);
    }

    private static void Span(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Object, path, problems)) return;
        Required(e, path, problems, "traceId", "id");
        foreach (var p in e.EnumerateObject())
        {
            string at = $"{path}.{p.Name}";
            switch (p.Name)
            {
                case "traceId": Hex(p.Value, at, problems, 16, 32); break;
                case "parentId": case "id": Hex(p.Value, at, problems, 16, 16); break;
                case "name": Is(p.Value, JsonValueKind.String, at, problems); break;
                case "kind":
                    if (Is(p.Value, JsonValueKind.String, at, problems) && Array.IndexOf(Kinds, p.Value.GetString()) < 0) problems.Add($"{at}: {p.Value} is not one of {string.Join("|", Kinds)}");
                    break;
                case "timestamp": Integer(p.Value, at, problems, 0); break;
                case "duration": Integer(p.Value, at, problems, 1); break;
                case "debug": case "shared": Boolean(p.Value, at, problems); break;
                case "localEndpoint": case "remoteEndpoint": Endpoint(p.Value, at, problems); break;
                case "annotations": Annotations(p.Value, at, problems); break;
                case "tags": Tags(p.Value, at, problems); break;
                default: problems.Add($"{at}: not a Span property"); break;
            }
        }
    }

    private static void Endpoint(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Object, path, problems)) return;
        foreach (var p in e.EnumerateObject())
        {
            string at = $"{path}.{p.Name}";
            switch (p.Name)
            {
                case "serviceName": Is(p.Value, JsonValueKind.String, at, problems); break;
                case "ipv4": Address(p.Value, at, problems, AddressFamily.InterNetwork); break;
                case "ipv6": Address(p.Value, at, problems, AddressFamily.InterNetworkV6); break;
                case "port": Integer(p.Value, at, problems, 1, 65535); break;
                default: problems.Add($"{at}: not an Endpoint property"); break;
            }
        }
    }

    private static void Annotations(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Array, path, problems)) return;
        var seen = new HashSet<string>();
        int i = 0;
        foreach (var a in e.EnumerateArray())
        {
            string at = $"{path}[{i++}]";
            if (!Is(a, JsonValueKind.Object, at, problems)) continue;
            Required(a, at, problems, "timestamp", "value");
            foreach (var p in a.EnumerateObject())
            {
                if (p.Name == "timestamp") Integer(p.Value, $"{at}.timestamp", problems, 0);
                else if (p.Name == "value") Is(p.Value, JsonValueKind.String, $"{at}.value", problems);
                else problems.Add($"{at}.{p.Name}: not an Annotation property");
            }
            if (!seen.Add(a.GetRawText())) problems.Add($"{at}: duplicate annotation (uniqueItems)");
        }
    }

    private static void Tags(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Object, path, problems)) return;
        foreach (var p in e.EnumerateObject()) Is(p.Value, JsonValueKind.String, $"{path}.{p.Name}", problems);
    }

    private static void DependencyLinks(JsonElement e, string path, List<string> problems)
    {
        if (!Is(e, JsonValueKind.Array, path, problems)) return;
        int i = 0;
        foreach (var link in e.EnumerateArray())
        {
            string at = $"{path}[{i++}]";
            if (!Is(link, JsonValueKind.Object, at, problems)) continue;
            Required(link, at, problems, "parent", "child", "callCount");
            foreach (var p in link.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "parent": case "child": Is(p.Value, JsonValueKind.String, $"{at}.{p.Name}", problems); break;
                    case "callCount": case "errorCount": Integer(p.Value, $"{at}.{p.Name}", problems, 0); break;
                    // Our one addition (the analysis helper's), which Zipkin's clients ignore.
                    case "networkLatency": Is(p.Value, JsonValueKind.Object, $"{at}.{p.Name}", problems); break;
                    default: problems.Add($"{at}.{p.Name}: not a DependencyLink property"); break;
                }
            }
        }
    }

    private static void Required(JsonElement e, string path, List<string> problems, params string[] names)
    {
        foreach (string name in names)
        {
            if (!e.TryGetProperty(name, out _)) problems.Add($"{path}: required property {name} is missing");
        }
    }

    private static bool Is(JsonElement e, JsonValueKind kind, string path, List<string> problems)
    {
        if (e.ValueKind == kind) return true;
        problems.Add($"{path}: expected {kind}, found {e.ValueKind}");
        return false;
    }

    private static void Boolean(JsonElement e, string path, List<string> problems)
    {
        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) problems.Add($"{path}: expected a boolean, found {e.ValueKind}");
    }

    private static void Integer(JsonElement e, string path, List<string> problems, long min, long max = long.MaxValue)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long n)) problems.Add($"{path}: expected an int64, found {e.GetRawText()}");
        else if (n < min || n > max) problems.Add($"{path}: {n} is outside [{min}, {max}]");
    }

    private static void Hex(JsonElement e, string path, List<string> problems, int minLength, int maxLength)
    {
        if (!Is(e, JsonValueKind.String, path, problems)) return;
        string s = e.GetString()!;
        if (s.Length < minLength || s.Length > maxLength || !LowerHex().IsMatch(s)) problems.Add($"{path}: \"{s}\" is not {minLength}-{maxLength} lower-hex characters");
    }

    private static void Address(JsonElement e, string path, List<string> problems, AddressFamily family)
    {
        if (!Is(e, JsonValueKind.String, path, problems)) return;
        string s = e.GetString()!;
        bool ok = IPAddress.TryParse(s, out var a) && a.AddressFamily == family
            && (family != AddressFamily.InterNetwork || s.Count(c => c == '.') == 3);
        if (!ok) problems.Add($"{path}: \"{s}\" is not a valid {(family == AddressFamily.InterNetwork ? "ipv4" : "ipv6")} address");
    }

    private static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000] + "…";

    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex LowerHex();
}
