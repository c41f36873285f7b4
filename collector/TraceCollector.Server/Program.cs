using TraceCollector.Collector;
using TraceCollector.Collector.Http;
using TraceCollector.Collector.Otlp;
using TraceCollector.Query;
using TraceCollector.Ui;
using TraceCollector.Storage.Composition;

// The all-in-one server: storage, the collectors and the query API on one port, as Zipkin's server.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddServerConsole(builder.Configuration);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenZipkin(ServerSettings.Port(builder.Configuration)));
builder.WebHost.UseOtlpPorts(builder.Configuration);

builder.Services.AddTraceStorage(builder.Configuration);
builder.Services.AddZipkinCollector(builder.Configuration);
builder.Services.AddOtlpCollector(builder.Configuration);
builder.Services.AddZipkinQuery(builder.Configuration);

var app = builder.Build();
app.UseZipkinCors();
app.MapHealthAndInfo();
app.MapZipkinCollector();
app.MapOtlpCollector(builder.Configuration);
app.MapCollectorMetrics();
app.MapZipkinQuery();
app.MapTraceAnalysis();
app.MapTraceCollectorUi();
app.Run();
