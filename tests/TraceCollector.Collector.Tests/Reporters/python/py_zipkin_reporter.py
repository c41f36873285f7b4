"""Reports two traces through py_zipkin's own zipkin_span to a running collector's /api/v1/spans.

Usage: python3 py_zipkin_reporter.py COLLECTOR_BASE_URL v1-json|v1-thrift

Prints one JSON line with the ids py_zipkin chose, so the test knows which traces to read back.
Exits non-zero (with the collector's answer on stderr) when a report is not accepted with 202.
"""
import json
import sys
import time
import urllib.error
import urllib.request

from py_zipkin import Encoding, Kind
from py_zipkin.transport import BaseTransportHandler
from py_zipkin.util import generate_random_64bit_string
from py_zipkin.zipkin import ZipkinAttrs, zipkin_span

ENCODINGS = {
    "v1-json": (Encoding.V1_JSON, "application/json"),
    "v1-thrift": (Encoding.V1_THRIFT, "application/x-thrift"),
}


class CollectorTransport(BaseTransportHandler):
    """Posts each batch synchronously, so the script's exit means every span was answered."""

    def __init__(self, url, content_type):
        self.url = url
        self.content_type = content_type
        self.reports = 0

    def get_max_payload_bytes(self):
        return None

    def send(self, payload):
        body = payload if isinstance(payload, bytes) else payload.encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={"Content-Type": self.content_type})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise RuntimeError("collector answered %d: %s" % (error.code, error.read().decode("utf-8", "replace")))
        if status != 202:
            raise RuntimeError("collector answered %d, expected 202" % status)
        self.reports += 1


def report_new_trace(transport, encoding):
    """A trace this process starts: py_zipkin reports the root with timestamp and duration.

    The children get explicit times on a half second, so their microseconds are exact in binary
    floating point and the test can expect them to the microsecond.
    """
    child_start = int(time.time()) + 0.5
    ids = {"childStartMicros": int(child_start * 1000000)}
    with zipkin_span(
        service_name="py-checkout",
        span_name="POST /checkout",
        transport_handler=transport,
        sample_rate=100.0,
        use_128bit_trace_id=True,
        host="127.0.0.1",
        port=8080,
        binary_annotations={"http.uri": "/checkout"},
        encoding=encoding,
    ) as root:
        ids["traceId"] = root.zipkin_attrs.trace_id
        ids["rootId"] = root.zipkin_attrs.span_id
        with zipkin_span(
            service_name="py-checkout",
            span_name="GET /inventory",
            kind=Kind.CLIENT,
            timestamp=child_start,
            duration=0.25,
            annotations={"retrying": child_start + 0.125},
            binary_annotations={"http.status_code": "200"},
        ) as client:
            client.add_sa_binary_annotation(port=9000, service_name="inventory", host="127.0.0.2")
            ids["clientId"] = client.zipkin_attrs.span_id
        with zipkin_span(service_name="py-checkout", span_name="render receipt", timestamp=child_start, duration=0.5) as local:
            ids["localId"] = local.zipkin_attrs.span_id
    return ids


def report_joined_trace(transport, encoding):
    """A request that arrived with B3 headers: the caller owns the span, so py_zipkin omits its timestamp."""
    attrs = ZipkinAttrs(
        trace_id=generate_random_64bit_string(),
        span_id=generate_random_64bit_string(),
        parent_span_id=generate_random_64bit_string(),
        flags="0",
        is_sampled=True,
    )
    with zipkin_span(
        service_name="py-pricing",
        span_name="GET /price",
        zipkin_attrs=attrs,
        transport_handler=transport,
        host="127.0.0.1",
        port=8081,
        encoding=encoding,
    ):
        pass
    return {"traceId": attrs.trace_id, "spanId": attrs.span_id, "parentId": attrs.parent_span_id}


def main():
    base_url, encoding_name = sys.argv[1], sys.argv[2]
    encoding, content_type = ENCODINGS[encoding_name]
    transport = CollectorTransport(base_url.rstrip("/") + "/api/v1/spans", content_type)
    result = {
        "newTrace": report_new_trace(transport, encoding),
        "joinedTrace": report_joined_trace(transport, encoding),
    }
    result["reports"] = transport.reports
    print(json.dumps(result))


if __name__ == "__main__":
    main()
