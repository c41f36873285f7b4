// The query service on its own: the Zipkin API, the analyses, our UI and health over the configured
// storage (STORAGE_TYPE), on QUERY_PORT (9411), with no collectors. Beside a running all-in-one
// server or collector on the same embedded store it opens RocksDB as a read-only secondary that
// follows the primary, since only one process may open the store for writing.
using TraceCollector.Query;
using TraceCollector.Storage.Composition;
using TraceCollector.Ui;

var builder = WebApplication.CreateBuilder(args);
var config = builder.Configuration;
bool embeddedStore = string.Equals((config["STORAGE_TYPE"] ?? StorageFactory.DefaultStorageType).Trim(), "rocksdb", StringComparison.OrdinalIgnoreCase);
if (embeddedStore && string.IsNullOrWhiteSpace(config["ROCKSDB_SECONDARY_DIR"]))
{
    config["ROCKSDB_SECONDARY_DIR"] = Path.Combine(Path.GetTempPath(), "tracecollector-query-secondary", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
builder.WebHost.UseUrls($"http://0.0.0.0:{config["QUERY_PORT"] ?? "9411"}");
builder.Services.AddTraceStorage(config);
builder.Services.AddZipkinQuery(config);

var app = builder.Build();
app.UseZipkinCors();
app.MapZipkinQuery();
app.MapTraceAnalysis();
app.MapHealthAndInfo();
app.MapTraceCollectorUi();
app.Run();
