//! The mesh naming rule (`super`), one case per test: a small Zipkin or OTLP document and what it
//! loads to, with the load's notes.

use crate::test_support::check_load;
use expect_test::{expect, Expect};

fn check(json: &str, expect: Expect) {
    check_load(json, None, None, expect);
}

#[test]
fn istio_sidecar_named_istio_proxy_takes_its_canonical_service_and_namespace() {
    check(
        r#"[{"traceId":"a","id":"1","kind":"SERVER","name":"reviews.shop.svc.cluster.local:9080/*","timestamp":1000,"duration":50,
             "localEndpoint":{"serviceName":"istio-proxy","ipv4":"10.244.1.7"},
             "tags":{"component":"proxy","istio.canonical_service":"reviews","istio.namespace":"shop",
                     "node_id":"sidecar~10.244.1.7~reviews-v1-545db77b95-6z9pg.shop~shop.svc.cluster.local",
                     "upstream_cluster":"inbound|9080||"}}]"#,
        expect![[r#"
            trace 000000000000000a spans=1 services=1 duration=50.0µs errors=0
              reviews.shop: reviews.shop.svc.cluster.local:9080/* [server] +0ns 50.0µs id=0000000000000001
                attrs {component="proxy", istio.canonical_service="reviews", istio.namespace="shop", node_id="sidecar~10.244.1.7~reviews-v1-545db77b95-6z9pg.shop~shop.svc.cluster.local", upstream_cluster="inbound|9080||"}
              resource#0 service="reviews.shop" {ipv4="10.244.1.7", strand.original_service="istio-proxy", k8s.namespace.name="shop", k8s.pod.name="reviews-v1-545db77b95-6z9pg"}

            note: named 1 Envoy proxy span after the workload their tags name (istio.canonical_service, node_id): istio-proxy → reviews.shop (1)
        "#]],
    );
}

#[test]
fn node_id_names_the_workload_when_there_is_no_canonical_service() {
    check(
        r#"[{"traceId":"a","id":"1","kind":"CLIENT","name":"ratings:9080/*","timestamp":1000,"duration":50,
             "localEndpoint":{"serviceName":"istio-proxy","ipv4":"10.244.1.8"},
             "tags":{"component":"proxy","node_id":"sidecar~10.244.1.8~ratings-v1-7d9f8c6b5d-k2x4q.shop~shop.svc.cluster.local"}},
            {"traceId":"a","id":"2","parentId":"1","kind":"CLIENT","name":"x","timestamp":1010,"duration":5,
             "localEndpoint":{"serviceName":"envoy","ipv4":"10.244.1.9"},
             "tags":{"component":"proxy","node_id":"router~10.244.1.9~standalone-pod.edge~edge.svc.cluster.local"}}]"#,
        expect![[r#"
            trace 000000000000000a spans=2 services=2 duration=50.0µs errors=0
              ratings-v1.shop: ratings:9080/* [client] +0ns 50.0µs id=0000000000000001
                attrs {component="proxy", node_id="sidecar~10.244.1.8~ratings-v1-7d9f8c6b5d-k2x4q.shop~shop.svc.cluster.local"}
                standalone-pod.edge: x [client] +10.0µs 5.00µs id=0000000000000002
                  attrs {component="proxy", node_id="router~10.244.1.9~standalone-pod.edge~edge.svc.cluster.local"}
              resource#0 service="ratings-v1.shop" {ipv4="10.244.1.8", strand.original_service="istio-proxy", k8s.namespace.name="shop", k8s.pod.name="ratings-v1-7d9f8c6b5d-k2x4q"}
              resource#1 service="standalone-pod.edge" {ipv4="10.244.1.9", strand.original_service="envoy", k8s.namespace.name="edge", k8s.pod.name="standalone-pod"}

            note: named 2 Envoy proxy spans after the workload their tags name (istio.canonical_service, node_id): envoy → standalone-pod.edge (1), istio-proxy → ratings-v1.shop (1)
        "#]],
    );
}

#[test]
fn plain_envoy_without_a_service_name_is_envoy() {
    // Envoy started without --service-cluster (as the zipkin-v2_envoy-single-span sample).
    check(
        r#"[{"traceId":"a","id":"a","kind":"SERVER","name":"localhost:10000","timestamp":1000,"duration":50,"shared":true,
             "localEndpoint":{"ipv4":"169.254.65.45"},
             "tags":{"component":"proxy","upstream_cluster":"service_google","http.method":"GET"}}]"#,
        expect![[r#"
            trace 000000000000000a spans=1 services=1 duration=50.0µs errors=0
              envoy: localhost:10000 [server] +0ns 50.0µs id=000000000000000a shared
                attrs {component="proxy", http.method="GET", upstream_cluster="service_google"}
              resource#0 service="envoy" {ipv4="169.254.65.45", strand.original_service=""}

            note: named 1 Envoy proxy span after the workload their tags name (istio.canonical_service, node_id): (no name) → envoy (1)
        "#]],
    );
}

#[test]
fn named_proxies_and_other_spans_keep_their_names() {
    // A proxy with a real name keeps it (and gains the namespace); a span that is not a proxy's
    // is never renamed, whatever its tags.
    check(
        r#"[{"traceId":"a","id":"1","kind":"SERVER","name":"productpage","timestamp":1000,"duration":50,
             "localEndpoint":{"serviceName":"productpage.shop"},
             "tags":{"component":"proxy","istio.canonical_service":"productpage","istio.namespace":"shop"}},
            {"traceId":"a","id":"2","parentId":"1","name":"render","timestamp":1010,"duration":5,
             "localEndpoint":{"serviceName":"istio-proxy"},
             "tags":{"component":"templates","istio.canonical_service":"productpage"}}]"#,
        expect![[r#"
            trace 000000000000000a spans=2 services=2 duration=50.0µs errors=0
              productpage.shop: productpage [server] +0ns 50.0µs id=0000000000000001
                attrs {component="proxy", istio.canonical_service="productpage", istio.namespace="shop"}
                istio-proxy: render [unspecified] +10.0µs 5.00µs id=0000000000000002
                  attrs {component="templates", istio.canonical_service="productpage"}
              resource#0 service="istio-proxy" {}
              resource#1 service="productpage.shop" {k8s.namespace.name="shop"}

        "#]],
    );
}

#[test]
fn otlp_proxy_spans_follow_the_same_rule() {
    check(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"istio-proxy"}}]},
            "scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"egress details:9080","kind":3,
              "startTimeUnixNano":"1000","endTimeUnixNano":"3000",
              "attributes":[{"key":"component","value":{"stringValue":"proxy"}},
                            {"key":"istio.canonical_service","value":{"stringValue":"productpage"}},
                            {"key":"istio.namespace","value":{"stringValue":"shop"}}]}]}]}]}"#,
        expect![[r#"
            trace 0000000000000001 spans=1 services=1 duration=2.00µs errors=0
              productpage.shop: egress details:9080 [client] +0ns 2.00µs id=0000000000000002
                attrs {component="proxy", istio.canonical_service="productpage", istio.namespace="shop"}
              resource#0 service="productpage.shop" {service.name="istio-proxy", strand.original_service="istio-proxy", k8s.namespace.name="shop"}
              scope#0 "" "" {}

            note: named 1 Envoy proxy span after the workload their tags name (istio.canonical_service, node_id): istio-proxy → productpage.shop (1)
        "#]],
    );
}

#[test]
fn files_without_proxy_spans_are_untouched() {
    check(
        r#"[{"traceId":"a","id":"1","name":"x","timestamp":1000,"duration":5,"localEndpoint":{"serviceName":"istio-proxy"},
             "tags":{"component":"http"}}]"#,
        expect![[r#"
            trace 000000000000000a spans=1 services=1 duration=5.00µs errors=0
              istio-proxy: x [unspecified] +0ns 5.00µs id=0000000000000001
                attrs {component="http"}
              resource#0 service="istio-proxy" {}

        "#]],
    );
}

#[test]
fn pod_names_lose_only_deployment_suffixes() {
    use super::workload_of_pod;
    assert_eq!(workload_of_pod("reviews-v1-545db77b95-6z9pg"), "reviews-v1");
    assert_eq!(workload_of_pod("productpage-v1-564d4686f-t6s4m"), "productpage-v1");
    assert_eq!(workload_of_pod("statefulset-0"), "statefulset-0");
    assert_eq!(workload_of_pod("my-job-abcde"), "my-job-abcde");
    assert_eq!(workload_of_pod("a-UPPER12-abcde"), "a-UPPER12-abcde");
}
