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
