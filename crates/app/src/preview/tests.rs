//! A large file's preview: shown into an empty workspace until the file replaces it (the result
//! is the file's own import, the user's place kept), and taken away when the file does not land.

use crate::app::tests::{env_keeping_nothing, worker_result, Encoded, TRACE_A};
use crate::{Action, App, Effect, Env, Input};
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

/// A browser file `doc` named `name` (the worker previews files, not bytes).
fn file(key: u32, name: &str, doc: &[u8]) -> Action {
    Action::LoadFile { key, name: name.to_string(), size: doc.len() as u64 }
}

/// The state a load ends with: dump, route, notices.
fn ended(app: &App) -> (String, Option<String>, Option<String>, Vec<String>) {
    let notices = app.notices.list.iter().map(|n| n.text.clone()).collect();
    (dump_dataset(app.data()), app.route.trace.clone(), app.route.span.clone(), notices)
}

/// `doc` loaded as a file into a page opened with `query`, without a preview.
fn plain_load(query: &str, name: &str, doc: &[u8]) -> App {
    let mut plain = open(&format!("{query}&preview-kb=0"));
    let effects = plain.apply(file(1, name, doc));
    assert!(matches!(effects.as_slice(), [Effect::Import { preview: false, .. }]), "{effects:?}");
    land(&mut plain, 1, doc);
    plain
}

/// Three small Jaeger traces starting at 200, 300 and 100 µs, in that order in the file.
fn three_traces() -> Vec<u8> {
    let trace = |id: u32, start: u64| {
        format!(
            r#"{{"traceID":"{id:032x}","spans":[{{"traceID":"{id:032x}","spanID":"{id:016x}","operationName":"op{id}","references":[],"startTime":{start},"duration":10,"processID":"p"}}],"processes":{{"p":{{"serviceName":"s{id}"}}}}}}"#
        )
    };
    format!(r#"{{"data":[{},{},{}]}}"#, trace(1, 200), trace(2, 300), trace(3, 100)).into_bytes()
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
        let plain = plain_load("?page-import=0", name, doc);
        let want = dump_dataset(plain.data());

        let mut app = open("?page-import=0&preview-kb=1");
        let effects = app.apply(file(1, name, doc));
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
        assert_eq!(ended(&app).3, ended(&plain).3);
        assert!(app.progress().is_none());
    }
}

#[test]
fn a_preview_the_user_did_not_move_from_lands_as_loading_without_it() {
    // The preview holds the first two traces; the file's earliest trace is the third.
    let doc = three_traces();
    let third = String::from_utf8_lossy(&doc).find(&format!("{{\"traceID\":\"{:032x}\"", 3)).expect("third trace");
    for query in ["?page-import=0", "?page-import=0&trace=0abc"] {
        let plain = plain_load(query, "three.json", &doc);
        let mut app = open(&format!("{query}&preview-kb=1"));
        app.apply(file(1, "three.json", &doc));
        app.apply(preview_of(1, &doc, third));
        assert_eq!(app.data().traces.len(), 2, "{query}");
        land(&mut app, 1, &doc);
        assert_eq!(ended(&app), ended(&plain), "{query}");
    }
    assert_eq!(
        plain_load("?page-import=0", "three.json", &doc).route.trace,
        Some(format!("{:016x}", 3)),
        "the earliest trace is selected"
    );
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
            // The file's own encoding turns out unreadable.
            Action::Imported {
                job: 1,
                format: "otlp".into(),
                payload: Box::new(Encoded(b"not an encoding".to_vec(), 0)),
                parts: Vec::new(),
                size: 15,
                skew: true,
            },
        ]
    };
    for stop in stops() {
        let what = format!("{:?}", std::mem::discriminant(&stop));
        let clears = matches!(stop, Action::ClearAll);
        // The address names a trace that is not loaded (a link): it stays named, but for Clear all.
        let mut app = open("?page-import=0&preview-kb=1&trace=0abc");
        app.apply(file(1, &name, &doc));
        app.apply(preview_of(1, &doc, doc.len() / 2));
        assert!(!app.data().traces.is_empty());
        // The user moves within the preview.
        let mut route = app.route.clone();
        route.trace = app.data().traces.last().map(|t| t.trace_id.display(&app.data().strings));
        app.apply(Action::Navigate { route: Box::new(route), push: true });
        let effects = app.apply(stop);
        assert!(app.data().is_empty() && app.preview_covers().is_none(), "{what}");
        let want = if clears { None } else { Some("0abc".to_string()) };
        assert_eq!((app.route.trace.clone(), app.route.span.clone()), (want, None), "{what}");
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
    // A cancel while the file itself is being decoded.
    let mut app = open("?page-import=0&preview-kb=1");
    app.apply(file(1, &name, &doc));
    app.apply(preview_of(1, &doc, doc.len() / 2));
    let effects = app.apply(worker_result(1, &doc, true));
    assert!(effects.iter().any(|e| matches!(e, Effect::ContinueImport { job: 1 })), "{effects:?}");
    app.apply(Action::CancelLoading);
    assert!(app.data().is_empty() && !app.is_decoding());
}

#[test]
fn a_preview_is_not_shown_over_loaded_data_nor_for_a_file_that_waits_for_another() {
    let (name, doc) = samples().remove(0);
    // Traces are loaded, or only log lines (they join the traces loaded later): the preview
    // would mix with them, and taking it away would take them too.
    let logs = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/logs/hotrod.json-logs.jsonl"),
    )
    .expect("the log fixture");
    for (first, first_doc) in [("a", TRACE_A.as_bytes()), ("logs.jsonl", logs.as_slice())] {
        let mut app = open("?page-import=0&preview-kb=1");
        app.apply(Action::LoadBytes { name: first.into(), bytes: first_doc.to_vec() });
        land(&mut app, 1, first_doc);
        assert!(!app.data().holds_nothing(), "{first}");
        let before = dump_dataset(app.data());
        let effects = app.apply(file(2, &name, &doc));
        assert!(matches!(effects.as_slice(), [Effect::Import { preview: false, .. }]), "{first}: {effects:?}");
        app.apply(preview_of(2, &doc, doc.len() / 2));
        assert_eq!((dump_dataset(app.data()), app.preview_covers()), (before, None), "{first}");
        assert_eq!(app.progress().and_then(|p| p.preview), None);
    }

    // Two files side by side: the second one's preview is not shown (it waits for the first).
    let mut app = open("?page-import=0&preview-kb=1&workers=2");
    app.apply(file(1, "first", &doc));
    app.apply(file(2, "second", &doc));
    app.apply(preview_of(2, &doc, doc.len() / 2));
    assert!(app.data().is_empty() && app.preview_covers().is_none());
    // The oldest one's is.
    app.apply(preview_of(1, &doc, doc.len() / 2));
    assert!(!app.data().is_empty());
}

#[test]
fn nothing_of_a_preview_is_kept_in_the_browser() {
    let (name, doc) = samples().remove(0);
    let (mut app, opened) = App::open(Route::parse("?page-import=0&preview-kb=1"), Env::default());
    assert!(app.settings.keep_data && opened.contains(&Effect::RestoreKept), "{opened:?}");
    app.apply(Action::NothingRestored { error: None });
    app.apply(file(1, &name, &doc));
    let effects = app.apply(preview_of(1, &doc, doc.len() / 2));
    assert!(effects.is_empty() && app.preview_covers().is_some(), "{effects:?}");
    // The file lands: that is kept, from the file's own import.
    let mut effects = app.apply(worker_result(1, &doc, true));
    while effects.contains(&Effect::ContinueImport { job: 1 }) {
        assert!(!effects.contains(&Effect::KeepData));
        effects = app.apply(Action::DecodeMore { job: 1 });
    }
    assert!(effects.contains(&Effect::KeepData), "{effects:?}");
    let plain = plain_load("?page-import=0", &name, &doc);
    assert_eq!(app.snapshot().meta.describe(), plain.snapshot().meta.describe());
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
    // The default: from 64 MiB.
    assert!(import_preview("", 64 << 20));
    assert!(!import_preview("", (64 << 20) - 1));
    // `preview-kb=`; 0 never; small files imported on the page never.
    assert!(import_preview("?preview-kb=100&page-import=0", 100 * 1024));
    assert!(!import_preview("?preview-kb=0", 900 << 20));
    assert!(!import_preview("?preview-kb=1", 1 << 20));
    // Bytes (pasted, fetched) are not read by the worker in parts: no preview.
    let mut app = open("?preview-kb=1&page-import=0");
    let effects = app.apply(Action::LoadBytes { name: "fetched.json".into(), bytes: vec![b' '; 4096] });
    assert!(matches!(effects.as_slice(), [Effect::Import { preview: false, .. }]), "{effects:?}");
}

/// A "preview" of log lines only (no trace to show) leaves the workspace as it was: empty.
#[test]
fn a_first_look_without_traces_leaves_nothing_behind() {
    let logs = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/logs/hotrod.json-logs.jsonl"),
    )
    .expect("the log fixture");
    let mut strings = Interner::new();
    let (_, imported) = strand_formats::import_assembled(&logs, "f", None, &mut strings, &AssembleOptions::default())
        .expect("log lines import");
    let encoded = transfer::encode(&strings, &imported.traces, &imported.dependencies, &imported.notes);
    let mut app = open("?page-import=0&preview-kb=1");
    app.apply(file(1, "big.json", &logs));
    app.apply(Action::Previewed { job: 1, payload: Box::new(Encoded(encoded, 0)), covered: 100, skew: true });
    assert!(app.data().holds_nothing() && app.preview_covers().is_none());
}
