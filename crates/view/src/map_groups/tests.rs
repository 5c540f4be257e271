//! Namespace groups on the real mesh and Kubernetes fixtures (tests/fixtures/mesh).

use super::*;
use crate::service_map::build_map;
use expect_test::{expect, Expect};
use std::fmt::Write;
use strand_analysis::graph::service_graph;
use strand_formats::{load, AssembleOptions};

fn check(fixture: &str, expect: Expect) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mesh/");
    let bytes = std::fs::read(format!("{path}{fixture}")).expect("fixture");
    let mut data = Dataset::new();
    load(&mut data, &bytes, fixture, None, &AssembleOptions::default()).expect("loads");
    let namespaces = service_namespaces(&data);
    let map = build_map(&service_graph(&data));
    let mut out = String::new();
    for (service, ns) in &namespaces {
        let _ = writeln!(out, "{service} in {ns}");
    }
    for frame in group_frames(&map, &namespaces) {
        let names: Vec<&str> = frame.nodes.iter().map(|&i| map.nodes[i].name.as_str()).collect();
        let inside = frame.nodes.iter().all(|&i| {
            let n = &map.nodes[i];
            n.x > frame.x
                && n.y > frame.y
                && n.x + NODE_WIDTH < frame.x + frame.width
                && n.y + NODE_HEIGHT < frame.y + frame.height
        });
        let _ = writeln!(out, "frame {}: {} (boxes inside: {inside})", frame.name, names.join(", "));
    }
    expect.assert_eq(&out);
}

#[test]
fn kubernetes_namespaces_from_otel_resources() {
    check(
        "k8s-shop.otlp.jsonl",
        expect![[r#"
        cart in shop
        frontend in shop
        payment in payments
        frame payments: payment (boxes inside: true)
        frame shop: cart, frontend (boxes inside: true)
    "#]],
    );
}

#[test]
fn istio_namespaces_from_the_mesh_step() {
    check(
        "istio-ingress-two-sidecars.zipkin.json",
        expect![[r#"
        istio-ingressgateway.istio-system in istio-system
        productpage.shop in shop
        reviews.shop in shop
        frame istio-system: istio-ingressgateway.istio-system (boxes inside: true)
        frame shop: productpage.shop, reviews.shop (boxes inside: true)
    "#]],
    );
}

#[test]
fn grouping_parses_from_its_name() {
    assert_eq!(MapGrouping::parse("namespace"), Some(MapGrouping::Namespace));
    assert_eq!(MapGrouping::parse(MapGrouping::Namespace.name()), Some(MapGrouping::Namespace));
    assert_eq!(MapGrouping::parse("pod"), None);
}
