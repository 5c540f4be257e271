//! The log views on a small trace with lines at its spans, at the trace only, and unmatched.

use super::*;
use expect_test::{expect, Expect};
use std::fmt::Write;
use strand_formats::{load, AssembleOptions};

const TRACE: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
  "scopeSpans":[{"spans":[
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /cart","kind":2,
     "startTimeUnixNano":"1714564800000000000","endTimeUnixNano":"1714564800100000000"},
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c1","parentSpanId":"eee19b7ec3c1b174",
     "name":"SELECT","kind":3,"startTimeUnixNano":"1714564800010000000","endTimeUnixNano":"1714564800030000000"}]}]}]}"#;

const LOGS: &str = r#"{"time":"2024-05-01T12:00:00.005Z","level":"info","msg":"cart requested","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","service":"cart","user":"ann"}
{"time":"2024-05-01T12:00:00.020Z","level":"error","msg":"query failed","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"00000000000000c1","service":"cart","db.statement":"SELECT 1","logger":"db"}
{"time":"2024-05-01T12:00:00.025Z","level":"warn","msg":"retrying","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"00000000000000c1","service":"db-proxy"}
{"time":"2024-05-01T12:00:00.090Z","level":"debug","msg":"no span id","trace_id":"5b8efff798038103d269b633813fc60c"}
{"time":"2024-05-01T11:59:59.000Z","level":"info","msg":"service started"}
{"time":"2024-05-01T12:00:01.000Z","level":"error","msg":"other trace","trace_id":"0000000000000000000000000000abcd"}
"#;

/// The trace and lines above, loaded.
pub(crate) fn data() -> Dataset {
    let mut data = Dataset::new();
    load(&mut data, TRACE.as_bytes(), "t.json", None, &AssembleOptions::default()).expect("trace");
    load(&mut data, LOGS.as_bytes(), "app.log", None, &AssembleOptions::default()).expect("logs");
    data
}

fn render(line: &LogLine) -> String {
    let fields: Vec<String> = line.fields.iter().map(|f| format!("{}={}", f.key, f.value)).collect();
    format!(
        "{} {} {}[{}] {}: {:?} span={:?} logger={:?} {{{}}} ({})",
        line.offset,
        line.time,
        line.level.as_str(),
        line.severity_text,
        line.service,
        line.message,
        line.span_id,
        line.logger,
        fields.join(", "),
        line.source
    )
}

fn check_rows(filter: LogFilter, expect: Expect) {
    let data = data();
    let rows = trace_log_rows(&data.strings, &data.traces[0], &filter);
    let mut out = format!(
        "{} of {} lines; levels {:?}; services {:?}\n",
        rows.rows.len(),
        rows.total,
        rows.by_level,
        rows.services
    );
    for row in &rows.rows {
        let _ = writeln!(out, "{} <- {:?}", render(&row.line), row.span_label);
    }
    expect.assert_eq(&out);
}

#[test]
fn a_span_lists_its_own_lines_with_offsets_from_its_start() {
    let data = data();
    let trace = &data.traces[0];
    let lines: Vec<String> = span_logs(&data.strings, trace, 1).iter().map(render).collect();
    expect![[r#"
        [
            "+10.0ms 2024-05-01 12:00:00.020 error[error] cart: \"query failed\" span=Some(\"00000000000000c1\") logger=\"db\" {db.statement=SELECT 1} (app.log)",
            "+15.0ms 2024-05-01 12:00:00.025 warn[warn] db-proxy: \"retrying\" span=Some(\"00000000000000c1\") logger=\"\" {} (app.log)",
        ]
    "#]]
    .assert_debug_eq(&lines);
    assert!(span_logs(&data.strings, trace, 99).is_empty());
    // Searching within the span's lines: message, fields, logger and service, any case.
    let matching = |text: &str| -> Vec<String> {
        span_logs_matching(&data.strings, trace, 1, text).iter().map(|l| l.message.clone()).collect()
    };
    assert_eq!(matching(""), ["query failed", "retrying"]);
    assert_eq!(matching("RETRY"), ["retrying"]);
    assert_eq!(matching("select 1"), ["query failed"]);
    assert_eq!(matching("db-proxy"), ["retrying"]);
    assert!(matching("cart requested").is_empty(), "a line of another span");
    assert!(span_logs_matching(&data.strings, trace, 99, "").is_empty());
    assert_eq!(log_summary(trace), LogSummary { lines: 4, at_span: 3, trace_only: 1, errors: 1, warnings: 1 });
}

#[test]
fn the_logs_tab_filters_by_level_service_text_and_span() {
    check_rows(
        LogFilter::default(),
        expect![[r#"
            4 of 4 lines; levels [(Debug, 1), (Info, 1), (Warn, 1), (Error, 1)]; services ["cart", "db-proxy"]
            +5.00ms 2024-05-01 12:00:00.005 info[info] cart: "cart requested" span=Some("eee19b7ec3c1b174") logger="" {user=ann} (app.log) <- Some("cart: GET /cart")
            +20.0ms 2024-05-01 12:00:00.020 error[error] cart: "query failed" span=Some("00000000000000c1") logger="db" {db.statement=SELECT 1} (app.log) <- Some("cart: SELECT")
            +25.0ms 2024-05-01 12:00:00.025 warn[warn] db-proxy: "retrying" span=Some("00000000000000c1") logger="" {} (app.log) <- Some("cart: SELECT")
            +90.0ms 2024-05-01 12:00:00.090 debug[debug] : "no span id" span=None logger="" {} (app.log) <- None
        "#]],
    );
    check_rows(
        LogFilter { min_level: Level::Warn, ..LogFilter::default() },
        expect![[r#"
        2 of 4 lines; levels [(Debug, 1), (Info, 1), (Warn, 1), (Error, 1)]; services ["cart", "db-proxy"]
        +20.0ms 2024-05-01 12:00:00.020 error[error] cart: "query failed" span=Some("00000000000000c1") logger="db" {db.statement=SELECT 1} (app.log) <- Some("cart: SELECT")
        +25.0ms 2024-05-01 12:00:00.025 warn[warn] db-proxy: "retrying" span=Some("00000000000000c1") logger="" {} (app.log) <- Some("cart: SELECT")
    "#]],
    );
    check_rows(
        LogFilter { service: "CART".into(), text: "select".into(), ..LogFilter::default() },
        expect![[r#"
        1 of 4 lines; levels [(Debug, 1), (Info, 1), (Warn, 1), (Error, 1)]; services ["cart", "db-proxy"]
        +20.0ms 2024-05-01 12:00:00.020 error[error] cart: "query failed" span=Some("00000000000000c1") logger="db" {db.statement=SELECT 1} (app.log) <- Some("cart: SELECT")
    "#]],
    );
    check_rows(
        LogFilter { span: Some(0), ..LogFilter::default() },
        expect![[r#"
        1 of 4 lines; levels [(Debug, 1), (Info, 1), (Warn, 1), (Error, 1)]; services ["cart", "db-proxy"]
        +5.00ms 2024-05-01 12:00:00.005 info[info] cart: "cart requested" span=Some("eee19b7ec3c1b174") logger="" {user=ann} (app.log) <- Some("cart: GET /cart")
    "#]],
    );
}

#[test]
fn unmatched_lines_say_why() {
    let data = data();
    let rows: Vec<String> = unmatched_logs(&data, &LogFilter::default())
        .iter()
        .map(|r| format!("{:?} {:?} {}", r.reason, r.trace_id, render(&r.line)))
        .collect();
    expect![[r#"
        [
            "NoTraceId None +0ns 2024-05-01 11:59:59.000 info[info] : \"service started\" span=None logger=\"\" {} (app.log)",
            "TraceNotLoaded Some(\"000000000000abcd\") +2.00s 2024-05-01 12:00:01.000 error[error] : \"other trace\" span=None logger=\"\" {} (app.log)",
        ]
    "#]]
    .assert_debug_eq(&rows);
    assert_eq!(unmatched_logs(&data, &LogFilter { min_level: Level::Error, ..LogFilter::default() }).len(), 1);
}

#[test]
fn lines_move_with_their_span_when_clock_skew_is_undone() {
    let mut data = data();
    let trace = &mut data.traces[0];
    trace.spans[1].skew_ns = 5_000_000;
    trace.spans[1].start_ns += 5_000_000;
    let trace = &data.traces[0];
    let line = &span_logs(&data.strings, trace, 1)[0];
    assert_eq!(line.offset, "+10.0ms", "still 10 ms into its span");
    assert_eq!(line.time, "2024-05-01 12:00:00.025");
}

#[test]
fn line_times_follow_the_time_zone_setting() {
    use strand_model::time::{set_display_zone, DisplayZone, ZoneOffset};
    let data = data();
    let trace = &data.traces[0];
    set_display_zone(DisplayZone { label: "Asia/Kolkata".to_string(), offset: ZoneOffset::Fixed(5 * 3600 + 1800) });
    let line = span_logs(&data.strings, trace, 1)[0].clone();
    let zoned = line.time_zoned();
    set_display_zone(DisplayZone::utc());
    assert_eq!(line.time, "2024-05-01 17:30:00.020");
    assert_eq!(zoned, "2024-05-01 17:30:00.020 Asia/Kolkata");
    assert_eq!(span_logs(&data.strings, trace, 1)[0].time, "2024-05-01 12:00:00.020");
}

#[test]
fn the_app_builds_only_the_rows_in_view_from_an_order_of_indices() {
    let data = data();
    let trace = &data.traces[0];
    for filter in [
        LogFilter::default(),
        LogFilter { min_level: Level::Warn, ..LogFilter::default() },
        LogFilter { text: "DB-PROXY".into(), ..LogFilter::default() },
        LogFilter { text: "ann".into(), ..LogFilter::default() },
        LogFilter { span: Some(1), ..LogFilter::default() },
    ] {
        let order = log_order(&data.strings, trace, &filter);
        let rows: Vec<LogRow> = order.lines.iter().filter_map(|&i| log_row(&data.strings, trace, i)).collect();
        assert_eq!(rows, trace_log_rows(&data.strings, trace, &filter).rows, "{filter:?}");
    }
    let order = log_order(&data.strings, trace, &LogFilter { text: "db-proxy".into(), ..LogFilter::default() });
    assert_eq!(order.lines, vec![2], "the service is searched too");
    assert_eq!(log_row(&data.strings, trace, 99), None);
}

#[test]
fn the_unmatched_list_counts_why_lines_are_there() {
    let data = data();
    let order = unmatched_order(&data, &LogFilter::default());
    assert_eq!((order.total, order.no_trace_id, order.trace_not_loaded, order.traces_not_loaded), (2, 1, 1, 1));
    expect![[r#"1 line without a trace id · 1 line of 1 trace not loaded"#]].assert_eq(&unmatched_breakdown(&order));
    let reasons: Vec<String> = order
        .lines
        .iter()
        .filter_map(|&at| unmatched_row(&data, order.first_ns, at))
        .map(|r| r.reason_text())
        .collect();
    assert_eq!(reasons, ["no trace id", "trace 000000000000abcd not loaded"]);
    assert_eq!(unmatched_summary(&data).as_deref(), Some("2 log lines match no loaded trace"));
    assert_eq!(unmatched_summary(&Dataset::new()), None);
    assert_eq!(unmatched_row(&data, 0, (9, 0)), None);
}

#[test]
fn the_span_index_lists_each_spans_lines_in_time_order() {
    let data = data();
    let trace = &data.traces[0];
    let index = SpanLogIndex::build(trace);
    assert_eq!(index.of(0), &[0]);
    assert_eq!(index.of(1), &[1, 2]);
    assert_eq!(index.of(2), &[] as &[u32]);
    assert_eq!(index.len(), 3, "the line without a span id is at no span");
    assert!(SpanLogIndex::build(&strand_model::Trace::new(trace.trace_id)).is_empty());
}

#[test]
fn lines_of_a_file_without_any_time_show_at_their_span_start() {
    // winston's plain `json()` format: no time on any line.
    let mut data = Dataset::new();
    load(&mut data, TRACE.as_bytes(), "t.json", None, &AssembleOptions::default()).expect("trace");
    let untimed = r#"{"level":"error","message":"query failed","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"00000000000000c1"}
{"level":"info","message":"in the trace only","trace_id":"5b8efff798038103d269b633813fc60c"}
"#;
    load(&mut data, untimed.as_bytes(), "winston.log", None, &AssembleOptions::default()).expect("logs");
    let trace = &data.traces[0];
    let at_span = span_logs(&data.strings, trace, 1);
    assert_eq!(at_span.iter().map(render).collect::<Vec<_>>(), [
        "+0ns 2024-05-01 12:00:00.010 error[error] : \"query failed\" span=Some(\"00000000000000c1\") logger=\"\" {} (winston.log)"
    ]);
    let rows = trace_log_rows(&data.strings, trace, &LogFilter::default());
    // Each at its span's or the trace's start, and in that order.
    let offsets: Vec<&str> = rows.rows.iter().map(|r| r.line.offset.as_str()).collect();
    assert_eq!(offsets, ["+0ns", "+10.0ms"]);
    // Unmatched: a line without any time says so, the timed ones count from the first timed.
    let mut data = Dataset::new();
    let other = r#"{"time":"2024-05-01T12:00:00.005Z","level":"info","message":"timed","trace_id":"0000000000000000000000000000abcd"}"#;
    load(&mut data, other.as_bytes(), "timed.log", None, &AssembleOptions::default()).expect("logs");
    load(&mut data, untimed.as_bytes(), "winston.log", None, &AssembleOptions::default()).expect("logs");
    let rows = unmatched_logs(&data, &LogFilter::default());
    let shown: Vec<(String, String)> = rows.iter().map(|r| (r.line.offset.clone(), r.line.message.clone())).collect();
    assert_eq!(
        shown,
        [
            ("no time".to_string(), "query failed".to_string()),
            ("no time".to_string(), "in the trace only".to_string()),
            ("+0ns".to_string(), "timed".to_string()),
        ]
    );
}
