#!/usr/bin/env python3
"""Writes static/demo-checkout-trace.json: Strand's built-in demo trace, as OTLP JSON.

A checkout request in a small shop: a gateway, six instrumented services, Redis, PostgreSQL,
an external payment provider, and Kafka. It has RPC client/server pairs, parallel calls, a
payment attempt that times out and is retried, a failed recommendation lookup, a cache miss,
database queries, a message consumed by two services after the request returned, and events.
Deterministic: running it again gives the same file.
"""
import json
import os

T0 = 1_793_628_207_500_000_000  # 2026-11-02 14:03:27.5 UTC, in ns
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
MS = 1_000_000

HOSTS = {
    "api-gateway": ("gateway-7d9f", "go", "1.23.2"),
    "frontend": ("frontend-5c6b", "nodejs", "20.11.0"),
    "checkout": ("checkout-84f2", "java", "21.0.4"),
    "cart": ("cart-66d1", "go", "1.23.2"),
    "inventory": ("inventory-2b7a", "python", "3.12.4"),
    "payment": ("payment-9e03", "java", "21.0.4"),
    "recommendation": ("recommendation-41aa", "python", "3.12.4"),
    "email": ("email-0c58", "nodejs", "20.11.0"),
    "shipping": ("shipping-7f19", "go", "1.23.2"),
}

spans_by_service = {}
counter = [0]


def sid():
    counter[0] += 1
    return f"{0x5a17c0de00000000 + counter[0] * 0x1f3d:016x}"


def attr(key, value):
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    if isinstance(value, float):
        return {"key": key, "value": {"doubleValue": value}}
    if isinstance(value, list):
        return {"key": key, "value": {"arrayValue": {"values": [{"stringValue": v} for v in value]}}}
    return {"key": key, "value": {"stringValue": value}}


def span(service, name, kind, start_ms, dur_ms, parent=None, attrs=None, events=None, error=None, links=None):
    """kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer."""
    s = {
        "traceId": TRACE_ID,
        "spanId": sid(),
        "name": name,
        "kind": kind,
        "startTimeUnixNano": str(T0 + int(start_ms * MS)),
        "endTimeUnixNano": str(T0 + int((start_ms + dur_ms) * MS)),
        "attributes": [attr(k, v) for k, v in (attrs or {}).items()],
        "status": {},
    }
    if parent is not None:
        s["parentSpanId"] = parent["spanId"]
    if events:
        s["events"] = [
            {"timeUnixNano": str(T0 + int(t * MS)), "name": n, "attributes": [attr(k, v) for k, v in a.items()]}
            for (t, n, a) in events
        ]
    if error:
        s["status"] = {"code": 2, "message": error}
    if links:
        s["links"] = links
    spans_by_service.setdefault(service, []).append(s)
    return s


def rpc(caller, callee, route, start_ms, dur_ms, parent, net_ms=0.6, client_attrs=None, server_attrs=None,
        error=None, status=200):
    """A client span in `caller` and the server span in `callee`, as HTTP."""
    client = span(caller, f"POST {route}" if route.startswith("/api") else f"GET {route}", 3, start_ms, dur_ms, parent,
                  {"http.request.method": "POST" if route.startswith("/api") else "GET",
                   "url.full": f"http://{callee}:8080{route}", "server.address": callee, "server.port": 8080,
                   "peer.service": callee, "http.response.status_code": status, **(client_attrs or {})},
                  error=error)
    server = span(callee, f"{'POST' if route.startswith('/api') else 'GET'} {route}", 2, start_ms + net_ms,
                  dur_ms - 2 * net_ms, client,
                  {"http.request.method": "POST" if route.startswith("/api") else "GET", "http.route": route,
                   "url.path": route, "http.response.status_code": status, "network.peer.address": "10.4.0.17",
                   **(server_attrs or {})},
                  error=error)
    return client, server


def db(service, statement, op, table, start_ms, dur_ms, parent, error=None):
    return span(service, f"{op} shop.{table}", 3, start_ms, dur_ms, parent,
                {"db.system": "postgresql", "db.namespace": "shop", "db.operation.name": op,
                 "db.collection.name": table, "db.query.text": statement, "server.address": "postgres-primary",
                 "server.port": 5432, "peer.service": "postgres"}, error=error)


def redis(service, cmd, key, start_ms, dur_ms, parent, events=None):
    return span(service, cmd, 3, start_ms, dur_ms, parent,
                {"db.system": "redis", "db.operation.name": cmd, "db.query.text": f"{cmd} {key}",
                 "server.address": "redis-cart", "server.port": 6379, "peer.service": "redis"}, events=events)


# The request: browser -> gateway -> frontend -> checkout.
root = span("api-gateway", "POST /api/checkout", 2, 0, 742.0, None,
            {"http.request.method": "POST", "http.route": "/api/checkout", "url.path": "/api/checkout",
             "http.response.status_code": 200, "client.address": "203.0.113.54",
             "user_agent.original": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "enduser.id": "customer-1842"},
            events=[(0.3, "auth.token.verified", {"auth.scheme": "bearer"})])
auth = span("api-gateway", "verify JWT", 1, 0.1, 0.9, root, {"auth.issuer": "https://id.example.com"})
_, fe = rpc("api-gateway", "frontend", "/api/checkout", 1.2, 739.5, root)
session = redis("frontend", "GET", "session:9f2c1e", 2.3, 1.1, fe)
render = span("frontend", "validate checkout form", 1, 3.6, 2.4, fe, {"form.fields": 14})
_, co = rpc("frontend", "checkout", "/api/orders", 6.4, 731.0, fe,
            server_attrs={"order.currency": "EUR", "order.items": 3})

# Checkout: cart and user lookups in parallel.
_, cart = rpc("checkout", "cart", "/cart/customer-1842", 8.0, 21.5, co, client_attrs={"rpc.attempt": 1})
redis("cart", "HGETALL", "cart:customer-1842", 9.1, 2.2, cart,
      events=[(11.2, "cache miss", {"cache.key": "cart:customer-1842"})])
db("cart", "SELECT item_id, qty, price FROM cart_items WHERE customer_id = $1", "SELECT", "cart_items", 11.6, 12.8, cart)
redis("cart", "HSET", "cart:customer-1842", 24.7, 1.4, cart)
user = db("checkout", "SELECT id, email, tier FROM customers WHERE id = $1", "SELECT", "customers", 8.3, 6.1, co)

# Inventory: reserve the three items (parallel row locks).
_, inv = rpc("checkout", "inventory", "/api/reservations", 31.0, 88.0, co)
tx = db("inventory", "BEGIN", "BEGIN", "reservations", 32.4, 0.8, inv)
for i, (item, t, d) in enumerate([("sku-4471", 33.6, 21.0), ("sku-0932", 33.9, 37.5), ("sku-7720", 34.1, 28.2)]):
    db("inventory", "SELECT qty FROM stock WHERE sku = $1 FOR UPDATE", "SELECT", "stock", t, d, inv)
db("inventory", "INSERT INTO reservations (order_id, sku, qty) VALUES ($1, $2, $3)", "INSERT", "reservations", 72.3, 31.4, inv)
db("inventory", "COMMIT", "COMMIT", "reservations", 104.1, 12.6, inv)

# Recommendations are fetched in parallel and fail; checkout goes on without them.
_, rec = rpc("checkout", "recommendation", "/recommendations/customer-1842", 31.2, 61.0, co, status=503,
             error="503 Service Unavailable")
span("recommendation", "load model features", 1, 32.9, 55.0, rec, {"model.name": "also-bought-v7"},
     events=[(87.6, "exception", {"exception.type": "FeatureStoreTimeout",
                                   "exception.message": "feature store did not answer within 55ms",
                                   "exception.stacktrace": "FeatureStoreTimeout: feature store did not answer within 55ms\n  at fetch_features (features.py:88)\n  at recommend (service.py:41)"})],
     error="FeatureStoreTimeout: feature store did not answer within 55ms")

# Pricing computed in-process.
price = span("checkout", "compute order total", 1, 120.0, 14.2, co, {"order.total": 129.97, "order.discount": "WINTER10"})
span("checkout", "apply tax rules", 1, 122.5, 9.8, price, {"tax.region": "DE"})

# Payment: first attempt to the provider times out, the retry succeeds.
_, pay = rpc("checkout", "payment", "/api/charges", 136.0, 540.0, co,
             client_attrs={"payment.amount": 129.97, "payment.currency": "EUR"})
fraud = span("payment", "fraud check", 1, 137.5, 18.4, pay, {"fraud.score": 0.07, "fraud.rules": ["velocity", "geo"]})
attempt1 = span("payment", "POST https://api.payments.example/v1/charges", 3, 157.0, 300.0, pay,
                {"http.request.method": "POST", "url.full": "https://api.payments.example/v1/charges",
                 "server.address": "api.payments.example", "peer.service": "payments-provider", "rpc.attempt": 1,
                 "http.request.resend_count": 0},
                events=[(457.0, "exception", {"exception.type": "java.net.SocketTimeoutException",
                                               "exception.message": "Read timed out after 300000 µs",
                                               "exception.stacktrace": "java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n\tat com.shop.payment.ProviderClient.charge(ProviderClient.java:112)"})],
                error="Read timed out")
span("payment", "backoff", 1, 457.5, 50.0, pay, {"retry.delay_ms": 50})
attempt2 = span("payment", "POST https://api.payments.example/v1/charges", 3, 508.0, 142.0, pay,
                {"http.request.method": "POST", "url.full": "https://api.payments.example/v1/charges",
                 "server.address": "api.payments.example", "peer.service": "payments-provider", "rpc.attempt": 2,
                 "http.request.resend_count": 1, "http.response.status_code": 201},
                events=[(649.2, "charge.created", {"charge.id": "ch_3Qk9Zs2eZvKYlo2C"})])
db("payment", "INSERT INTO charges (order_id, provider_id, amount) VALUES ($1, $2, $3)", "INSERT", "charges", 651.0, 22.0, pay)

# Order saved, event published, response returned.
db("checkout", "INSERT INTO orders (id, customer_id, total, status) VALUES ($1, $2, $3, 'paid')", "INSERT", "orders", 677.5, 26.0, co)
produce = span("checkout", "order-events publish", 4, 704.5, 4.1, co,
               {"messaging.system": "kafka", "messaging.destination.name": "order-events",
                "messaging.operation.type": "publish", "messaging.kafka.message.key": "order-77310",
                "server.address": "kafka-1", "peer.service": "kafka"})
span("checkout", "render receipt", 1, 709.0, 26.8, co, {"template": "receipt-v3"})

# After the response: two consumers handle the event.
em = span("email", "order-events process", 5, 748.0, 412.0, produce,
          {"messaging.system": "kafka", "messaging.destination.name": "order-events",
           "messaging.operation.type": "process", "messaging.consumer.group.name": "email"})
span("email", "render confirmation email", 1, 749.5, 18.2, em, {"template": "order-confirmation"})
span("email", "smtp send", 3, 768.5, 390.0, em,
     {"server.address": "smtp.example.net", "server.port": 587, "peer.service": "smtp-relay"},
     events=[(770.1, "smtp.connected", {}), (1158.0, "smtp.accepted", {"smtp.queue_id": "4Xk2Lq0Vz"})])
sh = span("shipping", "order-events process", 5, 752.0, 96.0, produce,
          {"messaging.system": "kafka", "messaging.destination.name": "order-events",
           "messaging.operation.type": "process", "messaging.consumer.group.name": "shipping"})
db("shipping", "INSERT INTO shipments (order_id, carrier, status) VALUES ($1, $2, 'pending')", "INSERT", "shipments", 754.0, 19.5, sh)
span("shipping", "choose carrier", 1, 774.0, 70.0, sh, {"carrier.candidates": ["dhl", "ups", "gls"], "carrier.chosen": "dhl"})

resource_spans = []
for service, spans in spans_by_service.items():
    host, lang, version = HOSTS[service]
    resource_spans.append({
        "resource": {"attributes": [
            attr("service.name", service), attr("service.namespace", "shop"), attr("service.version", "2.14.0"),
            attr("deployment.environment.name", "demo"), attr("host.name", host),
            attr("telemetry.sdk.language", lang), attr("process.runtime.version", version),
        ]},
        "scopeSpans": [{"scope": {"name": f"io.opentelemetry.{lang}", "version": "1.40.0"}, "spans": spans}],
    })

out = os.path.join(os.path.dirname(__file__), "..", "static", "demo-checkout-trace.json")
with open(out, "w") as f:
    json.dump({"resourceSpans": resource_spans}, f, indent=1)
    f.write("\n")
print(f"wrote {out}: {counter[0]} spans in {len(spans_by_service)} services")
