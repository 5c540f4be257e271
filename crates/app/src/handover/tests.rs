//! Decoding a worker's encoding a slice at a time: the same data and notices as one step, the
//! next file starting meanwhile, and a cancel dropping what was half decoded.

use crate::app::tests::{env_keeping_nothing, worker_result, TRACE_A, TRACE_B};
use crate::{Action, App, Effect, Phase};
use strand_view::route::Route;

fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    let mut docs: Vec<(String, Vec<u8>)> =
        ["otlp_hotrod-full-trace.json", "zipkin-v2_skew.json", "jaeger-ui_genai-trace.json"]
            .iter()
            .map(|name| {
                (
                    name.to_string(),
                    std::fs::read(dir.join(name)).expect("../shared/samples exists beside the repository"),
                )
            })
            .collect();
    docs.push(("a".into(), TRACE_A.as_bytes().to_vec()));
    docs.push(("b".into(), TRACE_B.as_bytes().to_vec()));
    docs
}

/// Loads `docs` with one worker, answering each job as the worker would and every
/// `ContinueImport` with a `DecodeMore`, as the page does; each job's answer comes as soon as
/// the job starts. Returns the dataset's dump, the notices and how many steps were asked for.
fn load_all(docs: &[(String, Vec<u8>)], step: usize) -> (String, Vec<String>, usize) {
    let (mut app, _) = App::open(Route::parse("?page-import=0"), env_keeping_nothing());
    app.step_bytes = step;
    let mut pending = Vec::new();
    for (name, doc) in docs {
        pending.extend(app.apply(Action::LoadBytes { name: name.clone(), bytes: doc.clone() }));
    }
    let mut steps = 0;
    while let Some(effect) = pending.pop() {
        match effect {
            Effect::Import { job, .. } => {
                let doc = &docs[job as usize - 1].1;
                pending.extend(app.apply(worker_result(job, doc, true)));
            }
            Effect::ContinueImport { job } => {
                steps += 1;
                let progress = app.progress().expect("a job is running while it is decoded");
                assert_eq!(progress.phase, Phase::Merging);
                assert!(progress.done > 0.0 && progress.done < progress.total, "{progress:?}");
                pending.extend(app.apply(Action::DecodeMore { job }));
            }
            _ => {}
        }
    }
    assert!(!app.is_decoding() && app.progress().is_none(), "everything landed");
    let notices = app.notices.list.iter().map(|n| n.text.clone()).collect();
    (strand_model::dump::dump_dataset(app.data()), notices, steps)
}

#[test]
fn decoding_in_slices_gives_what_one_step_gives() {
    let docs = samples();
    let whole = load_all(&docs, usize::MAX);
    assert_eq!(whole.2, 0, "one step each: no ContinueImport");
    assert_eq!(whole.1.len(), docs.len(), "{:?}", whole.1);
    for step in [1, 100, 4096, 50_000] {
        let sliced = load_all(&docs, step);
        // The samples' encodings are 2-14 kB: all but the largest step slice some of them.
        assert!(step > 4096 || sliced.2 > 0, "step {step} took one step per file");
        assert_eq!((&sliced.0, &sliced.1), (&whole.0, &whole.1), "step {step}");
    }
}

#[test]
fn the_next_file_starts_while_a_large_one_is_decoded_and_lands_after_it() {
    let docs = samples();
    let (mut app, _) = App::open(Route::parse("?page-import=0"), env_keeping_nothing());
    app.step_bytes = 4096;
    let first = app.apply(Action::LoadBytes { name: "hotrod".into(), bytes: docs[0].1.clone() });
    assert!(matches!(first.as_slice(), [Effect::Import { job: 1, .. }]), "{first:?}");
    assert!(app.apply(Action::LoadBytes { name: "b".into(), bytes: TRACE_B.as_bytes().to_vec() }).is_empty());
    // The worker's answer: a first slice decoded, and the one worker takes the next file.
    let effects = app.apply(worker_result(1, &docs[0].1, true));
    assert!(
        matches!(effects.as_slice(), [Effect::ContinueImport { job: 1 }, Effect::Import { job: 2, .. }]),
        "{effects:?}"
    );
    // The second file's answer waits for the first to land.
    assert!(app.apply(worker_result(2, TRACE_B.as_bytes(), true)).is_empty());
    assert!(app.data().traces.is_empty());
    let mut steps = 0;
    loop {
        let effects = app.apply(Action::DecodeMore { job: 1 });
        steps += 1;
        if !effects.iter().any(|e| matches!(e, Effect::ContinueImport { .. })) {
            break;
        }
    }
    assert!(steps > 2, "{steps} steps");
    let names: Vec<&str> = app.notices.list.iter().map(|n| n.text.as_str()).collect();
    assert!(names.len() == 2 && names[0].contains("hotrod") && names[1].contains("b:"), "{names:?}");
    assert_eq!(app.data().traces.len(), 2);
    assert!(!app.is_decoding() && app.progress().is_none());
}

#[test]
fn cancel_or_clear_all_while_decoding_drops_the_half_decoded_file() {
    let docs = samples();
    for stop in [Action::CancelLoading, Action::ClearAll] {
        let (mut app, _) = App::open(Route::parse("?page-import=0"), env_keeping_nothing());
        app.step_bytes = 4096;
        app.apply(Action::LoadBytes { name: "hotrod".into(), bytes: docs[0].1.clone() });
        let effects = app.apply(worker_result(1, &docs[0].1, true));
        assert!(matches!(effects.as_slice(), [Effect::ContinueImport { job: 1 }]), "{effects:?}");
        app.apply(stop);
        assert!(!app.is_decoding());
        // The step the page had already asked for does nothing.
        assert!(app.apply(Action::DecodeMore { job: 1 }).is_empty());
        assert!(app.data().traces.is_empty() && app.progress().is_none());
        // The next file loads as usual.
        let effects = app.apply(Action::LoadBytes { name: "a".into(), bytes: TRACE_A.as_bytes().to_vec() });
        let Some(Effect::Import { job, .. }) = effects.first() else { panic!("{effects:?}") };
        app.apply(worker_result(*job, TRACE_A.as_bytes(), true));
        assert_eq!(app.data().traces.len(), 1);
    }
}

/// What two workers send for a file of log lines cut at `cut` (as `ui::worker` does): the first
/// part's encoding, with the second's as the later part.
fn split_result(job: u32, bytes: &[u8], cut: usize, skew: bool) -> Action {
    use crate::app::tests::Encoded;
    use strand_formats::logs::parts;
    let options = strand_formats::AssembleOptions { adjust_clock_skew: skew };
    let format = parts::split_format(bytes).expect("splits");
    let mut encoded = [(0, cut), (cut, bytes.len())].map(|(from, to)| {
        let mut strings = strand_model::Interner::new();
        let (imported, facts) = parts::import_part(&bytes[from..to], "f", format, from == 0, &mut strings, &options);
        let extra = facts.encode();
        strand_model::transfer::encode_with(&strings, &imported.traces, &[], &imported.notes, &extra)
    });
    let size = (encoded[0].len() + encoded[1].len()) as u64;
    let later = std::mem::take(&mut encoded[1]);
    Action::Imported {
        job,
        format: format.name().to_string(),
        payload: Box::new(Encoded(std::mem::take(&mut encoded[0]), 0)),
        parts: vec![Box::new(Encoded(later, 0))],
        size,
        skew,
    }
}

#[test]
fn a_log_file_in_two_parts_lands_as_the_whole_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/shop-logs");
    let trace = std::fs::read(dir.join("shop.otlp.jsonl")).expect("fixture");
    let mut logs = std::fs::read(dir.join("shop.ecs.jsonl")).expect("fixture");
    // Lines that cannot be read on both sides of the cuts: the notes count them once.
    logs.extend_from_slice(b"{\"@timestamp\": broken\n");
    let second = logs.iter().position(|&b| b == b'\n').expect("lines") + 1;
    logs.splice(second..second, b"{not json\n".iter().copied());
    let load = |step: usize, cut: Option<usize>| {
        let (mut app, _) = App::open(Route::parse("?page-import=0"), env_keeping_nothing());
        app.step_bytes = step;
        let mut pending = app.apply(Action::LoadBytes { name: "trace".into(), bytes: trace.clone() });
        pending.extend(app.apply(Action::LoadBytes { name: "f".into(), bytes: logs.clone() }));
        while let Some(effect) = pending.pop() {
            match effect {
                Effect::Import { job: 1, .. } => pending.extend(app.apply(worker_result(1, &trace, true))),
                Effect::Import { job, .. } => pending.extend(app.apply(match cut {
                    Some(cut) => split_result(job, &logs, cut, true),
                    None => worker_result(job, &logs, true),
                })),
                Effect::ContinueImport { job } => pending.extend(app.apply(Action::DecodeMore { job })),
                _ => {}
            }
        }
        assert!(!app.is_decoding() && app.progress().is_none(), "everything landed");
        let notices: Vec<String> = app.notices.list.iter().map(|n| format!("{} {:?}", n.text, n.details)).collect();
        (strand_model::dump::dump_dataset(app.data()), notices)
    };
    let whole = load(usize::MAX, None);
    assert!(whole.1.iter().any(|n| n.contains("skipped a line")), "{:?}", whole.1);
    let newlines: Vec<usize> = logs.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1).collect();
    for cut in [newlines[0], newlines[newlines.len() / 2], newlines[newlines.len() - 2], logs.len()] {
        for step in [usize::MAX, 512] {
            let got = load(step, Some(cut));
            if got != whole {
                let diff: Vec<(&str, &str)> =
                    got.0.lines().zip(whole.0.lines()).filter(|(a, b)| a != b).take(3).collect();
                panic!("cut at {cut}, step {step}: {diff:#?}\n{:?}\n{:?}", got.1, whole.1);
            }
        }
    }
}
