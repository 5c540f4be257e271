//! The log terms of the search language (`log:TEXT`, `level:…`): which spans have a matching
//! log line, worked out once per query in one pass over the trace's lines. Depends on `model`.

use super::matchers::contains_ignore_case;
use super::Cmp;
use strand_model::dump::value_text;
use strand_model::{Interner, Level, LogRecord, Trace, Value};

/// Per span index: has the span a line whose message, field keys or values, level text or
/// logger contain `needle` (lowercase)?
pub(super) fn spans_with_text(strings: &Interner, trace: &Trace, needle: &str) -> Vec<bool> {
    spans_where(trace, |log| line_contains(strings, trace, log, needle))
}

/// Per span index: has the span a line of `level` (or, with `cmp`, in that range)?
pub(super) fn spans_with_level(trace: &Trace, cmp: Option<Cmp>, level: Level) -> Vec<bool> {
    spans_where(trace, |log| {
        let at = log.level();
        match cmp {
            None => at == level,
            // Lines without a level are in no range.
            Some(_) if at == Level::Unspecified => false,
            Some(Cmp::Gt) => at > level,
            Some(Cmp::Ge) => at >= level,
            Some(Cmp::Lt) => at < level,
            Some(Cmp::Le) => at <= level,
        }
    })
}

fn spans_where(trace: &Trace, mut keep: impl FnMut(&LogRecord) -> bool) -> Vec<bool> {
    let mut hits = vec![false; trace.spans.len()];
    for log in &trace.logs {
        if let Some(hit) = hits.get_mut(log.span as usize) {
            if !*hit && keep(log) {
                *hit = true;
            }
        }
    }
    hits
}

pub(crate) fn line_contains(strings: &Interner, trace: &Trace, log: &LogRecord, needle: &str) -> bool {
    let text = |value: Value| match value {
        Value::Str(id) => contains_ignore_case(strings.get(id), needle),
        Value::Empty => false,
        other => contains_ignore_case(&value_text(strings, trace, other), needle),
    };
    text(log.body)
        || contains_ignore_case(strings.get(log.severity_text), needle)
        || trace.log_scopes.get(log.scope as usize).is_some_and(|s| contains_ignore_case(strings.get(s.name), needle))
        || trace
            .attrs_of(log.attrs)
            .iter()
            .any(|kv| contains_ignore_case(strings.get(kv.key), needle) || text(kv.value))
}

#[cfg(test)]
mod tests {
    use crate::search::search;
    use expect_test::{expect, Expect};
    use strand_analysis::tree::SpanTree;

    /// The spans of the log views' test trace that match `query`, or the query's error.
    fn check(query: &str, expect: Expect) {
        let data = crate::logs::tests::data();
        let trace = &data.traces[0];
        let result = search(&data.strings, trace, &SpanTree::build(trace), query);
        let names: Vec<&str> = result.matches.iter().map(|&i| data.strings.get(trace.spans[i as usize].name)).collect();
        let got = match result.error {
            Some(error) => format!("{names:?} error: {error}"),
            None => format!("{names:?}"),
        };
        expect.assert_eq(&got);
    }

    #[test]
    fn log_text_and_levels_find_the_spans_of_the_lines() {
        check("log:requested", expect![[r#"["GET /cart"]"#]]);
        check("log:SELECT", expect![[r#"["SELECT"]"#]]);
        check("log:user", expect![[r#"["GET /cart"]"#]]);
        check(r#"log:"query failed""#, expect![[r#"["SELECT"]"#]]);
        check("log:db", expect![[r#"["SELECT"]"#]]);
        check("log:nothing-like-it", expect![[r#"[]"#]]);
        check("level:error", expect![[r#"["SELECT"]"#]]);
        check("level:INFO", expect![[r#"["GET /cart"]"#]]);
        check("level:>=warn", expect![[r#"["SELECT"]"#]]);
        check("level:<warn", expect![[r#"["GET /cart"]"#]]);
        check("level:debug", expect![[r#"[]"#]]);
        check("level:error kind:client", expect![[r#"["SELECT"]"#]]);
        check(
            "level:loud",
            expect![[
                r#"[] error: "loud" is not a log level: use level:trace, debug, info, warn, error or fatal, or a range such as level:>=warn."#
            ]],
        );
        check(
            "log:",
            expect![[r#"[] error: "log:" needs text to find in log lines after the colon, e.g. log:timeout."#]],
        );
    }
}
