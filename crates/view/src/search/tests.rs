use super::*;
use expect_test::{expect, Expect};
use std::fmt::Write;
use strand_model::{Span, SpanId};
use strand_testkit::dataset;

/// Searches the first trace of `fixture` and prints the tree: `*` a match, `+` kept as an
/// ancestor of one, `.` neither; then the query's error if any.
fn check(fixture: &str, query: &str, expect: Expect) {
    let data = dataset(&[fixture]);
    expect.assert_eq(&render(&data, query));
}

fn render(data: &strand_model::Dataset, query: &str) -> String {
    let trace = &data.traces[0];
    let tree = SpanTree::build(trace);
    let result = search(&data.strings, trace, &tree, query);
    let mut out = String::new();
    if result.is_match.is_empty() {
        out.push_str("(nothing searched)\n");
    } else {
        assert_eq!(result.matches.iter().filter(|&&i| result.is_match[i as usize]).count(), result.matches.len());
        for &i in &tree.preorder {
            let mark = match (result.is_match[i as usize], result.keep[i as usize]) {
                (true, _) => '*',
                (false, true) => '+',
                (false, false) => '.',
            };
            let indent = "  ".repeat(tree.depth[i as usize] as usize);
            let _ = writeln!(out, "{mark} {indent}{}", data.strings.get(trace.spans[i as usize].name));
        }
    }
    if let Some(error) = &result.error {
        let _ = writeln!(out, "error: {error}");
    }
    out
}

const SHOP: &str = "
GET_/checkout frontend 0..100000000 server http.route=/checkout
  auth frontend 1000000..2000000
  POST_/charge payment 10000000..60000000 client http.status_code=500 error peer=https://pay.example/v1
    charge payment 12000000..58000000 server http.status_code=500 error
      SELECT_charges payment-db 20000000..25000000 client db.system=PostgreSQL
  render frontend 70000000..95000000 template=Receipt
";

#[test]
fn blank_query_searches_nothing() {
    check(
        SHOP,
        "  ",
        expect![[r#"
            (nothing searched)
        "#]],
    );
}

#[test]
fn free_text_matches_names_services_and_attributes_in_any_case() {
    check(
        SHOP,
        "CHARGE",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                *       SELECT charges
                .   render
            "#]],
    );
    // An attribute value, and a key.
    check(
        SHOP,
        "receipt",
        expect![[r#"
                + GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                *   render
            "#]],
    );
    check(
        SHOP,
        "db.sys",
        expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
    );
    // Numbers are text too, and the hex span id.
    check(
        SHOP,
        "500",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "0000000000000002",
        expect![[r#"
                + GET /checkout
                *   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
}

#[test]
fn terms_combine_with_and_and_quotes_keep_spaces() {
    check(
        SHOP,
        "service:payment charge",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                *       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "svc:PAYMENT-db",
        expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        r#""select charges" payment"#,
        expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
    );
    // A quoted value keeps its spaces; quoted, a keyword is plain text.
    check(
        SHOP,
        r#"template="RECEIPT""#,
        expect![[r#"
                + GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                *   render
            "#]],
    );
    check(
        SHOP,
        r#""GET /""#,
        expect![[r#"
                * GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        r#"render template="no such""#,
        expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        r#""error""#,
        expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "name:charge kind:server",
        expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
    );
}

#[test]
fn key_value_compares_the_value_as_text() {
    check(
        SHOP,
        "http.status_code=500",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "db.system=postgresql",
        expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
    );
    // `050` is not how 50 or 500 is written; a key nobody has matches nothing.
    check(
        SHOP,
        "http.status_code=0500",
        expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "peer=https://pay.example/v1",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "http.status_code!=500 service:payment",
        expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "service.name=frontend",
        expect![[r#"
                * GET /checkout
                *   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                *   render
            "#]],
    );
}

#[test]
fn durations_status_and_kind() {
    check(
        SHOP,
        ">40ms",
        expect![[r#"
                * GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "duration>=46ms dur<=50ms",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "min:1ms max:5000us",
        expect![[r#"
                + GET /checkout
                *   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "<0.0011s",
        expect![[r#"
                + GET /checkout
                *   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "error kind:client",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
    check(
        SHOP,
        "status:ok",
        expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
}

#[test]
fn unreadable_terms_are_explained_and_left_out() {
    check(
        SHOP,
        ">10xs",
        expect![[r#"
            (nothing searched)
            error: "10xs" is not a duration: use a number and a unit (ns, µs, ms, s, m, h, d), e.g. 250ms or 1.5s.
        "#]],
    );
    check(
        SHOP,
        "render >10 status:bad kind:sideways =x key= service:",
        expect![[r#"
            + GET /checkout
            .   auth
            .   POST /charge
            .     charge
            .       SELECT charges
            *   render
            error: "10" needs a unit: ns, µs, ms, s, m, h or d (e.g. 10ms). "bad" is not a status: use status:error, status:ok or status:unset. "sideways" is not a span kind: use server, client, producer, consumer, internal or unspecified. "=x" needs an attribute key before "=", e.g. http.route=/cart. "key=" needs a value after "=" (write key="" for an empty value). "service:" needs a service name after the colon, e.g. service:payment.
        "#]],
    );
    check(
        SHOP,
        "> min:",
        expect![[r#"
            (nothing searched)
            error: ">" needs a duration: use a number and a unit (ns, µs, ms, s, m, h, d), e.g. >10ms. "min:" needs a duration: use a number and a unit (ns, µs, ms, s, m, h, d), e.g. >10ms.
        "#]],
    );
    // Unknown prefixes are plain text (URLs have colons).
    check(
        SHOP,
        "https://pay",
        expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
    );
}

#[test]
fn events_and_status_messages_are_searched() {
    let mut data = dataset(&[SHOP]);
    let charge = strand_testkit::span_named(&data, &data.traces[0], "charge") as usize;
    let auth = strand_testkit::span_named(&data, &data.traces[0], "auth") as usize;
    let name = data.strings.intern("retry scheduled");
    let message = data.strings.intern("Read timed out");
    let trace = &mut data.traces[0];
    trace.events.push(strand_model::Event { time_ns: 13_000_000, name, attrs: Default::default() });
    trace.spans[charge].events = strand_model::Range32 { start: 0, len: 1 };
    trace.spans[auth].status_message = message;
    expect![[r#"
            + GET /checkout
            .   auth
            +   POST /charge
            *     charge
            .       SELECT charges
            .   render
        "#]]
    .assert_eq(&render(&data, "RETRY"));
    expect![[r#"
            + GET /checkout
            *   auth
            .   POST /charge
            .     charge
            .       SELECT charges
            .   render
        "#]]
    .assert_eq(&render(&data, r#""timed out""#));
}

#[test]
fn deep_traces_keep_ancestors_without_recursion() {
    // A chain of 200k spans, each the parent of the next: the match at the bottom keeps all.
    let mut trace = Trace::new(strand_model::TraceId::Hex(1));
    let n = 200_000u32;
    for i in 0..n {
        let mut span = Span::empty(SpanId::Hex(u64::from(i) + 1));
        span.start_ns = i64::from(i);
        span.duration_ns = 1_000_000 - 2 * i64::from(i);
        span.parent = if i == 0 { strand_model::NO_PARENT } else { i - 1 };
        trace.spans.push(span);
    }
    let tree = SpanTree::build(&trace);
    let result = search(&Interner::new(), &trace, &tree, "<600003ns");
    assert_eq!(result.matches, vec![n - 1]);
    assert!(result.keep.iter().all(|&k| k));
}

#[test]
fn numeric_attributes_compare_with_numbers() {
    let sizes = "
batch api 0..100
  a api 0..10 size=500
  b api 0..10 size=1500
  c api 0..10 size=2000 code=200
  d api 0..10 size=big
";
    check(
        sizes,
        "size>=1000 size<2000",
        expect![[r#"
            + batch
            .   a
            *   b
            .   c
            .   d
        "#]],
    );
    // `<=`, `>` and numbers in strings; `a<b` and `x>y` are not comparisons but text.
    check(
        sizes,
        "size<=500",
        expect![[r#"
            + batch
            *   a
            .   b
            .   c
            .   d
        "#]],
    );
    let data = dataset(&[sizes]);
    let mut texts = data.clone();
    let big = texts.strings.intern("2500");
    let d = texts.traces[0].spans[4].attrs.start as usize;
    texts.traces[0].attrs[d].value = strand_model::Value::Str(big);
    let (hits, error) = match_spans(&texts.strings, &texts.traces[0], "size>2000");
    assert_eq!((hits, error), (vec![false, false, false, false, true], None));
    let (hits, _) = match_spans(&data.strings, &data.traces[0], "List<String>");
    assert_eq!(hits, vec![false; 5]);
    assert_eq!(match_spans(&data.strings, &data.traces[0], " ").0, Vec::<bool>::new());
}

#[test]
fn fixed_keys_name_what_a_query_pins() {
    assert_eq!(
        fixed_keys("error service:cart name:GET kind:server region=eu service.name=cart size>5 x!=1 text >1ms"),
        ["kind", "operation", "region", "service", "status"]
    );
    assert!(fixed_keys("").is_empty());
}
