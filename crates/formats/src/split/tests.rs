use super::*;

/// The candidates of a document as `level:elements` words, outermost first.
fn levels(doc: &str) -> String {
    let (format, found) = candidates(doc.as_bytes());
    let words: Vec<String> = found
        .iter()
        .map(|c| {
            let level = match c.level {
                Level::Lines => "lines".to_string(),
                Level::Jaeger { enclosing_trace } => format!("jaeger{}", if enclosing_trace { "+trace" } else { "" }),
                Level::Otlp { shared_resources, shared_scopes } => format!("otlp{shared_resources}{shared_scopes}"),
            };
            format!("{level}:{:?}", c.elements)
        })
        .collect();
    format!("{} {}", format.map_or("?", Format::name), words.join(" "))
}

#[test]
fn finds_the_arrays_a_document_could_split_at() {
    let check = |doc: &str, expected: &str| assert_eq!(levels(doc), expected, "{doc}");
    check(
        r#"{"data":[{"traceID":"1","spans":[{"spanID":"a"},{"spanID":"b"}]}],"total":0}"#,
        "jaeger jaeger:One jaeger+trace:Many",
    );
    check(
        r#"{"data":[{"traceID":"1","spans":[]},{"traceID":"2","spans":[]}]}"#,
        "jaeger jaeger:Many jaeger+trace:Empty",
    );
    check(r#"{"traceID":"1","spans":[{"spanID":"a"}],"processes":{}}"#, "jaeger jaeger+trace:One");
    check(
        r#"[{"traceID":"1","spans":[{"spanID":"a"},{"spanID":"b"}],"processes":{}}]"#,
        "jaeger jaeger:One jaeger+trace:Many",
    );
    check(r#"[{"traceID":"1","spanID":"a"},{"traceID":"1","spanID":"b"}]"#, "jaeger jaeger:Many");
    // A bare trace before `data`: its spans would be in every part.
    check(r#"{"spans":[{"spanID":"a"}],"traceID":"1","data":[{"traceID":"2","spans":[]}]}"#, "jaeger jaeger+trace:One");
    check(
        r#"{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{"spanId":"a"},{"spanId":"b"}]}]}]}"#,
        "otlp otlp00:One otlp10:One otlp11:Many",
    );
    check(r#"{"result":{"resourceSpans":[{"scopeSpans":[]},{"scopeSpans":[]}]}}"#, "otlp otlp00:Many otlp10:Empty");
    check(
        r#"{"batches":[{"instrumentationLibrarySpans":[{"spans":[{},{}]}]}]}"#,
        "otlp otlp00:One otlp10:One otlp11:Many",
    );
    // Two scope lists: the first is the candidate, and the other one in its tail stops the split.
    check(
        r#"{"resourceSpans":[{"instrumentationLibrarySpans":[],"scopeSpans":[{"spans":[{},{}]}]}]}"#,
        "otlp otlp00:One otlp10:Empty",
    );
    check(r#"[{"traceId":"1","id":"2"}]"#, "zipkin ");
    check("{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n", "otlp-lines ");
    // Keys with escapes are not read here: no split inside them.
    check(r#"{"d\u0061ta":[{"traceID":"1"}],"data":[{"traceID":"2"}]}"#, "jaeger ");
}

#[test]
fn picks_the_outermost_array_known_to_have_several_elements() {
    let pick = |doc: &str| {
        let (format, found) = candidates(doc.as_bytes());
        choose(format.unwrap_or(Format::Zipkin), &found)
    };
    assert_eq!(pick(r#"{"data":[{"traceID":"1","spans":[{},{}]},{"traceID":"2","spans":[]}]}"#), Some(0));
    assert_eq!(pick(r#"{"data":[{"traceID":"1","spans":[{},{}]}]}"#), Some(1));
    assert_eq!(pick(r#"{"data":[]}"#), None);
    // The first element does not end in the first bytes: Jaeger goes inside, OTLP stays outside.
    assert_eq!(pick(r#"{"data":[{"traceID":"1","spans":[{},{},"#), Some(1));
    assert_eq!(pick(r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{},{},"#), Some(0));
}

/// Scans `doc` in chunks of `chunk` bytes with a part per element, at candidate `level`, and
/// returns the part documents (or why not).
fn parts(doc: &[u8], level: usize, chunk: usize) -> Result<Vec<String>, NoSplit> {
    let mut splitter = Splitter::start(doc, doc.len() as u64, 1, Some(level)).ok_or(NoSplit)?;
    let guess = splitter.guess_tail(doc, 0);
    let mut cuts = Vec::new();
    for (i, piece) in doc.chunks(chunk.max(1)).enumerate() {
        cuts.extend(splitter.feed((i * chunk) as u64, piece)?);
    }
    let (last, tail) = splitter.finish(guess)?;
    assert_eq!(guess, Some(tail), "the guessed tail is the real one");
    cuts.extend(last);
    for (i, cut) in cuts.iter().enumerate() {
        assert_eq!(cut.index as usize, i);
    }
    Ok(cuts
        .into_iter()
        .map(|c| {
            let doc = part_document(doc, splitter.head_end(), c.body, tail).expect("in range");
            String::from_utf8(doc).expect("UTF-8")
        })
        .collect())
}

#[test]
fn cuts_between_elements_whatever_the_chunks() {
    let doc = r#"{"data":[{"traceID":"1","spans":[{"spanID":"a","tags":[{"key":"k]","value":"}]\""}]}, {"spanID":"b"}],"processes":{"p1":{"serviceName":"s","tags":[]}},"warnings":null}],"total":0,"errors":null}"#;
    for chunk in [1, 2, 3, 7, 64, 4096] {
        let got = parts(doc.as_bytes(), 1, chunk).expect("splits");
        let tail = r#"],"processes":{"p1":{"serviceName":"s","tags":[]}},"warnings":null}],"total":0,"errors":null}"#;
        let head = r#"{"data":[{"traceID":"1","spans":["#;
        assert_eq!(
            got,
            vec![
                format!(r#"{head}{{"spanID":"a","tags":[{{"key":"k]","value":"}}]\""}}]}}{tail}"#),
                format!(r#"{head} {{"spanID":"b"}}{tail}"#),
            ],
            "chunk {chunk}"
        );
        for part in &got {
            serde_json::from_str::<serde::de::IgnoredAny>(part).expect("a part is JSON");
        }
    }
    // The outer level: one part per trace object.
    let doc = r#"[{"traceID":"1","spans":[]},{"traceID":"2","spans":[]} ,{"traceID":"3","spans":[]}]"#;
    let got = parts(doc.as_bytes(), 0, 5).expect("splits");
    assert_eq!(
        got,
        vec![r#"[{"traceID":"1","spans":[]}]"#, r#"[{"traceID":"2","spans":[]} ]"#, r#"[{"traceID":"3","spans":[]}]"#]
    );
}

#[test]
fn json_lines_split_between_lines_and_count_them() {
    let doc = "{\"resourceSpans\":[]}\n\n{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}";
    let mut splitter = Splitter::start(doc.as_bytes(), doc.len() as u64, 1, None).expect("lines split");
    let mut cuts = splitter.feed(0, doc.as_bytes()).expect("scans");
    let (last, tail) = splitter.finish(None).expect("ends");
    cuts.extend(last);
    assert_eq!(tail, doc.len() as u64);
    let lines: Vec<(u32, &str)> =
        cuts.iter().map(|c| (c.first_line, &doc[c.body.start as usize..c.body.end as usize])).collect();
    assert_eq!(
        lines,
        vec![
            (0, "{\"resourceSpans\":[]}\n"),
            (1, "\n"),
            (2, "{\"resourceSpans\":[]}\n"),
            (3, "{\"resourceSpans\":[]}")
        ]
    );
    assert_eq!(splitter.spec(&cuts[2]).level, Level::Lines);
}

#[test]
fn containers_holding_more_than_the_array_do_not_split() {
    // More traces after the one whose spans are split: each part would repeat them.
    let doc = r#"{"data":[{"traceID":"1","spans":[{},{}]},{"traceID":"2","spans":[]}]}"#;
    assert_eq!(parts(doc.as_bytes(), 1, 8), Err(NoSplit));
    // A bare trace after `data`.
    let doc = r#"{"data":[{"traceID":"1","spans":[]},{"traceID":"2","spans":[]}],"spans":[{}]}"#;
    assert_eq!(parts(doc.as_bytes(), 0, 8), Err(NoSplit));
    // A second span list after the split one.
    let doc =
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{},{}]}],"instrumentationLibrarySpans":[{"spans":[{}]}]}]}"#;
    assert_eq!(parts(doc.as_bytes(), 2, 8), Err(NoSplit));
    // Cut off: the array never closes.
    let doc = r#"{"data":[{"traceID":"1"},{"traceID":"2""#;
    assert_eq!(parts(doc.as_bytes(), 0, 8), Err(NoSplit));
    // Unbalanced inside an element.
    let doc = r#"{"data":[{"traceID":"1"}},{"traceID":"2"}]}"#;
    assert_eq!(parts(doc.as_bytes(), 0, 8), Err(NoSplit));
}

#[test]
fn a_wrong_tail_guess_is_caught() {
    let doc = r#"{"data":[{"traceID":"1","spans":[{"spanID":"a"},{"spanID":"b"}],"processes":{"p":{"tags":[]}}}]}"#;
    let mut splitter = Splitter::start(doc.as_bytes(), doc.len() as u64, 1, Some(1)).expect("splits");
    let real = splitter.guess_tail(doc.as_bytes(), 0).expect("a guess");
    assert_eq!(&doc[real as usize..real as usize + 2], "],");
    splitter.feed(0, doc.as_bytes()).expect("scans");
    assert_eq!(splitter.finish(Some(real + 1)), Err(NoSplit));
    // Only the last few bytes: no bracket there closes everything, so no guess.
    let end = &doc.as_bytes()[doc.len() - 4..];
    assert_eq!(splitter.guess_tail(end, doc.len() as u64 - 4), None);
}
