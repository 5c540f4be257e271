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
