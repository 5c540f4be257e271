//! The command-line interface: usage errors, partial failures and output, through
//! `strand_cli::run` (the `strand-cli` binary is a thin wrapper around it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use expect_test::expect;
use strand_cli::run;

fn sample(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/samples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn cli(args: &[&str]) -> strand_cli::Outcome {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    run(&args, &|p: &str| std::fs::read(p).map_err(|e| format!("{p}: {e}")))
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(cli(&["--help"]).code, 0);
    assert!(cli(&["--help"]).stdout.contains("usage: strand-cli"));
    let none = cli(&[]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.starts_with("strand-cli: no command given"), "{}", none.stderr);
    assert_eq!(cli(&["traces"]).code, 2);
    let unknown = cli(&["frobnicate", &sample("zipkin-v2_yelp.json")]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("unknown command \"frobnicate\""));
    assert_eq!(cli(&["--format", "xml", "traces", "x.json"]).code, 2);
    let compare_one = cli(&["compare", &sample("zipkin-v2_yelp.json")]);
    assert_eq!(compare_one.code, 2);
    assert!(compare_one.stderr.contains("compare needs two traces; 1 loaded"));
}

#[test]
fn a_bad_file_exits_1_and_the_others_are_still_used() {
    let out = cli(&["traces", "/nonexistent/file.json", &sample("zipkin-v2_yelp.json")]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("/nonexistent/file.json"), "{}", out.stderr);
    expect![[r#"
        trace                             start (UTC)               duration   spans  svcs  errors   warn  root
        a03ee8fff1dcd9b9                  2019-10-24 05:52:55.237      132ms      16     6       0      0  routing: post /location/update/v4
    "#]]
    .assert_eq(&out.stdout);
}

#[test]
fn graph_of_collector_links() {
    let out = cli(&["graph", &sample("jaeger-deps_dependency-graph-large.json")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("service graph of the loaded dependency links: 1238 nodes, 4271 edges"));
}

#[test]
fn critical_path_json_covers_the_trace() {
    let out = cli(&["critical-path", "--json", &sample("otlp_hotrod-full-trace.json")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let parsed: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let trace = &parsed[0];
    let total: i64 =
        trace["segments"].as_array().expect("segments").iter().map(|s| s["duration_ns"].as_i64().unwrap_or(0)).sum();
    assert_eq!(Some(total), trace["duration_ns"].as_i64(), "the path covers the root, which spans the trace");
}

#[test]
fn warnings_and_trace_stats_text() {
    let out = cli(&["warnings", &sample("zipkin-v2_messaging2-missing-parents.json")]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout.matches(": orphan: parent span").count(), 6, "{}", out.stdout);
    let stats = cli(&["trace-stats", "--group-by", "operation", &sample("zipkin-v2_yelp.json")]);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    assert!(stats.stdout.contains("routing: post /location/update/v4"), "{}", stats.stdout);
    let missing = cli(&["trace-stats", "--group-by", "no.such.key", &sample("zipkin-v2_yelp.json")]);
    assert_eq!(missing.code, 2);
}

/// The recording of the instrumented shop (12 checkouts; every third payment fails once).
fn shop() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/shop/shop.otlp.jsonl")
        .to_string_lossy()
        .into_owned()
}

fn log_fixture(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/logs")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn diagnosis_usage_errors_exit_2() {
    let shop = shop();
    for (args, message) in [
        (vec!["outliers", shop.as_str()], "outliers needs --select QUERY"),
        (vec!["outliers", "--select", ">10xs", shop.as_str()], "cannot read the query: \"10xs\" is not a duration"),
        (vec!["compare", "--b", "error", shop.as_str()], "--b needs --a"),
        (vec!["compare", "--a", "error", "--slowest", "10", shop.as_str()], "give one of --a, --slowest and --window"),
        (vec!["compare", "--slowest", "0", shop.as_str()], "bad percentage \"0\""),
        (vec!["compare", "--window", "5", shop.as_str()], "bad window \"5\""),
        (vec!["compare", "--slowest", "10", "--root", "frontend", shop.as_str()], "bad root \"frontend\""),
        (
            vec!["compare", "--slowest", "10", "--root", "x:y", shop.as_str()],
            "no loaded trace has the root operation x: y",
        ),
        (vec!["spans", "--select", "kind:sideways", shop.as_str()], "is not a span kind"),
    ] {
        let out = cli(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn logs_counts_lines_per_trace_and_unmatched() {
    let out = cli(&[
        "logs",
        &sample("otlp_hotrod-full-trace.json"),
        &log_fixture("hotrod.otlp-logs.jsonl"),
        &log_fixture("hotrod.ecs.jsonl"),
        &log_fixture("hotrod.json-logs.jsonl"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    expect![[r#"
        trace 1a4e4a7b270e9f2a0f716e3ee115218a (frontend: GET /dispatch): 14 lines, 13 at spans, 1 in the trace only; error 1, warn 2, info 8, debug 3
        unmatched: 3 lines, 2 without a trace id, 1 of 1 traces not loaded; error 1, warn 1, info 1
        17 log lines: 13 at a loaded span, 1 in a loaded trace only, 3 unmatched
    "#]]
    .assert_eq(&out.stdout);
    let json = cli(&["logs", "--json", &sample("otlp_hotrod-full-trace.json"), &log_fixture("hotrod.loki.json")]);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(parsed["lines"], 4);
    assert_eq!(parsed["at_span"], 3);
    assert_eq!(parsed["unmatched"]["without_trace_id"], 1);
    let lines = cli(&["logs", "--lines", &sample("otlp_hotrod-full-trace.json"), &log_fixture("hotrod.loki.json")]);
    assert!(lines.stdout.contains("route: GET /route            route found"), "{}", lines.stdout);
}

#[test]
fn a_log_file_given_twice_counts_its_lines_once() {
    let (trace, ecs) = (sample("otlp_hotrod-full-trace.json"), log_fixture("hotrod.ecs.jsonl"));
    let once = cli(&["logs", &trace, &ecs]);
    let twice = cli(&["logs", &trace, &ecs, &ecs]);
    assert_eq!(twice.code, 0, "{}", twice.stderr);
    assert_eq!(twice.stdout, once.stdout);
    assert!(
        twice.stderr.contains("hotrod.ecs.jsonl: 4 log lines already loaded (not added again)"),
        "{}",
        twice.stderr
    );
}

#[test]
fn export_writes_every_format_that_loads_back() {
    let hotrod = sample("otlp_hotrod-full-trace.json");
    for to in ["chrome", "zipkin", "jaeger", "otlp", "otlp-logs"] {
        let out = cli(&["export", "--to", to, &hotrod, &log_fixture("hotrod.ecs.jsonl")]);
        assert_eq!(out.code, 0, "{to}: {}", out.stderr);
        let _: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{to}: {e}"));
        if to == "chrome" {
            continue;
        }
        let dir = std::env::temp_dir().join(format!("strand-cli-export-{}-{to}", std::process::id()));
        std::fs::write(&dir, &out.stdout).expect("write the export");
        let path = dir.to_string_lossy().into_owned();
        let again = if to == "otlp-logs" { cli(&["logs", &hotrod, &path]) } else { cli(&["traces", &path]) };
        assert_eq!(again.code, 0, "{to}: {}", again.stderr);
        assert!(again.stdout.contains("1a4e4a7b270e9f2a0f716e3ee115218a"), "{to}: {}", again.stdout);
        let _ = std::fs::remove_file(&dir);
    }
}

#[test]
fn outliers_rank_what_sets_the_failed_payments_apart() {
    let out = cli(&["outliers", "--no-clock-skew", "--top", "4", "--select", "service:payment error", &shop()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    expect![[r#"
        selection: 3 spans (service:payment error)
        baseline: 10 spans (the other spans of the same operations)
            diff  selection   baseline  key = value
         +100.0%     100.0%       0.0%  http.status_code = 502
          +33.3%      33.3%       0.0%  http.target = /pay/0?attempt=1
          +33.3%      33.3%       0.0%  http.target = /pay/3?attempt=1
          +33.3%      33.3%       0.0%  http.target = /pay/6?attempt=1
    "#]]
    .assert_eq(&out.stdout);
    let json =
        cli(&["outliers", "--json", "--no-clock-skew", "--top", "0", "--select", "service:payment error", &shop()]);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let pairs = parsed["pairs"].as_array().expect("pairs");
    let diffs: Vec<f64> =
        pairs.iter().map(|p| p["selection_share"].as_f64().unwrap() - p["baseline_share"].as_f64().unwrap()).collect();
    assert!(diffs.windows(2).all(|w| w[0] >= w[1]), "sorted by the difference: {diffs:?}");
    assert_eq!((parsed["selection"].as_u64(), parsed["baseline"].as_u64()), (Some(3), Some(10)));
}

#[test]
fn compare_groups_of_traces() {
    let shop = shop();
    let out = cli(&["compare", "--no-clock-skew", "--a", "status:error", &shop]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    expect![[r#"
        A: traces with a span matching status:error (5 traces)
        B: the other traces (7 traces)
        A: 5 traces, 83 spans, mean 56.5ms, p90 88.8ms
        B: 7 traces, 112 spans, mean 46.3ms, p90 52.1ms
        class      #A    #B    mean A    mean B     p90 A     p90 B  path
        faster      5     7    56.5ms    46.3ms    88.8ms    52.1ms  frontend: GET /checkout/<int:n>
        same       25    35    13.4ms    12.8ms    21.0ms    16.8ms    frontend: GET
        same        5     7    3.88ms    3.69ms    4.29ms    3.84ms      cart: GET /cart/<int:n>
        same        5     7    2.36ms    2.31ms    2.46ms    2.45ms        cart: SELECT items
        same       15    21    7.30ms    6.67ms    8.76ms    7.50ms      inventory: GET /stock/<sku>
        same        5     7    5.69ms    5.93ms    5.85ms    6.41ms      pricing: GET /price/<int:n>
        same        5     7    4.20ms    4.59ms    4.33ms    4.90ms        pricing: compute discount
        faster      6     7    17.2ms    14.4ms    21.3ms    18.3ms    frontend: POST
        faster      6     7    11.3ms    10.0ms    14.9ms    10.6ms      payment: POST /pay/<int:n>
        same        6     7    8.43ms    7.59ms    12.3ms    7.91ms        payment: POST
    "#]]
    .assert_eq(&out.stdout);
    let slowest = cli(&[
        "compare",
        "--json",
        "--no-clock-skew",
        "--slowest",
        "25",
        "--root",
        "frontend:GET /checkout/<int:n>",
        &shop,
    ]);
    assert_eq!(slowest.code, 0, "{}", slowest.stderr);
    let parsed: serde_json::Value = serde_json::from_str(&slowest.stdout).expect("JSON");
    assert_eq!(parsed["totals_b"]["traces"], 3);
    assert_eq!(parsed["totals_a"]["traces"], 9);
    assert_eq!(parsed["rows"][0]["class"], "slower");
}

#[test]
fn spans_carry_their_rank_among_peers() {
    let out = cli(&["spans", "--json", "--no-clock-skew", "--select", "name:\"SELECT items\"", &shop()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let parsed: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let rows = parsed.as_array().expect("rows");
    assert_eq!(rows.len(), 12);
    let mut ranks: Vec<u64> = rows.iter().map(|r| r["peer_percentile"].as_u64().unwrap()).collect();
    ranks.sort_unstable();
    // Twelve peers with distinct durations: floor(100 k / 12) for k = 1..=12.
    assert_eq!(ranks, [8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91, 100]);
    assert!(rows.iter().all(|r| r["peers"] == 12));
    assert_eq!(rows.iter().filter(|r| r["above_p95"] == true).count(), 0, "the p95 of 12 is the maximum");
    let text = cli(&["spans", "--no-clock-skew", "--select", "name:\"SELECT items\"", &shop()]);
    assert!(text.stdout.contains("p100 of 12 `cart SELECT items` spans loaded"), "{}", text.stdout);
}

#[test]
fn export_masks_with_the_given_rules_and_rejects_bad_ones() {
    let hotrod = sample("otlp_hotrod-full-trace.json");
    let plain = cli(&["export", "--to", "zipkin", &hotrod]);
    assert!(plain.stdout.contains("customer=731"));
    let masked = cli(&["export", "--to", "zipkin", "--mask", "defaults", &hotrod]);
    assert_eq!(masked.code, 0, "{}", masked.stderr);
    assert!(!masked.stdout.contains("customer=731") && masked.stdout.contains("customer=***"));
    let pretty = cli(&["export", "--to", "jaeger", "--pretty", "--mask", "url.full,-url.full", &hotrod]);
    assert!(pretty.stdout.contains("\n  \"data\": [") && pretty.stdout.contains("customer=731"));
    let bad = cli(&["export", "--to", "zipkin", "--mask", "literals:", &hotrod]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("needs a key or a pattern"), "{}", bad.stderr);
    let unknown = cli(&["export", "--to", "xml", &hotrod]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("unknown export format \"xml\""), "{}", unknown.stderr);
    assert_eq!(cli(&["export", &hotrod]).code, 2);
}
