//! The search language as the help overlay lists it: one example and what it finds per term
//! (the table in `view::search`'s docs, in the words of the UI). A test runs every example
//! through the parser, so the help never shows a term the search bar refuses.

/// `(example, what it finds)`, in the order people need them.
pub const TERMS: [(&str, &str); 12] = [
    ("checkout  \"read timed out\"", "text in the name, service, ids, status message, attributes or events"),
    ("http.status_code=500  key!=value", "an attribute with (without) that value"),
    ("size>=1000 size<2000", "a numeric attribute in a range (also > and <=)"),
    ("service:cart", "spans of services whose name contains the text"),
    ("name:GET", "spans whose name contains the text"),
    (">10ms  max:1s", "by duration (ns, us, ms, s, m, h)"),
    ("error  status:ok", "by status"),
    ("kind:client", "by kind (server, client, producer, consumer, internal)"),
    ("log:timeout", "spans with a log line whose message, fields, level or logger contain the text"),
    ("level:error", "spans with a log line of that level (trace, debug, info, warn, error, fatal)"),
    ("level:>=warn", "spans with a log line in that range of levels (>, >=, <, <=)"),
    ("a b", "every term must match; double quotes keep spaces inside one term"),
];

#[cfg(test)]
mod tests {
    use super::TERMS;
    use crate::search::search;
    use strand_analysis::tree::SpanTree;
    use strand_formats::{load, AssembleOptions};
    use strand_model::Dataset;

    #[test]
    fn every_example_reads() {
        let mut data = Dataset::new();
        load(&mut data, strand_formats::demo::DEMO_TRACE_JSON, "demo.json", None, &AssembleOptions::default())
            .expect("demo");
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        for (example, _) in TERMS {
            let result = search(&data.strings, trace, &tree, example);
            assert_eq!(result.error, None, "{example}");
        }
    }
}
