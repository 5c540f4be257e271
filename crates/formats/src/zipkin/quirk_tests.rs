//! Zipkin files found in the wild that bend the API's shapes, each as a small document and what
//! it loads to (the canonical dump plus the load's notes, or the error).

use crate::test_support::check_load;
use crate::Format;
use expect_test::{expect, Expect};

fn check(json: &str, expect: Expect) {
    check_load(json, None, Some(Format::Zipkin), expect);
}

#[test]
fn single_span_object_loads_as_a_list_of_one() {
    check(
        r#"{"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","kind":"SERVER","name":"get /api",
            "timestamp":1556604172355737,"duration":1431,"localEndpoint":{"serviceName":"backend","ipv4":"192.168.99.1"},
            "tags":{"http.method":"GET"}}"#,
        expect![[r#"
            trace 5af7183fb1d4cf5f spans=1 services=1 duration=1.43ms errors=0
              backend: get /api [server] +0ns 1.43ms id=352bff9a74ca9ad2
                attrs {http.method="GET"}
              resource#0 service="backend" {ipv4="192.168.99.1"}

            note: the file is a single Zipkin span object, not a list of spans as the Zipkin API defines; read as a list of one
        "#]],
    );
}

#[test]
fn single_object_that_is_cut_off_is_still_truncated() {
    check(
        r#"{"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","name":"get"#,
        expect![[r#"
            error: t.json: the file ends early at line 1, column 65; it looks truncated (was the download or export cut off?)
        "#]],
    );
}
