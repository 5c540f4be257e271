//! Elastic Common Schema quirks: ecs-logging's nested documents, Filebeat's and Logstash's
//! dotted ones, an Elasticsearch `_search` answer, hits with `fields` only.

use crate::logs::tests::{load_logs, TRACE};
use crate::Format;
use expect_test::{expect, Expect};

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&load_logs(Format::Ecs, &[TRACE, text]));
}

#[test]
fn ecs_logging_nested_and_dotted_documents_read_alike() {
    check(
        r#"{"@timestamp":"2024-05-01T12:00:00.015Z","log.level":"info","message":"cart loaded","ecs.version":"1.6.0","log":{"logger":"shop.cart","origin":{"file":{"line":42,"name":"shop.py"},"function":"cart"}},"process":{"pid":7},"service":{"name":"cart"},"span":{"id":"eee19b7ec3c1b174"},"trace":{"id":"5b8efff798038103d269b633813fc60c"},"transaction":{"id":"eee19b7ec3c1b174"}}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"slow query","ecs.version":"1.6.0","log.logger":"shop.cart","log.origin.file.line":43,"log.origin.file.name":"shop.py","log.origin.function":"cart","process.pid":7,"service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=2 at-span=2 trace-only=0
              log +15.0ms cart: info("info") span=eee19b7ec3c1b174 "cart loaded" {ecs.version="1.6.0", log.origin.file.line=42, log.origin.file.name="shop.py", log.origin.function="cart", process.pid=7, transaction.id="eee19b7ec3c1b174"} scope="shop.cart"
              log +25.0ms cart: warn("warn") span=00000000000000c1 "slow query" {ecs.version="1.6.0", log.origin.file.line=43, log.origin.file.name="shop.py", log.origin.function="cart", process.pid=7} scope="shop.cart"
              log-resource#0 service="cart" {}
              log-scope#0 "shop.cart" "" {}

            lines at a span: 2, in a trace only: 0, unmatched: 0
        "#]],
    );
}

#[test]
fn filebeat_and_logstash_documents() {
    check(
        r#"{"@timestamp":"2024-05-01T12:00:00.050Z","@metadata":{"beat":"filebeat","type":"_doc","version":"8.13.0"},"agent":{"type":"filebeat","version":"8.13.0"},"ecs":{"version":"8.0.0"},"host":{"name":"node-1"},"log":{"file":{"path":"/var/log/cart.log"},"offset":120,"level":"ERROR"},"message":"payment declined","trace":{"id":"5b8efff798038103d269b633813fc60c"},"service":{"name":"cart","version":"2.1"}}
{"@timestamp":"2024-05-01T12:00:00.060Z","@version":"1","message":"logstash line without level","host":"node-2","tags":["beats_input_codec_plain_applied"]}
"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=1 at-span=0 trace-only=1
              log +50.0ms cart: error("ERROR") "payment declined" {@metadata.beat="filebeat", @metadata.type="_doc", @metadata.version="8.13.0", agent.type="filebeat", agent.version="8.13.0", ecs.version="8.0.0", log.file.path="/var/log/cart.log", log.offset=120}
              log-resource#0 service="cart" {host.name="node-1", service.version="2.1"}

            unmatched logs trace=(none) lines=1 from 2024-05-01 12:00:00.060
              log +0ns unspecified "logstash line without level" {@version="1", host="node-2", tags=["beats_input_codec_plain_applied"]}
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 1, unmatched: 1
        "#]],
    );
}

#[test]
fn an_elasticsearch_search_answer() {
    check(
        r#"{"took":4,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
 "hits":{"total":{"value":3,"relation":"eq"},"max_score":null,"hits":[
  {"_index":"logs-app-default","_id":"a1","_score":null,"_source":{"@timestamp":"2024-05-01T12:00:00.012Z","log":{"level":"debug"},"message":"from _source","trace":{"id":"5b8efff798038103d269b633813fc60c"},"span":{"id":"eee19b7ec3c1b174"}},"sort":[1714564800012]},
  {"_index":"logs-app-default","_id":"a2","fields":{"@timestamp":["2024-05-01T12:00:00.013Z"],"message":["from fields, one-element arrays"],"trace.id":["5b8efff798038103d269b633813fc60c"],"tags":["a","b"]}},
  {"_index":"logs-app-default","_id":"a3"}
 ]}}"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=2 at-span=1 trace-only=1
              log +12.0ms debug("debug") span=eee19b7ec3c1b174 "from _source"
              log +13.0ms unspecified "from fields, one-element arrays" {tags=["a", "b"]}
              log-resource#0 service="" {}

            note: b.log: 1 search hits had neither _source nor fields; skipped
            lines at a span: 1, in a trace only: 1, unmatched: 0
        "#]],
    );
}

#[test]
fn a_trace_with_many_services_keeps_one_resource_each() {
    // 18 services, each writing twice (past the few a trace's list is searched for), then one
    // of them with a host name (another resource), and both again.
    let line = |ms: usize, service: &str, host: Option<&str>| {
        let host = host.map_or(String::new(), |h| format!(r#","host":{{"name":"{h}"}}"#));
        format!(
            r#"{{"@timestamp":"2024-05-01T12:00:00.{ms:03}Z","message":"m{ms}","service.name":"{service}","trace.id":"5b8efff798038103d269b633813fc60c"{host}}}"#
        )
    };
    let mut text = String::new();
    let services: Vec<String> = (0..18).map(|i| format!("s{i}")).collect();
    let mut ms = 0;
    for round in 0..2 {
        for i in 0..18 {
            let service = services.get(if round == 0 { i } else { 17 - i }).map_or("", String::as_str);
            text.push_str(&line(ms, service, None));
            text.push('\n');
            ms += 1;
        }
    }
    for host in [Some("h1"), None, Some("h1"), None] {
        text.push_str(&line(ms, "s3", host));
        text.push('\n');
        ms += 1;
    }
    let dump = load_logs(Format::Ecs, &[TRACE, &text]);
    let resources: Vec<&str> = dump.lines().filter(|l| l.trim_start().starts_with("log-resource#")).collect();
    let mut expect: Vec<String> = (0..18).map(|i| format!("  log-resource#{i} service=\"s{i}\" {{}}")).collect();
    expect.push("  log-resource#18 service=\"s3\" {host.name=\"h1\"}".to_string());
    assert_eq!(resources, expect, "{dump}");
    // Every line names its own service.
    let services_of_lines: Vec<&str> =
        dump.lines().filter_map(|l| l.trim_start().strip_prefix("log +")).filter_map(|l| l.split(' ').nth(1)).collect();
    let mut written: Vec<String> =
        (0..18).map(|i| format!("s{i}")).chain((0..18).rev().map(|i| format!("s{i}"))).collect();
    written.extend(std::iter::repeat_n("s3".to_string(), 4));
    let written: Vec<String> = written.into_iter().map(|s| format!("{s}:")).collect();
    assert_eq!(services_of_lines, written, "{dump}");
}
