// Reports one trace (a server span and a client child with an error status) through the
// OpenTelemetry JS SDK and its OTLP/HTTP protobuf exporter to a running collector's /v1/traces.
//
// Usage: node otel-js-otlp-reporter.cjs COLLECTOR_BASE_URL
// Prints one JSON line with the ids the SDK chose. Exits non-zero unless every export succeeded.
'use strict';
const api = require('@opentelemetry/api');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { ExportResultCode } = require('@opentelemetry/core');

const [baseUrl] = process.argv.slice(2);
api.diag.setLogger(new api.DiagConsoleLogger(), api.DiagLogLevel.WARN);

// The SDK only logs a failed export; recording each result lets the exit code say whether the collector took the spans.
const otlp = new OTLPTraceExporter({ url: new URL('v1/traces', baseUrl).href });
const failures = [];
const exporter = {
  export(spans, done) {
    otlp.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) failures.push(result.error ? result.error.message : `code ${result.code}`);
      done(result);
    });
  },
  shutdown: () => otlp.shutdown(),
  forceFlush: () => otlp.forceFlush(),
};

const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'JS-Storefront', 'deployment.environment': 'test' }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('storefront-tests', '1.4.0');

const server = tracer.startSpan('GET /cart', { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } });
const client = tracer.startSpan(
  'GET recommendations',
  { kind: api.SpanKind.CLIENT, attributes: { 'peer.service': 'recommendations', 'server.port': 8443, 'retry.attempts': [1, 2] } },
  api.trace.setSpan(api.ROOT_CONTEXT, server));
client.addEvent('retrying');
client.setStatus({ code: api.SpanStatusCode.ERROR, message: 'recommendations timed out' });
client.end();
server.end();

const ids = { traceId: server.spanContext().traceId, serverId: server.spanContext().spanId, clientId: client.spanContext().spanId };
provider.shutdown().then(() => {
  if (failures.length > 0) {
    console.error(`export failed: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log(JSON.stringify(ids));
}, (error) => {
  console.error(`shutdown failed: ${error.message}`);
  process.exit(1);
});
