//! Service-mesh and Kubernetes fixtures load as the README says: Envoy/Istio proxy spans are named
//! after their workload (formats::mesh), and Kubernetes resource attributes survive import.
//! Fixtures and their provenance: tests/fixtures/mesh/README.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::dump::dump_dataset;
use strand_model::Dataset;

fn load(name: &str) -> (Format, Dataset, Vec<String>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mesh").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut data = Dataset::new();
    let (format, summary) = formats::load(&mut data, &bytes, name, None, &AssembleOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (format, data, summary.notes)
}

fn snapshot(name: &str, data: &Dataset, notes: &[String]) {
    let mut out = dump_dataset(data);
    for note in notes {
        out.push_str(&format!("note: {note}\n"));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(format!("{name}.txt"));
    expect_test::expect_file![path].assert_eq(&out);
}

#[test]
fn istio_gateway_and_sidecars_are_named_after_their_workloads() {
    let name = "istio-ingress-two-sidecars.zipkin.json";
    let (format, data, notes) = load(name);
    assert_eq!(format, Format::Zipkin);
    let trace = &data.traces[0];
    let mut services: Vec<&str> = trace.resources.iter().map(|r| data.strings.get(r.service)).collect();
    services.sort_unstable();
    services.dedup();
    assert_eq!(services, ["istio-ingressgateway.istio-system", "productpage.shop", "reviews.shop"]);
    assert_eq!(
        notes,
        ["named 4 Envoy proxy spans after the workload their tags name (istio.canonical_service, node_id): istio-proxy → productpage.shop (3), istio-proxy → reviews.shop (1)"]
    );
    snapshot(name, &data, &notes);
}

#[test]
fn kubernetes_resource_attributes_load_with_the_spans() {
    let name = "k8s-shop.otlp.jsonl";
    let (format, data, notes) = load(name);
    assert_eq!(format, Format::OtlpLines);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!((data.traces.len(), data.span_count()), (1, 8));
    let trace = &data.traces[0];
    let key = data.strings.lookup("k8s.namespace.name").unwrap();
    let mut namespaces: Vec<(String, String)> = trace
        .resources
        .iter()
        .map(|r| {
            let ns = trace.attrs_of(r.attrs).iter().find(|kv| kv.key == key).unwrap();
            let ns = strand_model::dump::value_text(&data.strings, trace, ns.value);
            (data.strings.get(r.service).to_string(), ns)
        })
        .collect();
    namespaces.sort();
    namespaces.dedup(); // one resource per exported batch
    let expected = [("cart", "shop"), ("frontend", "shop"), ("payment", "payments")];
    assert_eq!(namespaces, expected.map(|(s, n)| (s.to_string(), n.to_string())));
    snapshot(name, &data, &notes);
}
