//! Masking in every export, and the preview of what a mask changes.

use super::roundtrip::hotrod_with_logs;
use crate::export::mask::Mask;
use crate::export::mask_preview::{mask_preview, Parts};
use crate::export::{export, ExportFormat, ExportOptions, JsonStyle};
use expect_test::expect;
use strand_model::Trace;

#[test]
fn the_default_rules_mask_secrets_personal_data_sql_queries_and_ips_in_every_format() {
    let data = hotrod_with_logs();
    let traces: Vec<&Trace> = data.traces.iter().chain(&data.unmatched_logs).collect();
    let options = ExportOptions { style: JsonStyle::Compact, mask: Mask::defaults() };
    for format in ExportFormat::ALL {
        let plain = export(format, &data.strings, &traces, &ExportOptions::default());
        let masked = export(format, &data.strings, &traces, &options);
        let name = format.name();
        assert!(masked.contains("***"), "{name}: something is masked");
        serde_json::from_str::<serde_json::Value>(&masked).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The HotROD trace's queries; the log fixtures' e-mail address and client address.
        for secret in ["customer=731", "nonse=15708", "ann@example.com", "10.0.3.7"] {
            assert!(!masked.contains(secret), "{name}: {secret} is masked");
        }
        if format == ExportFormat::OtlpLogs {
            assert!(plain.contains("ann@example.com"), "without a mask, nothing changes");
            // The statement attribute has its literals masked (the message text is not SQL to
            // the mask: only `body` rules apply to it).
            assert!(masked.contains("SELECT * FROM customer WHERE customer_id = ?"));
        }
    }
}

#[test]
fn the_preview_counts_per_rule_and_shows_examples() {
    let data = hotrod_with_logs();
    let traces: Vec<&Trace> = data.traces.iter().chain(&data.unmatched_logs).collect();
    let mask = Mask::parse("*.email,literals:db.statement,query:url.full,ip:*,-client.address").expect("rules");
    let preview = mask_preview(&data.strings, &traces, &mask, Parts::ALL, 6);
    let mut out = format!("{} values\n", preview.values);
    for hits in &preview.rules {
        out.push_str(&format!("  {}: {}\n", hits.rule, hits.values));
    }
    for s in &preview.samples {
        out.push_str(&format!("  {} | {} | {} -> {}\n", s.place, s.key, s.before, s.after));
    }
    expect![[r#"
        50 values
          *.email: 1
          literals:db.statement: 1
          query:url.full: 12
          ip:*: 47
          -client.address: 0
          span customer: GET /customer | network.peer.address | 127.0.0.1 -> ***
          span customer: GET /customer | server.address | 0.0.0.0 -> ***
          span driver: driver.DriverService/FindNearest | server.address | 127.0.0.1 -> ***
          span route: GET /route | network.peer.address | 127.0.0.1 -> ***
          span route: GET /route | server.address | 0.0.0.0 -> ***
          span route: GET /route | network.peer.address | 127.0.0.1 -> ***
    "#]]
    .assert_eq(&out);
    assert_eq!(mask_preview(&data.strings, &traces, &Mask::none(), Parts::ALL, 6).values, 0);

    // Per format, only what the format writes: the span formats count no log line, OTLP logs
    // no span; together OTLP and OTLP logs cover everything.
    let count = |format: ExportFormat| mask_preview(&data.strings, &traces, &mask, Parts::written_by(format), 6);
    let (spans, logs) = (count(ExportFormat::Otlp), count(ExportFormat::OtlpLogs));
    assert_eq!(spans.values + logs.values, preview.values);
    assert!(logs.samples.iter().all(|s| s.place.starts_with("log ")), "{:?}", logs.samples);
    for format in [ExportFormat::Otlp, ExportFormat::Zipkin, ExportFormat::Jaeger] {
        assert!(count(format).samples.iter().all(|s| !s.place.starts_with("log ")), "{format:?}");
    }
    assert!(count(ExportFormat::Zipkin).values <= spans.values);
    assert!(count(ExportFormat::Chrome).values <= preview.values);
}
