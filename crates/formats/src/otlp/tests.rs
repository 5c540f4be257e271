//! OTLP JSON quirks, each as a small document and the canonical dump it loads to (plus the
//! load's notes, or the error).

use crate::test_support::check_load;
use crate::Format;
use expect_test::{expect, Expect};

fn check_load_as(format: Format, json: &str, expect: Expect) {
    check_load(json, None, Some(format), expect);
}

fn check(json: &str, expect: Expect) {
    check_load(json, None, Some(Format::Otlp), expect);
}

#[test]
fn canonical_camel_case() {
    check(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
            "scopeSpans":[{"scope":{"name":"lib","version":"1"},"spans":[
              {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"GET /cart","kind":2,
               "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
               "attributes":[{"key":"http.status_code","value":{"intValue":"200"}}],"status":{"code":1}}]}]}]}"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=1 services=1 duration=1.00s errors=0
              cart: GET /cart [server] +0ns 1.00s id=eee19b7ec3c1b174 status=ok
                attrs {http.status_code=200}
              resource#0 service="cart" {service.name="cart"}
              scope#0 "lib" "1" {}

        "#]],
    );
}

#[test]
fn protobuf_field_names_load_with_a_note() {
    check(
        r#"{"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"cart"}}]},
            "scope_spans":[{"scope":{"name":"lib"},"spans":[
              {"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","parent_span_id":"",
               "name":"GET /cart","kind":"SPAN_KIND_SERVER",
               "start_time_unix_nano":"1544712660000000000","end_time_unix_nano":"1544712661000000000",
               "attributes":[{"key":"n","value":{"int_value":"3"}},{"key":"tags","value":{"array_value":{"values":[{"bool_value":true}]}}}],
               "events":[{"time_unix_nano":"1544712660500000000","name":"half"}],
               "status":{"code":"STATUS_CODE_ERROR","message":"boom"}}]}]}]}"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=1 services=1 duration=1.00s errors=1
              cart: GET /cart [server] +0ns 1.00s id=eee19b7ec3c1b174 status=error("boom")
                attrs {n=3, tags=[true]}
                event +500ms "half"
              resource#0 service="cart" {service.name="cart"}
              scope#0 "lib" "" {}

            note: the file uses protobuf field names (resource_spans, start_time_unix_nano, …) instead of OTLP/JSON's lowerCamelCase; read as OTLP JSON, as protobuf's JSON mapping allows
        "#]],
    );
}

#[test]
fn both_spellings_mixed_in_one_document() {
    check(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},
            "scope_spans":[{"spans":[
              {"traceId":"01","span_id":"02","name":"x","startTimeUnixNano":"1000","end_time_unix_nano":"3000"}]}]}]}"#,
        expect![[r#"
            trace 0000000000000001 spans=1 services=1 duration=2.00µs errors=0
              a: x [unspecified] +0ns 2.00µs id=0000000000000002
              resource#0 service="a" {service.name="a"}
              scope#0 "" "" {}

            note: the file uses protobuf field names (resource_spans, start_time_unix_nano, …) instead of OTLP/JSON's lowerCamelCase; read as OTLP JSON, as protobuf's JSON mapping allows
        "#]],
    );
}

#[test]
fn bare_scalar_attribute_values_load_with_a_note() {
    check(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":"cart"}]},
            "scopeSpans":[{"spans":[
              {"traceId":"01","spanId":"02","name":"x","startTimeUnixNano":"1000","endTimeUnixNano":"3000",
               "attributes":[{"key":"s","value":"text"},{"key":"i","value":42},{"key":"f","value":1.5},
                             {"key":"b","value":false},{"key":"n","value":null},{"key":"big","value":18446744073709551615}]}]}]}]}"#,
        expect![[r#"
            trace 0000000000000001 spans=1 services=1 duration=2.00µs errors=0
              cart: x [unspecified] +0ns 2.00µs id=0000000000000002
                attrs {s="text", i=42, f=1.5, b=false, n=null, big=1.8446744073709552e19}
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}

            note: 6 attribute values were bare JSON values instead of AnyValue objects ({"stringValue": …}); read as their JSON types
        "#]],
    );
}

#[test]
fn envelopes_enum_names_and_base64_ids() {
    check(
        r#"{"result":{"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"x","kind":"SPAN_KIND_CLIENT",
               "startTimeUnixNano":1000,"endTimeUnixNano":"2000","status":{"code":"STATUS_CODE_OK"}}]}]}]}}"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=1 services=1 duration=1.00µs errors=0
              ! missing-service: a resource has no service.name attribute; its spans are shown without a service
              : x [client] +0ns 1.00µs id=eee19b7ec3c1b174 status=ok
              resource#0 service="" {}
              scope#0 "" "" {}

        "#]],
    );
}

#[test]
fn old_instrumentation_library_spans() {
    check(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"old"}}]},
            "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"lib","version":"0.9"},"spans":[
              {"traceId":"01","spanId":"02","name":"x","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]}"#,
        expect![[r#"
            trace 0000000000000001 spans=1 services=1 duration=1.00µs errors=0
              old: x [unspecified] +0ns 1.00µs id=0000000000000002
              resource#0 service="old" {service.name="old"}
              scope#0 "lib" "0.9" {}

        "#]],
    );
}

#[test]
fn missing_times_are_warned_not_rejected() {
    check(
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"01","spanId":"02","name":"root","startTimeUnixNano":"5000","endTimeUnixNano":"9000"},
              {"traceId":"01","spanId":"03","parentSpanId":"02","name":"child"}]}]}]}"#,
        expect![[r#"
            trace 0000000000000001 spans=2 services=1 duration=4.00µs errors=0
              ! missing-service: a resource has no service.name attribute; its spans are shown without a service
              : root [unspecified] +0ns 4.00µs id=0000000000000002
                : child [unspecified] +0ns 0ns id=0000000000000003
                  ! missing-start: the span has no start time; it is placed at its parent's start
                  ! missing-duration: the span has no end time; its duration is shown as 0
              resource#0 service="" {}
              scope#0 "" "" {}

        "#]],
    );
}

#[test]
fn json_lines_keep_good_lines_and_name_the_broken_one() {
    check_load_as(
        Format::OtlpLines,
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\"spanId\":\"02\",\"name\":\"a\",\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\"}]}]}]}\n\
         {\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\n\
         {\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\"spanId\":\"03\",\"parentSpanId\":\"02\",\"name\":\"b\",\"startTimeUnixNano\":\"1200\",\"endTimeUnixNano\":\"1800\"}]}]}]}\n",
        expect![[r#"
            trace 0000000000000001 spans=2 services=1 duration=1.00µs errors=0
              ! missing-service: a resource has no service.name attribute; its spans are shown without a service
              ! missing-service: a resource has no service.name attribute; its spans are shown without a service
              : a [unspecified] +0ns 1.00µs id=0000000000000002
                : b [unspecified] +200ns 600ns id=0000000000000003
              resource#0 service="" {}
              resource#1 service="" {}
              scope#0 "" "" {}
              scope#1 "" "" {}

            note: skipped a line that could not be read: t.json: the file ends early at line 2, column 59; it looks truncated (was the download or export cut off?)
        "#]],
    );
}

#[test]
fn unusable_documents_are_located_errors() {
    check(
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"#,
        expect![[r#"
        error: t.json: the file ends early at line 1, column 68; it looks truncated (was the download or export cut off?)
    "#]],
    );
    check(
        r#"{"resourceSpans":{"scopeSpans":[]}}"#,
        expect![[r#"
        error: t.json: read as OTLP JSON, but at line 1, column 17: invalid type: map, expected a sequence
    "#]],
    );
}

#[test]
fn pasted_text_is_checked_with_its_place() {
    assert_eq!(crate::check_pasted(br#"{"resourceSpans":[]}"#), Ok(()));
    assert_eq!(
        crate::check_pasted(b"{\"resourceSpans\":[{\"scopeSpans\":["),
        Err("The text ends early at line 1, column 33: it looks cut off. Copy the whole document and paste it again."
            .into())
    );
    assert_eq!(
        crate::check_pasted(b"{\"a\": tru}"),
        Err("The text is not valid JSON at line 1, column 10: expected ident.".into())
    );
    assert!(crate::check_pasted(br#"{"hello":"world"}"#)
        .unwrap_err()
        .contains("not a trace or log format Strand knows"));
    // Log lines that are not JSON: logfmt and text lines are taken, other text is not.
    assert_eq!(crate::check_pasted(b"time=2026-12-04T10:00:00Z level=info msg=\"hi\" trace_id=ab\n"), Ok(()));
    assert_eq!(crate::check_pasted(b"2026-12-04 10:00:00,001 INFO [app] - hi\n"), Ok(()));
    assert_eq!(crate::check_pasted(b"[2026-12-04 10:00:00,001] INFO [app] - hi\n"), Ok(()));
    assert!(crate::check_pasted(b"hello there").unwrap_err().contains("not valid JSON"));
}

#[test]
fn bare_resource_spans_per_line_as_the_java_logging_exporter_writes_them() {
    // The Java SDK's `logging-otlp` span exporter: one `ResourceSpans` per line, no wrapper.
    let line = |span: &str, name: &str| {
        format!(
            r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"frontend"}}}}]}},"scopeSpans":[{{"scope":{{"name":"shop","version":"1"}},"spans":[{{"traceId":"390420a9d353acf79517a432a31fb165","spanId":"{span}","name":"{name}","kind":2,"startTimeUnixNano":"1796424989027000000","endTimeUnixNano":"1796424989047000000","status":{{}}}}]}}]}}"#
        )
    };
    let lines = format!("{}\n{}\n", line("e4d5ab5c0a8c6d11", "GET /cart"), line("a4d5ab5c0a8c6d12", "GET /other"));
    let wrapped = |doc: &str| format!("{{\"resourceSpans\":[{doc}]}}");
    let mut as_wrapped = String::new();
    for l in lines.lines() {
        as_wrapped.push_str(&wrapped(l));
        as_wrapped.push('\n');
    }
    let dump = |text: &str| {
        let mut data = strand_model::Dataset::new();
        let (found, _) = crate::load(&mut data, text.as_bytes(), "t.json", None, &crate::AssembleOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        (found, strand_model::dump::dump_dataset(&data))
    };
    let (found, bare) = dump(&lines);
    assert_eq!(found, Format::OtlpLines);
    assert_eq!(bare, dump(&as_wrapped).1);
    assert!(bare.contains("GET /cart") && bare.contains("GET /other"), "{bare}");
    // One such object as a whole document.
    let (found, one) = dump(&line("e4d5ab5c0a8c6d11", "GET /cart"));
    assert_eq!(found, Format::Otlp);
    assert!(one.contains("frontend: GET /cart"), "{one}");
    // A top-level `resource` that is no resource, beside `resourceSpans`, is ignored as before.
    let doc = wrapped(&line("e4d5ab5c0a8c6d11", "GET /cart"));
    for other in [r#""projects/p1""#, "[1,2]", "null", "7"] {
        let with = format!("{},\"resource\":{other}}}", doc.trim_end_matches('}'));
        assert_eq!(dump(&with).1, dump(&doc).1, "{with}");
        let lines = format!("{with}\n{with}\n");
        assert_eq!(dump(&lines).1, dump(&format!("{doc}\n{doc}\n")).1, "{lines}");
    }
}

#[test]
fn a_document_without_spans_keys_says_so() {
    // Read as OTLP on request (`--format otlp`): nothing to read is said, not silent.
    check_load(
        r#"{"name":"not otlp"}"#,
        Some(Format::Otlp),
        None,
        expect![[r#"
        note: the document has no resourceSpans (nor batches or scopeSpans): it holds no spans Strand knows
    "#]],
    );
    check_load(
        "{\"a\":1}\n{\"resourceSpans\":[]}\n{\"b\":2}\n",
        Some(Format::OtlpLines),
        None,
        expect![[r#"
        note: 2 lines have no resourceSpans (nor batches or scopeSpans): they hold no spans Strand knows
    "#]],
    );
}
