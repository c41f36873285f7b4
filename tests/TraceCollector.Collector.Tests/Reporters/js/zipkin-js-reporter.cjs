// Reports one trace (a local root span and a local child) through zipkin-js's own Tracer,
// BatchRecorder and HttpLogger to a running collector.
//
// Usage: node zipkin-js-reporter.cjs COLLECTOR_BASE_URL json-v2|json-v1
// Prints one JSON line with the ids zipkin-js chose. Exits non-zero when the report is not accepted.
'use strict';
const { Tracer, BatchRecorder, ExplicitContext, jsonEncoder } = require('zipkin');
const { HttpLogger } = require('zipkin-transport-http');

const [baseUrl, encodingName] = process.argv.slice(2);
const encodings = {
  'json-v2': { path: 'api/v2/spans', encoder: jsonEncoder.JSON_V2 },
  'json-v1': { path: 'api/v1/spans', encoder: jsonEncoder.JSON_V1 },
};
const encoding = encodings[encodingName];
if (!encoding) throw new Error(`unknown encoding ${encodingName}`);

// A long interval keeps HttpLogger's own timer out of the way: the script sends the queue itself
// and waits for the collector's answer, so exiting means the spans were accepted.
const logger = new HttpLogger({ endpoint: new URL(encoding.path, baseUrl).href, jsonEncoder: encoding.encoder, httpInterval: 600000 });
const tracer = new Tracer({
  ctxImpl: new ExplicitContext(),
  recorder: new BatchRecorder({ logger }),
  localServiceName: 'js-frontend',
  traceId128Bit: true,
});

const ids = {};
tracer.local('render cart', () => {
  ids.traceId = tracer.id.traceId;
  ids.rootId = tracer.id.spanId;
  tracer.recordBinary('cart.items', '3');
  tracer.local('price items', () => {
    ids.childId = tracer.id.spanId;
    ids.childParentId = tracer.id.parentSpanId.getOrElse(null);
    tracer.recordBinary('currency', 'EUR');
    tracer.recordMessage('price cache miss');
  });
});

const answered = new Promise((resolve, reject) => {
  logger.on('success', resolve);
  logger.on('error', reject);
});
logger.processQueue(logger.fetchImplementation);
answered.then(
  () => console.log(JSON.stringify(ids)),
  (error) => {
    console.error(error.message);
    process.exit(1);
  });
