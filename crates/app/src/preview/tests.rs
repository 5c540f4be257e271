//! A large file's preview: shown into an empty workspace until the file replaces it (the result
//! is the file's own import, the user's place kept), and taken away when the file does not land.

use crate::app::tests::{env_keeping_nothing, worker_result, Encoded, TRACE_A};
use crate::{Action, App, Effect, Input};
use strand_formats::preview;
use strand_formats::AssembleOptions;
use strand_model::dump::dump_dataset;
use strand_model::{transfer, Interner};
use strand_view::route::Route;

/// Samples with a preview when cut halfway: OTLP (several resources; several traces), Jaeger.
fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    ["otlp_hotrod-full-trace.json", "jaeger-ui_genai-trace.json", "otlp_jaeger-multi-trace-links-kinds.json"]
        .iter()
        .map(|name| {
            (name.to_string(), std::fs::read(dir.join(name)).expect("../shared/samples exists beside the repository"))
        })
        .collect()
}

/// What the worker sends ahead for `doc` read up to `cut`: the preview's encoding.
fn preview_of(job: u32, doc: &[u8], cut: usize) -> Action {
    let total = doc.len() as u64;
    let last = total.saturating_sub(preview::TAIL_BYTES) as usize;
    let shown = preview::document(&doc[..cut], &doc[last..], last as u64, total).expect("the sample has a preview");
    let mut strings = Interner::new();
    let (_, imported) =
        strand_formats::import_assembled(&shown.document, "f", None, &mut strings, &AssembleOptions::default())
            .expect("a preview imports");
    let encoded = transfer::encode(&strings, &imported.traces, &imported.dependencies, &imported.notes);
    Action::Previewed { job, payload: Box::new(Encoded(encoded, 0)), covered: shown.covered, skew: true }
}

fn open(query: &str) -> App {
    let (mut app, _) = App::open(Route::parse(query), env_keeping_nothing());
    // Small steps: every sample's encoding takes several.
    app.step_bytes = 256;
    app
}

/// Answers the final encoding of `job` and every step after it; returns the dumps seen after
/// each step but the last.
fn land(app: &mut App, job: u32, doc: &[u8]) -> Vec<String> {
    let mut seen = Vec::new();
    let mut effects = app.apply(worker_result(job, doc, true));
    while effects.contains(&Effect::ContinueImport { job }) {
        seen.push(dump_dataset(app.data()));
        effects = app.apply(Action::DecodeMore { job });
    }
    seen
}

#[test]
fn a_preview_is_shown_until_the_file_replaces_it_and_the_users_place_stays() {
    let docs = samples();
    assert!(docs.len() >= 2, "../shared/samples exists beside the repository");
    for (name, doc) in &docs {
        // Without a preview.
        let mut plain = open("?page-import=0&preview-kb=0");
        let effects = plain.apply(Action::LoadBytes { name: name.clone(), bytes: doc.clone() });
        assert!(matches!(effects.as_slice(), [Effect::Import { preview: false, .. }]), "{effects:?}");
        land(&mut plain, 1, doc);
        let want = dump_dataset(plain.data());

        let mut app = open("?page-import=0&preview-kb=1");
        let effects = app.apply(Action::LoadBytes { name: name.clone(), bytes: doc.clone() });
        assert!(matches!(effects.as_slice(), [Effect::Import { job: 1, preview: true, .. }]), "{effects:?}");
        // Nothing is kept or started by a preview.
        assert!(app.apply(preview_of(1, doc, doc.len() / 2)).is_empty(), "{name}");
        let shown = dump_dataset(app.data());
        assert!(!app.data().traces.is_empty() && shown != want, "{name}: the preview holds part of the file");
        let covered = app.preview_covers().expect("on show");
        assert!(covered > 0 && covered <= doc.len() as u64 / 2);
        let progress = app.progress().expect("still loading");
        assert_eq!(progress.preview, Some(covered as f64));
        assert!(progress.preview_text().is_some_and(|t| t.starts_with("Showing the traces in its first")));
        assert!(progress.preview_short().is_some_and(|t| t.starts_with("first ") && t.ends_with(" loading…")));
        assert!(app.notices.list.is_empty(), "{name}: no notice for a preview");
        // The user picks the last trace of the preview and one of its spans.
        let trace = app.data().traces.last().expect("a trace");
        let (trace_id, span_id) =
            (trace.trace_id.display(&app.data().strings), trace.spans[0].span_id.display(&app.data().strings));
        let mut route = app.route.clone();
        route.trace = Some(trace_id.clone());
        route.span = Some(span_id.clone());
        app.apply(Action::Navigate { route: Box::new(route), push: true });

        // The file's own import is decoded beside the preview, which stays until it lands.
        let during = land(&mut app, 1, doc);
        assert!(!during.is_empty() && during.iter().all(|d| *d == shown), "{name}: the preview stays meanwhile");
        assert_eq!(dump_dataset(app.data()), want, "{name}: the file's own import, nothing of the preview");
        assert_eq!((app.route.trace.as_deref(), app.route.span.as_deref()), (Some(&*trace_id), Some(&*span_id)));
        assert_eq!(app.preview_covers(), None);
        let texts = |a: &App| a.notices.list.iter().map(|n| n.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&app), texts(&plain));
        assert!(app.progress().is_none());
    }
}

#[test]
fn cancel_clear_all_or_a_failure_take_the_preview_away() {
    let (name, doc) = samples().remove(0);
    let stops = || {
        vec![
            Action::CancelLoading,
            Action::ClearAll,
            Action::ImportFailed { job: 1, error: "x: broken".into() },
            Action::ImportCrashed { job: 1, detail: "unreachable".into() },
        ]
    };
    for stop in stops() {
        let what = format!("{:?}", std::mem::discriminant(&stop));
        let mut app = open("?page-import=0&preview-kb=1");
        app.apply(Action::LoadBytes { name: name.clone(), bytes: doc.clone() });
        app.apply(preview_of(1, &doc, doc.len() / 2));
        assert!(!app.data().traces.is_empty());
        let effects = app.apply(stop);
        assert!(app.data().is_empty() && app.preview_covers().is_none(), "{what}");
        assert_eq!((app.route.trace.clone(), app.route.span.clone()), (None, None), "{what}");
        assert!(!effects.iter().any(|e| matches!(e, Effect::KeepData)), "{what}: {effects:?}");
        // Nothing to bring back: the preview was never loaded.
        assert!(!app.notices.list.iter().any(|n| n.text.starts_with("Cleared")), "{what}");
        // A late final answer, or its steps, change nothing; the next file loads as usual.
        app.apply(worker_result(1, &doc, true));
        app.apply(Action::DecodeMore { job: 1 });
        assert!(app.data().is_empty(), "{what}");
        let effects = app.apply(Action::LoadBytes { name: "a".into(), bytes: TRACE_A.as_bytes().to_vec() });
        let Some(Effect::Import { job, .. }) = effects.first() else { panic!("{effects:?}") };
        let job = *job;
        land(&mut app, job, TRACE_A.as_bytes());
        assert_eq!(app.data().traces.len(), 1, "{what}");
    }
    // A failure while the file itself is being decoded (stopped mid-way by a cancel).
    let mut app = open("?page-import=0&preview-kb=1");
    app.apply(Action::LoadBytes { name: name.clone(), bytes: doc.clone() });
    app.apply(preview_of(1, &doc, doc.len() / 2));
    let effects = app.apply(worker_result(1, &doc, true));
    assert!(effects.iter().any(|e| matches!(e, Effect::ContinueImport { job: 1 })), "{effects:?}");
    app.apply(Action::CancelLoading);
    assert!(app.data().is_empty() && !app.is_decoding());
}

#[test]
fn a_preview_is_not_shown_over_loaded_data_nor_for_a_file_that_waits_for_another() {
    let (name, doc) = samples().remove(0);
    // Something is loaded: the preview would mix with it.
    let mut app = open("?page-import=0&preview-kb=1");
    let effects = app.apply(Action::LoadBytes { name: "a".into(), bytes: TRACE_A.as_bytes().to_vec() });
    assert!(matches!(effects.as_slice(), [Effect::Import { job: 1, preview: false, .. }]), "{effects:?}");
    land(&mut app, 1, TRACE_A.as_bytes());
    let before = dump_dataset(app.data());
    assert!(!app.is_decoding() && !app.data().is_empty());
    app.apply(Action::LoadBytes { name: name.clone(), bytes: doc.clone() });
    app.apply(preview_of(2, &doc, doc.len() / 2));
    assert_eq!((dump_dataset(app.data()), app.preview_covers()), (before, None));
    assert_eq!(app.progress().and_then(|p| p.preview), None);

    // Two files side by side: the second one's preview waits for nothing, it is not shown.
    let mut app = open("?page-import=0&preview-kb=1&workers=2");
    app.apply(Action::LoadBytes { name: "first".into(), bytes: doc.clone() });
    app.apply(Action::LoadBytes { name: "second".into(), bytes: doc.clone() });
    app.apply(preview_of(2, &doc, doc.len() / 2));
    assert!(app.data().is_empty() && app.preview_covers().is_none());
    // The oldest one's is.
    app.apply(preview_of(1, &doc, doc.len() / 2));
    assert!(!app.data().is_empty());
}

#[test]
fn large_files_from_a_worker_ask_for_a_preview() {
    let import_preview = |query: &str, size: u64| {
        let mut app = open(query);
        let effects = app.apply(Action::LoadFile { key: 7, name: "big.json".into(), size });
        match effects.as_slice() {
            [Effect::Import { input: Input::File { .. }, preview, .. }] => *preview,
            other => panic!("{other:?}"),
        }
    };
    // The default: from 64 MB.
    assert!(import_preview("", 64 << 20));
    assert!(!import_preview("", (64 << 20) - 1));
    // `preview-kb=`; 0 never; small files imported on the page never.
    assert!(import_preview("?preview-kb=100&page-import=0", 100 * 1024));
    assert!(!import_preview("?preview-kb=0", 900 << 20));
    assert!(!import_preview("?preview-kb=1", 1 << 20));
}
