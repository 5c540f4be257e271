use super::*;

/// Facts encoded by one worker decode, on the page, to the same facts (with the file's name).
fn check(facts: LogFacts, format: Format) {
    let bytes = facts.encode();
    assert_eq!(LogFacts::decode(&bytes, "logs.jsonl", format), Some(facts.clone()));
    // Cut short anywhere, the facts do not decode (the join then reports a failed part).
    for cut in 0..bytes.len() {
        assert_eq!(LogFacts::decode(&bytes[..cut], "logs.jsonl", format), None, "cut at {cut}");
    }
}

#[test]
fn facts_survive_the_handover() {
    check(LogFacts::default(), Format::Ecs);
    let errors = vec![
        ImportError::Syntax { file: "logs.jsonl".into(), line: 3, column: 7, message: "expected `:`".into() },
        ImportError::Truncated { file: "logs.jsonl".into(), line: 9, column: 1 },
        ImportError::Shape {
            file: "logs.jsonl".into(),
            format: Format::JsonLogs.label(),
            line: 12,
            column: 2,
            message: "a log line is a JSON object".into(),
        },
    ];
    let facts = LogFacts {
        lines: LinesRead { newlines: 40, good: 36, skipped: 3, errors },
        repairs: Repairs { no_time: 2, unreadable_time: 1, unzoned_time: 4, embedded_json: 5, timed: true },
        empty_hits: 6,
        first_ns: -1_000,
        last_ns: 1_733_000_000_000_000_000,
        waited: vec![0, 2, 0, 1],
    };
    check(facts, Format::JsonLogs);
}

#[test]
fn a_cut_begins_after_the_line_it_falls_in() {
    assert_eq!(line_start(b"half a line\n{\"next\":1}\n"), Some(12));
    assert_eq!(line_start(b"\n"), Some(1));
    assert_eq!(line_start(b"no newline at all"), None);
}
