#!/usr/bin/env python3
"""A small shop of real OpenTelemetry-instrumented services (Flask + requests, Python SDK).

    shop.py record OUT_DIR [--requests N] [--scenario diagnosis] [--logs]
                                                 record fixtures: OTLP JSON lines + Zipkin v2 JSON;
                                                 with --logs the services also log (Python logging)
                                                 through OpenTelemetry's logging handler (OTLP logs
                                                 JSON lines) and ecs-logging (ECS JSON lines), and
                                                 which span was current for every line is written
                                                 to shop-logs.expected.json
    shop.py zipkin ZIPKIN_URL [--requests N] [--expect FILE]
                                                 send the spans to a running Zipkin instead; with
                                                 --expect, also write what the services did (as
                                                 expected.json, plus every span under
                                                 "span_details") to FILE
    shop.py otlp OTLP_TRACES_URL [--requests N] [--expect FILE]
                                                 the same, sending OTLP/HTTP (protobuf) to a
                                                 collector's traces endpoint, e.g. Jaeger's
                                                 http://127.0.0.1:4318/v1/traces

Services (separate processes, each with its own TracerProvider and service.name):
  frontend  GET /checkout/<n>: cart, then inventory x3 and pricing in parallel, then payment
            (retried once when it fails); n % 5 == 4 asks for an unknown item (inventory 404).
  cart      GET /cart/<n>: a real sqlite3 query in a manual CLIENT span (db.system=sqlite).
  inventory GET /stock/<sku>: 404 for the unknown item.
  pricing   GET /price/<n>: an INTERNAL span "compute discount".
  payment   POST /pay/<n>: calls an uninstrumented "bank" HTTP server; the first attempt of every
            third order fails with HTTP 502 (so frontend retries).
With `--scenario diagnosis` (record mode only; nothing changes without it) the shop has a cause
for its slowness and one for its errors, each tied to an attribute, for the outliers test:
  inventory picks a warehouse per item and order (`shop.warehouse`); looking stock up in the
            remote `eu-west` warehouse takes 30 ms longer.
  payment   charges a card network per order (`shop.card.network`: amex for every third order,
            as before the orders whose first attempt failed) in an INTERNAL span "authorize card"
            (with `shop.payment.attempt`); the bank declines the first amex authorization, which
            fails that span and the payment (HTTP 502), and frontend retries as before.
With --logs every service logs a few lines per request (inside its server span, inside manual
spans, and a startup line outside any trace); a logging filter records, when the line is
written, the span the OpenTelemetry context says is current. The ECS lines get their ids from
opentelemetry-instrumentation-logging (otelTraceID / otelSpanID), the OTLP ones from the SDK's
handler. In `record` mode the script also computes, independently of Strand, the numbers the analysis
must reproduce (per service/operation counts, errors, nearest-rank percentiles; per trace span
counts; service-to-service call counts), from the SDK's own span objects, into expected.json.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import base64
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICES = ["frontend", "cart", "inventory", "pricing", "payment"]
# `--scenario diagnosis`: the services see it in the environment (see the docstring).
SCENARIO = os.environ.get("SHOP_SCENARIO", "")
WAREHOUSES = ["us-east", "us-west", "eu-west"]


def free_ports(n):
    """`n` distinct free ports. The sockets stay bound until all are chosen: a port chosen and
    released one at a time can be handed out again, and two services then race for it (one
    exits with "Address already in use" while the other answers its health check)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


# ---------------------------------------------------------------- one service process
def setup_logs(name, resource, out_dir):
    """The service's logger: OpenTelemetry's logging handler (OTLP logs JSON lines through the
    SDK's protobuf encoder), ecs-logging (ECS JSON lines, trace ids from the logging
    instrumentation), and a filter that records the span current when each line is written."""
    import logging
    import ecs_logging
    from opentelemetry import trace
    from opentelemetry.instrumentation.logging import LoggingInstrumentor
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter, LogRecordExportResult

    class JsonLinesLogExporter(LogRecordExporter):
        def __init__(self, path):
            self.path = path
            self.lock = threading.Lock()

        def export(self, batch):
            from google.protobuf.json_format import MessageToDict
            from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
            doc = MessageToDict(encode_logs(batch), use_integers_for_enums=True)
            hexify(doc)
            with self.lock, open(self.path, "a") as f:
                f.write(json.dumps(doc, separators=(",", ":")) + "\n")
            return LogRecordExportResult.SUCCESS

        def shutdown(self):
            pass

        def force_flush(self, timeout_millis=30000):
            return True

    class CurrentSpan(logging.Filter):
        def __init__(self, path):
            super().__init__()
            self.path, self.count, self.lock = path, 0, threading.Lock()

        def filter(self, record):
            with self.lock:
                self.count += 1
                line = f"{name}-{self.count}"
                record.__dict__["shop.line"] = line
                ctx = trace.get_current_span().get_span_context()
                row = {"line": line, "service": name, "level": record.levelname, "message": record.getMessage(),
                       "trace_id": f"{ctx.trace_id:032x}" if ctx.is_valid else None,
                       "span_id": f"{ctx.span_id:016x}" if ctx.is_valid else None}
                with open(self.path, "a") as f:
                    f.write(json.dumps(row) + "\n")
            return True

    LoggingInstrumentor().instrument(inject_trace_context=True)
    provider = LoggerProvider(resource=resource)
    provider.add_log_record_processor(BatchLogRecordProcessor(
        JsonLinesLogExporter(os.path.join(out_dir, f"{name}.otlp-logs.jsonl"))))
    log = logging.getLogger(f"shop.{name}")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addFilter(CurrentSpan(os.path.join(out_dir, f"{name}.logs.expected")))
    log.addHandler(LoggingHandler(level=logging.DEBUG, logger_provider=provider))
    ecs = logging.FileHandler(os.path.join(out_dir, f"{name}.ecs.jsonl"))
    ecs.setFormatter(ecs_logging.StdlibFormatter())
    log.addHandler(ecs)
    return provider


def serve(name, port, ports, out_dir, sink, sink_url, logs=False):
    import sqlite3
    import requests
    from concurrent.futures import ThreadPoolExecutor
    from flask import Flask, abort, jsonify
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.trace import SpanKind, Status, StatusCode

    resource = Resource.create({"service.name": name, "service.namespace": "shop", "host.name": f"{name}-host"})
    provider = TracerProvider(resource=resource)

    class JsonLinesExporter(SpanExporter):
        """Writes each batch as one OTLP JSON line (hex ids, integer enums, as the spec says),
        using the official protobuf encoder, and keeps a plain record for expected.json."""

        def __init__(self, path):
            self.path = path
            self.lock = threading.Lock()

        def export(self, spans):
            from google.protobuf.json_format import MessageToDict
            from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
            doc = MessageToDict(encode_spans(spans), use_integers_for_enums=True)
            hexify(doc)
            plain = [{
                "trace_id": f"{s.context.trace_id:032x}", "span_id": f"{s.context.span_id:016x}",
                "parent_id": f"{s.parent.span_id:016x}" if s.parent else None,
                "service": name, "name": s.name, "kind": s.kind.name,
                "start": s.start_time, "end": s.end_time,
                "error": s.status.status_code == StatusCode.ERROR,
                "attributes": plain_attributes(s.attributes),
                "events": [{"name": e.name, "attributes": plain_attributes(e.attributes)} for e in s.events],
                "resource": plain_attributes(s.resource.attributes),
            } for s in spans]
            with self.lock, open(self.path, "a") as f:
                f.write(json.dumps(doc, separators=(",", ":")) + "\n")
                with open(self.path + ".plain", "a") as p:
                    for row in plain:
                        p.write(json.dumps(row) + "\n")
            return SpanExportResult.SUCCESS

    if out_dir:
        provider.add_span_processor(BatchSpanProcessor(JsonLinesExporter(os.path.join(out_dir, f"{name}.otlp.jsonl"))))
    if sink == "zipkin":
        from opentelemetry.exporter.zipkin.json import ZipkinExporter
        provider.add_span_processor(BatchSpanProcessor(ZipkinExporter(endpoint=sink_url)))
    elif sink == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=sink_url, timeout=10)))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("shop", "1.0")
    import logging
    log = logging.getLogger(f"shop.{name}")
    log_provider = setup_logs(name, resource, out_dir) if logs and out_dir else None
    if not log_provider:
        log.addHandler(logging.NullHandler())
        log.propagate = False
    log.info("%s listening on port %d", name, port)
    app = Flask(name)
    FlaskInstrumentor().instrument_app(app, excluded_urls="__flush")
    RequestsInstrumentor().instrument()
    url = lambda svc, path: f"http://127.0.0.1:{ports[svc]}{path}"

    @app.get("/__flush")
    def flush():
        provider.force_flush()
        if log_provider:
            log_provider.force_flush()
        return "ok"

    if name == "frontend":
        pool = ThreadPoolExecutor(4)

        @app.get("/checkout/<int:n>")
        def checkout(n):
            log.info("checkout %d started", n)
            requests.get(url("cart", f"/cart/{n}"), timeout=5).raise_for_status()
            skus = ["a1", "b2", "zz9" if n % 5 == 4 else "c3"]
            ctx = trace.get_current_span().get_span_context()
            from opentelemetry import context as otel_context
            parent_ctx = otel_context.get_current()

            def call(path):
                token = otel_context.attach(parent_ctx)
                try:
                    return requests.get(url(path[0], path[1]), timeout=5).status_code
                finally:
                    otel_context.detach(token)

            stock = [("inventory", f"/stock/{s}?order={n}" if SCENARIO else f"/stock/{s}") for s in skus]
            statuses = list(pool.map(call, stock + [("pricing", f"/price/{n}")]))
            if 404 in statuses:
                trace.get_current_span().add_event("item unavailable", {"order": n})
                log.warning("order %d: an item is unavailable", n)
                abort(409)
            for attempt in (1, 2):
                r = requests.post(url("payment", f"/pay/{n}?attempt={attempt}"), timeout=5)
                if r.ok:
                    break
                log.error("order %d: payment attempt %d failed with %d", n, attempt, r.status_code)
            else:
                abort(502)
            return jsonify(order=n, trace=f"{ctx.trace_id:032x}")

    if name == "cart":
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute("CREATE TABLE items (order_id INTEGER, sku TEXT, qty INTEGER)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, s, 1) for i in range(100) for s in ("a1", "b2")])
        lock = threading.Lock()

        @app.get("/cart/<int:n>")
        def cart(n):
            with tracer.start_as_current_span("SELECT items", kind=SpanKind.CLIENT, attributes={
                "db.system": "sqlite", "db.operation.name": "SELECT", "db.collection.name": "items",
                "db.query.text": "SELECT sku, qty FROM items WHERE order_id = ?",
            }):
                with lock:
                    rows = db.execute("SELECT sku, qty FROM items WHERE order_id = ?", (n,)).fetchall()
                log.debug("cart %d: %d rows", n, len(rows), extra={"db.statement": f"SELECT sku, qty FROM items WHERE order_id = {n}"})
                time.sleep(0.002)
            return jsonify(items=len(rows))

    if name == "inventory":
        @app.get("/stock/<sku>")
        def stock(sku):
            if SCENARIO:
                from flask import request
                warehouse = WAREHOUSES[(int(request.args.get("order", "0")) + ord(sku[0])) % 3]
                trace.get_current_span().set_attribute("shop.warehouse", warehouse)
                if warehouse == "eu-west":
                    time.sleep(0.030)  # the remote warehouse's stock lookup
            time.sleep(0.003 + 0.001 * len(sku))
            if sku.startswith("zz"):
                log.warning("unknown sku %s", sku)
                abort(404)
            return jsonify(sku=sku, qty=7)

    if name == "pricing":
        @app.get("/price/<int:n>")
        def price(n):
            with tracer.start_as_current_span("compute discount", attributes={"order": n}):
                log.info("discount for order %d", n)
                time.sleep(0.004)
            return jsonify(total=99.5)

    if name == "payment":
        @app.post("/pay/<int:n>")
        def pay(n):
            from flask import request
            attempt = int(request.args.get("attempt", "1"))
            if SCENARIO:
                return pay_with_card(n, attempt)
            r = requests.post(f"http://127.0.0.1:{ports['bank']}/charge", timeout=5)
            if n % 3 == 0 and attempt == 1:
                span = trace.get_current_span()
                span.set_status(Status(StatusCode.ERROR, "bank declined: try again"))
                span.add_event("exception", {"exception.type": "BankError", "exception.message": "declined"})
                log.error("bank declined order %d (attempt %d)", n, attempt, extra={"user.email": f"buyer{n}@example.com"})
                abort(502)
            return jsonify(charged=r.status_code)

        def pay_with_card(n, attempt):
            network = "amex" if n % 3 == 0 else ["visa", "mastercard"][n % 2]
            trace.get_current_span().set_attribute("shop.card.network", network)
            attributes = {"shop.card.network": network, "shop.payment.attempt": attempt}
            with tracer.start_as_current_span("authorize card", attributes=attributes) as auth:
                r = requests.post(f"http://127.0.0.1:{ports['bank']}/charge", timeout=5,
                                  headers={"X-Card-Network": network, "X-Attempt": str(attempt)})
                if r.status_code == 402:
                    auth.set_status(Status(StatusCode.ERROR, "bank declined the authorization"))
            if r.status_code == 402:
                trace.get_current_span().set_status(Status(StatusCode.ERROR, "bank declined: try again"))
                abort(502)
            return jsonify(charged=r.status_code)

    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=port, threaded=True)


def plain_attributes(attributes):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in (attributes or {}).items()}


def hexify(doc):
    """protobuf's JSON mapping writes bytes as base64; OTLP/JSON wants hex ids."""
    for rl in doc.get("resourceLogs", []):
        for sl in rl.get("scopeLogs", []):
            for r in sl.get("logRecords", []):
                for key in ("traceId", "spanId"):
                    if r.get(key):
                        r[key] = base64.b64decode(r[key]).hex()
    for rs in doc.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for s in ss.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if s.get(key):
                        s[key] = base64.b64decode(s[key]).hex()
                for link in s.get("links", []):
                    for key in ("traceId", "spanId"):
                        if link.get(key):
                            link[key] = base64.b64decode(link[key]).hex()


class Bank(BaseHTTPRequestHandler):
    """The uninstrumented external service payment calls."""

    def do_POST(self):
        time.sleep(0.005)
        # `--scenario diagnosis`: the first authorization of an amex card is declined.
        declined = self.headers.get("X-Card-Network") == "amex" and self.headers.get("X-Attempt") == "1"
        self.send_response(402 if declined else 200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


# ---------------------------------------------------------------- driver
def run(out_dir, sink, sink_url, n_requests, details=False, logs=False):
    import urllib.request
    ports = dict(zip(list(SERVICES) + ["bank"], free_ports(len(SERVICES) + 1)))
    bank = HTTPServer(("127.0.0.1", ports["bank"]), Bank)
    threading.Thread(target=bank.serve_forever, daemon=True).start()
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        for s in SERVICES:
            for suffix in (".otlp.jsonl", ".otlp.jsonl.plain", ".otlp-logs.jsonl", ".ecs.jsonl", ".logs.expected"):
                p = os.path.join(out_dir, s + suffix)
                if os.path.exists(p):
                    os.remove(p)
    procs = [subprocess.Popen([sys.executable, __file__, "serve", s, str(ports[s]), json.dumps(ports),
                               out_dir or "", sink or "", sink_url or "", "logs" if logs else ""])
             for s in SERVICES]
    try:
        for s in SERVICES:
            wait_for(f"http://127.0.0.1:{ports[s]}/__flush")
        dead = [s for s, p in zip(SERVICES, procs) if p.poll() is not None]
        if dead:
            raise SystemExit(f"these services did not start: {', '.join(dead)}")
        results = []
        for n in range(n_requests):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ports['frontend']}/checkout/{n}", timeout=10) as r:
                    results.append(r.status)
            except urllib.error.HTTPError as e:
                results.append(e.code)
            time.sleep(0.01)
        time.sleep(0.2)
        for s in SERVICES:
            urllib.request.urlopen(f"http://127.0.0.1:{ports[s]}/__flush", timeout=10).read()
        print("checkout statuses:", results)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
        bank.shutdown()
    if out_dir:
        combine(out_dir, details)
        if logs:
            combine_logs(out_dir)


def combine_logs(out_dir):
    """The services' log files as one file per format, and what each line was written in."""
    for suffix, combined in ((".otlp-logs.jsonl", "shop.otlp-logs.jsonl"), (".ecs.jsonl", "shop.ecs.jsonl")):
        lines = []
        for s in SERVICES:
            path = os.path.join(out_dir, s + suffix)
            with open(path) as f:
                lines.extend(l for l in f if l.strip())
            os.remove(path)
        with open(os.path.join(out_dir, combined), "w") as f:
            f.writelines(lines)
    expected = []
    for s in SERVICES:
        path = os.path.join(out_dir, s + ".logs.expected")
        with open(path) as f:
            expected.extend(json.loads(l) for l in f if l.strip())
        os.remove(path)
    with open(os.path.join(out_dir, "shop-logs.expected.json"), "w") as f:
        json.dump({"lines": expected}, f, indent=1)
        f.write("\n")
    print(f"recorded {len(expected)} log lines into {out_dir}")


def wait_for(url, tries=100):
    import urllib.request
    for _ in range(tries):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def nearest_rank(sorted_values, p):
    """The smallest value such that at least p% of the values are <= it."""
    import math
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def combine(out_dir, details=False):
    lines, spans = [], []
    for s in SERVICES:
        with open(os.path.join(out_dir, s + ".otlp.jsonl")) as f:
            lines.extend(l for l in f if l.strip())
        with open(os.path.join(out_dir, s + ".otlp.jsonl.plain")) as f:
            spans.extend(json.loads(l) for l in f if l.strip())
        os.remove(os.path.join(out_dir, s + ".otlp.jsonl"))
        os.remove(os.path.join(out_dir, s + ".otlp.jsonl.plain"))
    with open(os.path.join(out_dir, "shop.otlp.jsonl"), "w") as f:
        f.writelines(lines)

    # Independent numbers, from the SDK's span objects.
    by_id = {(s["trace_id"], s["span_id"]): s for s in spans}
    groups = {}
    for s in spans:
        groups.setdefault((s["service"], s["name"], s["kind"]), []).append(s)
    operations = []
    for (service, name, kind), members in sorted(groups.items()):
        durations = sorted(m["end"] - m["start"] for m in members)
        operations.append({
            "service": service, "name": name, "kind": kind.lower(), "count": len(members),
            "errors": sum(m["error"] for m in members),
            "min": durations[0], "max": durations[-1],
            "p50": nearest_rank(durations, 50), "p90": nearest_rank(durations, 90), "p99": nearest_rank(durations, 99),
        })
    traces = {}
    for s in spans:
        traces.setdefault(s["trace_id"], []).append(s)
    edges = {}
    for s in spans:
        parent = by_id.get((s["trace_id"], s["parent_id"])) if s["parent_id"] else None
        if parent and parent["service"] != s["service"]:
            edges[(parent["service"], s["service"])] = edges.get((parent["service"], s["service"]), 0) + 1
        elif s["kind"] == "CLIENT" and not any(
                c["parent_id"] == s["span_id"] and c["service"] != s["service"] for c in traces[s["trace_id"]]):
            a = s["attributes"]
            from urllib.parse import urlsplit
            url = a.get("url.full") or a.get("http.url")
            peer = a.get("db.system") or a.get("server.address") or (urlsplit(url).hostname if url else None)
            edges[(s["service"], peer)] = edges.get((s["service"], peer), 0) + 1
    start = min(s["start"] for s in spans)
    end = max(s["end"] for s in spans)
    expected = {
        "spans": len(spans),
        "traces": {t: len(m) for t, m in sorted(traces.items())},
        "errors": sum(s["error"] for s in spans),
        "window_ns": end - start,
        "operations": operations,
        "edges": [{"from": a, "to": b, "calls": n} for (a, b), n in sorted(edges.items())],
        # Per trace: span count, services, error spans, the root span's name.
        "trace_details": {t: {
            "spans": len(m),
            "services": sorted({s["service"] for s in m}),
            "errors": sum(s["error"] for s in m),
            "root": next((s["name"] for s in m if not s["parent_id"]), None),
        } for t, m in sorted(traces.items())},
    }
    if details:
        # Every span as the SDK ended it, for checks that need more than the sums above (e.g.
        # which traces a search by tag or duration must find).
        expected["span_details"] = sorted(spans, key=lambda s: (s["trace_id"], s["start"], s["span_id"]))
    with open(os.path.join(out_dir, "shop.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"recorded {len(spans)} spans in {len(traces)} traces into {out_dir}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["serve"]:
        serve(args[1], int(args[2]), json.loads(args[3]), args[4] or None, args[5] or None, args[6] or None,
              logs=args[7:8] == ["logs"])
    elif args[:1] in (["record"], ["zipkin"], ["otlp"]) and len(args) >= 2:
        n = int(args[args.index("--requests") + 1]) if "--requests" in args else 12
        if "--scenario" in args:
            os.environ["SHOP_SCENARIO"] = args[args.index("--scenario") + 1]
        if args[0] == "record":
            run(os.path.abspath(args[1]), None, None, n, logs="--logs" in args)
        elif "--expect" in args:
            import shutil
            import tempfile
            expect = os.path.abspath(args[args.index("--expect") + 1])
            work = tempfile.mkdtemp(prefix="shop-")
            try:
                run(work, args[0], args[1], n, details=True)
                shutil.copyfile(os.path.join(work, "shop.expected.json"), expect)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        else:
            run(None, args[0], args[1], n)
    else:
        print(__doc__)
        sys.exit(2)
