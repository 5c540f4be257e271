//! The reducer as scripts: a list of actions, and after each the effects it asked for and the
//! state it left (progress, notices, route, what is loaded).

use super::*;
use crate::load::Input;
use expect_test::{expect, Expect};
use strand_formats::AssembleOptions;

/// A worker's answer: the file imported and assembled on the side and encoded, as the worker does.
pub(crate) struct Encoded(pub(crate) Vec<u8>, pub(crate) usize);

impl transfer::Source for Encoded {
    fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize {
        let rest = self.0.get(self.1..).unwrap_or(&[]);
        let n = max.min(rest.len());
        out.extend_from_slice(&rest[..n]);
        self.1 += n;
        n
    }
}

pub(crate) fn worker_result(job: JobId, bytes: &[u8], skew: bool) -> Action {
    let mut strings = strand_model::Interner::new();
    let options = AssembleOptions { adjust_clock_skew: skew };
    let (format, imported) = strand_formats::import_assembled(bytes, "f", None, &mut strings, &options).unwrap();
    let encoded = transfer::encode(&strings, &imported.traces, &imported.dependencies, &imported.notes);
    let size = encoded.len() as u64;
    Action::Imported {
        job,
        format: format.name().to_string(),
        payload: Box::new(Encoded(encoded, 0)),
        parts: Vec::new(),
        size,
        skew,
    }
}

pub(crate) const TRACE_A: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
 "scopeSpans":[{"spans":[{"traceId":"0a","spanId":"01","name":"GET /cart","startTimeUnixNano":"1000","endTimeUnixNano":"5000"}]}]}]}"#;
pub(crate) const TRACE_B: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pay"}}]},
 "scopeSpans":[{"spans":[{"traceId":"0b","spanId":"02","name":"POST /pay","startTimeUnixNano":"2000","endTimeUnixNano":"9000"}]}]}]}"#;

fn describe(action: &Action) -> String {
    match action {
        Action::LoadFile { key, name, size } => format!("load file #{key} {name} ({size} bytes)"),
        Action::LoadBytes { name, bytes } => format!("load bytes {name} ({} bytes)", bytes.len()),
        Action::CancelLoading => "cancel loading".into(),
        Action::ClearAll => "clear all".into(),
        Action::Navigate { route, push } => format!("navigate {} push={push}", route.to_query()),
        Action::Notify { text, .. } => format!("notify {text}"),
        Action::Dismiss(id) => format!("dismiss {id}"),
        Action::DismissAll => "dismiss all".into(),
        Action::DismissBatch(b) => format!("dismiss batch {b}"),
        Action::NoticeAction(a) => format!("notice button {}", a.label()),
        Action::SetSettings(s) => format!("settings {}", s.serialize().trim_end().replace('\n', " ")),
        Action::Restored { meta, .. } => format!("restored {}", meta.describe()),
        Action::NothingRestored { error } => format!("nothing restored ({error:?})"),
        Action::Kept(meta) => format!("kept {}", meta.describe()),
        Action::KeepFailed(e) => format!("keep failed: {e}"),
        Action::SetClockSkew(on) => format!("clock skew {on}"),
        Action::Collector(c) => format!("collector {c:?}"),
        Action::SetLinkTemplates(t) => format!("link templates {t:?}"),
        Action::SetMask(m) => format!("mask {m:?}"),
        Action::ImportProgress { job, phase, done, total } => format!("progress job {job} {phase:?} {done}/{total}"),
        Action::Imported { job, skew, .. } => format!("worker done job {job} (skew {skew})"),
        Action::Previewed { job, covered, .. } => format!("preview of job {job} ({covered} bytes)"),
        Action::DecodeMore { job } => format!("decode more of job {job}"),
        Action::RestoreMore => "restore more".into(),
        Action::ImportHere { job, bytes } => format!("import here job {job} ({} bytes)", bytes.len()),
        Action::ImportFailed { job, error } => format!("failed job {job}: {error}"),
        Action::ImportCrashed { job, detail } => format!("crashed job {job}: {detail}"),
        Action::PlanFinished { request, finished } => format!("plan {request} finished: {finished:?}"),
    }
}

fn render_effect(effect: &Effect) -> String {
    match effect {
        Effect::Import { job, name, input, skew, here, preview, .. } => {
            let input = match input {
                Input::File { key, size } => format!("file #{key} ({size} bytes)"),
                Input::Bytes(b) => format!("{} bytes", b.len()),
            };
            let place = if *here { " on the page" } else { "" };
            let preview = if *preview { ", a preview first" } else { "" };
            format!("import job {job} {name} from {input}{place} (skew {skew}{preview})")
        }
        other => format!("{other:?}"),
    }
}

pub(crate) fn render_state(app: &App) -> String {
    let mut out = String::new();
    if let Some(p) = app.progress() {
        out.push_str(&format!("  progress: {} {}\n", p.file, p.text()));
    }
    for n in &app.notices.list {
        out.push_str(&format!("  notice {:?}: {}\n", n.kind, n.text));
        for d in &n.details {
            out.push_str(&format!("    {d}\n"));
        }
    }
    let data = app.data();
    if !data.traces.is_empty() {
        out.push_str(&format!(
            "  loaded: {} traces, {} spans (generation {})\n",
            data.traces.len(),
            data.span_count(),
            app.generation()
        ));
    }
    let q = app.route.to_query();
    if !q.is_empty() {
        out.push_str(&format!("  route: {q}{}\n", if app.push_history { " (push)" } else { "" }));
    }
    out
}

pub(crate) fn check_with(mut app: App, opened: Vec<Effect>, actions: Vec<Action>, expect: Expect) {
    let mut out = String::new();
    for e in &opened {
        out.push_str(&format!("  -> {}\n", render_effect(e)));
    }
    for action in actions {
        out.push_str(&format!("> {}\n", describe(&action)));
        for e in app.apply(action) {
            out.push_str(&format!("  -> {}\n", render_effect(&e)));
        }
        out.push_str(&render_state(&app));
    }
    expect.assert_eq(&out);
}

/// An environment whose settings keep no data (the tests of keeping are in `workspace/tests.rs`).
pub(crate) fn env_keeping_nothing() -> Env {
    Env { saved_settings: Some("keep-data=off".into()), ..Env::default() }
}

/// Every file goes to a worker (`page-import=0`): the scripts answer as the worker would.
fn check(actions: Vec<Action>, expect: Expect) {
    let (app, opened) = App::open(Route::parse("?page-import=0"), env_keeping_nothing());
    check_with(app, opened, actions, expect);
}

#[test]
fn files_load_one_after_another_and_the_first_trace_is_selected() {
    check(
        vec![
            Action::LoadFile { key: 7, name: "a.json".into(), size: 300 },
            Action::LoadBytes { name: "pasted JSON".into(), bytes: TRACE_B.as_bytes().to_vec() },
            Action::ImportProgress { job: 1, phase: Phase::Reading, done: 150.0, total: 300.0 },
            worker_result(1, TRACE_A.as_bytes(), true),
            worker_result(2, TRACE_B.as_bytes(), true),
        ],
        expect![[r#"
            > load file #7 a.json (300 bytes)
              -> import job 1 a.json from file #7 (300 bytes) (skew true)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?page-import=0
            > load bytes pasted JSON (233 bytes)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?page-import=0
            > progress job 1 Reading 150/300
              progress: a.json Reading 150 bytes of 300 bytes…
              route: ?page-import=0
            > worker done job 1 (skew true)
              -> ReleaseFile { key: 7 }
              -> import job 2 pasted JSON from 233 bytes (skew true)
              progress: pasted JSON Reading 0 bytes of 233 bytes… (file 2 of 2)
              notice Loaded: a.json: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
            > worker done job 2 (skew true)
              notice Loaded: a.json: OTLP JSON — 1 span in 1 new trace
              notice Loaded: pasted JSON: OTLP JSON — 1 span in 1 new trace
              loaded: 2 traces, 2 spans (generation 2)
              route: ?page-import=0&trace=000000000000000a
        "#]],
    );
}

/// With `workers=3`, three files load side by side; answers that come before an older job's
/// wait for it, so the notices and the data are what one after another gives (the test above).
#[test]
fn files_load_side_by_side_and_land_in_the_order_they_were_given() {
    let (app, opened) = App::open(Route::parse("?workers=3&page-import=0"), env_keeping_nothing());
    check_with(
        app,
        opened,
        vec![
            Action::LoadFile { key: 7, name: "a.json".into(), size: 300 },
            Action::LoadBytes { name: "pasted JSON".into(), bytes: TRACE_B.as_bytes().to_vec() },
            Action::LoadBytes { name: "broken".into(), bytes: b"{".to_vec() },
            Action::LoadBytes { name: "fourth".into(), bytes: TRACE_B.as_bytes().to_vec() },
            // The third and the second answer first: they wait for the first.
            Action::ImportFailed { job: 3, error: "broken: not JSON".into() },
            worker_result(2, TRACE_B.as_bytes(), true),
            worker_result(1, TRACE_A.as_bytes(), true),
            worker_result(4, TRACE_B.as_bytes(), true),
        ],
        expect![[r#"
            > load file #7 a.json (300 bytes)
              -> import job 1 a.json from file #7 (300 bytes) (skew true)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?workers=3&page-import=0
            > load bytes pasted JSON (233 bytes)
              -> import job 2 pasted JSON from 233 bytes (skew true)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?workers=3&page-import=0
            > load bytes broken (1 bytes)
              -> import job 3 broken from 1 bytes (skew true)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?workers=3&page-import=0
            > load bytes fourth (233 bytes)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?workers=3&page-import=0
            > failed job 3: broken: not JSON
              -> import job 4 fourth from 233 bytes (skew true)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?workers=3&page-import=0
            > worker done job 2 (skew true)
              progress: a.json Reading 0 bytes of 300 bytes…
              route: ?workers=3&page-import=0
            > worker done job 1 (skew true)
              -> ReleaseFile { key: 7 }
              progress: fourth Reading 0 bytes of 233 bytes… (file 4 of 4)
              notice Loaded: a.json: OTLP JSON — 1 span in 1 new trace
              notice Loaded: pasted JSON: OTLP JSON — 1 span in 1 new trace
              notice Error: broken: not JSON
                Nothing from this file was loaded; what was loaded before is still here.
              loaded: 2 traces, 2 spans (generation 2)
              route: ?workers=3&page-import=0&trace=000000000000000a
            > worker done job 4 (skew true)
              notice Loaded: a.json: OTLP JSON — 1 span in 1 new trace
              notice Loaded: pasted JSON: OTLP JSON — 1 span in 1 new trace
              notice Error: broken: not JSON
                Nothing from this file was loaded; what was loaded before is still here.
              notice Loaded: fourth: OTLP JSON — nothing new; 1 span already loaded (not added again)
              loaded: 2 traces, 2 spans (generation 3)
              route: ?workers=3&page-import=0&trace=000000000000000a
        "#]],
    );
}

/// Whatever order the workers answer in, the data and the notices are those of loading the
/// files one after another (three samples that merge into each other: same trace ids).
#[test]
fn side_by_side_equals_one_after_another_for_every_answer_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    let mut docs: Vec<Vec<u8>> = ["zipkin-v2_skew.json", "otlp_hotrod-full-trace.json"]
        .iter()
        .map(|name| std::fs::read(dir.join(name)).expect("../shared/samples exists beside the repository"))
        .collect();
    docs.push(TRACE_A.as_bytes().to_vec());
    docs.push(TRACE_B.as_bytes().to_vec());
    let run = |workers: &str, order: &[usize]| {
        let (mut app, _) = App::open(Route::parse(workers), env_keeping_nothing());
        for (i, doc) in docs.iter().enumerate() {
            app.apply(Action::LoadBytes { name: format!("doc {i}"), bytes: doc.clone() });
        }
        for &i in order {
            let job = u32::try_from(i + 1).unwrap();
            app.apply(worker_result(job, &docs[i], true));
        }
        let notices: Vec<String> = app.notices.list.iter().map(|n| n.text.clone()).collect();
        (strand_model::dump::dump_dataset(app.data()), notices)
    };
    let sequential: Vec<usize> = (0..docs.len()).collect();
    let expected = run("", &sequential);
    assert!(expected.0.contains("span"), "{}", expected.0);
    // Every order of the answers with as many workers as files.
    let mut order = sequential.clone();
    let mut orders = 0;
    permutations(&mut order, 0, &mut |o| {
        orders += 1;
        assert_eq!(run(&format!("?workers={}", docs.len()), o), expected, "answers in order {o:?}");
    });
    assert_eq!(orders, (1..=docs.len()).product::<usize>());
}

fn permutations(items: &mut [usize], k: usize, visit: &mut dyn FnMut(&[usize])) {
    if k == items.len() {
        visit(items);
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, visit);
        items.swap(k, i);
    }
}

/// Cancel with several running: every worker stops, and late answers are ignored.
#[test]
fn cancel_stops_every_job_running_side_by_side() {
    let (app, opened) = App::open(Route::parse("?workers=2&page-import=0"), env_keeping_nothing());
    check_with(
        app,
        opened,
        vec![
            Action::LoadBytes { name: "one".into(), bytes: TRACE_A.as_bytes().to_vec() },
            Action::LoadBytes { name: "two".into(), bytes: TRACE_B.as_bytes().to_vec() },
            Action::LoadBytes { name: "three".into(), bytes: TRACE_B.as_bytes().to_vec() },
            worker_result(2, TRACE_B.as_bytes(), true),
            Action::CancelLoading,
            worker_result(1, TRACE_A.as_bytes(), true),
        ],
        expect![[r#"
            > load bytes one (234 bytes)
              -> import job 1 one from 234 bytes (skew true)
              progress: one Reading 0 bytes of 234 bytes…
              route: ?workers=2&page-import=0
            > load bytes two (233 bytes)
              -> import job 2 two from 233 bytes (skew true)
              progress: one Reading 0 bytes of 234 bytes…
              route: ?workers=2&page-import=0
            > load bytes three (233 bytes)
              progress: one Reading 0 bytes of 234 bytes…
              route: ?workers=2&page-import=0
            > worker done job 2 (skew true)
              -> import job 3 three from 233 bytes (skew true)
              progress: one Reading 0 bytes of 234 bytes…
              route: ?workers=2&page-import=0
            > cancel loading
              -> CancelImport { job: 1 }
              -> CancelImport { job: 2 }
              -> CancelImport { job: 3 }
              notice Error: Loading one was cancelled (2 more files not loaded).
                Nothing from it was loaded; what was loaded before is still here.
              route: ?workers=2&page-import=0
            > worker done job 1 (skew true)
              notice Error: Loading one was cancelled (2 more files not loaded).
                Nothing from it was loaded; what was loaded before is still here.
              route: ?workers=2&page-import=0
        "#]],
    );
}

#[test]
fn clear_all_cancels_the_load_in_flight_and_its_late_answer_is_ignored() {
    check(
        vec![
            Action::LoadBytes { name: "a".into(), bytes: TRACE_A.as_bytes().to_vec() },
            worker_result(1, TRACE_A.as_bytes(), true),
            Action::LoadFile { key: 3, name: "big.json".into(), size: 5_000_000 },
            Action::LoadFile { key: 4, name: "next.json".into(), size: 10 },
            Action::ClearAll,
            worker_result(2, TRACE_B.as_bytes(), true),
            Action::ImportProgress { job: 2, phase: Phase::Parsing, done: 0.0, total: 0.0 },
        ],
        expect![[r#"
            > load bytes a (234 bytes)
              -> import job 1 a from 234 bytes (skew true)
              progress: a Reading 0 bytes of 234 bytes…
              route: ?page-import=0
            > worker done job 1 (skew true)
              notice Loaded: a: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
            > load file #3 big.json (5000000 bytes)
              -> import job 2 big.json from file #3 (5000000 bytes) (skew true)
              progress: big.json Reading 0 bytes of 5.0 MB…
              notice Loaded: a: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
            > load file #4 next.json (10 bytes)
              progress: big.json Reading 0 bytes of 5.0 MB…
              notice Loaded: a: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
            > clear all
              -> ReleaseFile { key: 4 }
              -> CancelImport { job: 2 }
              -> ReleaseFile { key: 3 }
              notice Workspace: Cleared 1 trace.
              route: ?page-import=0 (push)
            > worker done job 2 (skew true)
              notice Workspace: Cleared 1 trace.
              route: ?page-import=0 (push)
            > progress job 2 Parsing 0/0
              notice Workspace: Cleared 1 trace.
              route: ?page-import=0 (push)
        "#]],
    );
}

#[test]
fn cancel_says_what_was_not_loaded_and_keeps_what_was() {
    check(
        vec![
            Action::LoadBytes { name: "a".into(), bytes: TRACE_A.as_bytes().to_vec() },
            worker_result(1, TRACE_A.as_bytes(), true),
            Action::LoadFile { key: 1, name: "x.json".into(), size: 10 },
            Action::LoadFile { key: 2, name: "y.json".into(), size: 10 },
            Action::CancelLoading,
        ],
        expect![[r#"
            > load bytes a (234 bytes)
              -> import job 1 a from 234 bytes (skew true)
              progress: a Reading 0 bytes of 234 bytes…
              route: ?page-import=0
            > worker done job 1 (skew true)
              notice Loaded: a: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
            > load file #1 x.json (10 bytes)
              -> import job 2 x.json from file #1 (10 bytes) (skew true)
              progress: x.json Reading 0 bytes of 10 bytes…
              notice Loaded: a: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
            > load file #2 y.json (10 bytes)
              progress: x.json Reading 0 bytes of 10 bytes…
              notice Loaded: a: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
            > cancel loading
              -> ReleaseFile { key: 2 }
              -> CancelImport { job: 2 }
              -> ReleaseFile { key: 1 }
              notice Loaded: a: OTLP JSON — 1 span in 1 new trace
              notice Error: Loading x.json was cancelled (1 more file not loaded).
                Nothing from it was loaded; what was loaded before is still here.
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000a
        "#]],
    );
}

#[test]
fn bad_files_only_add_a_notice_and_the_queue_goes_on() {
    check(
        vec![
            Action::LoadBytes { name: "bad.json".into(), bytes: b"nope".to_vec() },
            Action::LoadBytes { name: "b.json".into(), bytes: TRACE_B.as_bytes().to_vec() },
            Action::ImportFailed { job: 1, error: "bad.json: not valid JSON at line 1, column 1".into() },
            Action::ImportHere { job: 2, bytes: TRACE_B.as_bytes().to_vec() },
            Action::LoadBytes { name: "c.json".into(), bytes: TRACE_A.as_bytes().to_vec() },
            Action::ImportCrashed { job: 3, detail: "unreachable executed".into() },
        ],
        expect![[r#"
            > load bytes bad.json (4 bytes)
              -> import job 1 bad.json from 4 bytes (skew true)
              progress: bad.json Reading 0 bytes of 4 bytes…
              route: ?page-import=0
            > load bytes b.json (233 bytes)
              progress: bad.json Reading 0 bytes of 4 bytes…
              route: ?page-import=0
            > failed job 1: bad.json: not valid JSON at line 1, column 1
              -> import job 2 b.json from 233 bytes (skew true)
              progress: b.json Reading 0 bytes of 233 bytes… (file 2 of 2)
              notice Error: bad.json: not valid JSON at line 1, column 1
                Nothing from this file was loaded; what was loaded before is still here.
              route: ?page-import=0
            > import here job 2 (233 bytes)
              notice Error: bad.json: not valid JSON at line 1, column 1
                Nothing from this file was loaded; what was loaded before is still here.
              notice Loaded: b.json: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000b
            > load bytes c.json (234 bytes)
              -> import job 3 c.json from 234 bytes (skew true)
              progress: c.json Reading 0 bytes of 234 bytes…
              notice Error: bad.json: not valid JSON at line 1, column 1
                Nothing from this file was loaded; what was loaded before is still here.
              notice Loaded: b.json: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000b
            > crashed job 3: unreachable executed
              notice Error: bad.json: not valid JSON at line 1, column 1
                Nothing from this file was loaded; what was loaded before is still here.
              notice Loaded: b.json: OTLP JSON — 1 span in 1 new trace
              notice Error: c.json: the import stopped unexpectedly (unreachable executed). This is a bug in Strand; please report it with the file if you can.
                Nothing from this file was loaded; what was loaded before is still here.
              loaded: 1 traces, 1 spans (generation 1)
              route: ?page-import=0&trace=000000000000000b
        "#]],
    );
}

#[test]
fn files_over_the_limit_are_refused_before_reading() {
    let route = Route { max_file_bytes: Some(1_000_000), ..Route::default() };
    let (app, opened) = App::open(route, env_keeping_nothing());
    check_with(
        app,
        opened,
        vec![Action::LoadFile { key: 9, name: "huge.json".into(), size: 2_500_000 }],
        expect![[r#"
        > load file #9 huge.json (2500000 bytes)
          -> ReleaseFile { key: 9 }
          notice Error: huge.json is 2.5 MB; this tab loads files of up to 1.0 MB.
            A browser tab gives WebAssembly at most 4 GB, and loading needs about 2.5–3× the file size. Split the file, or keep only the traces you need (e.g. with jq, or strand-cli), and load the parts; they merge into what is loaded.
            Nothing was read; what was loaded before is still here.
          route: ?max-file-mb=1
    "#]],
    );
}

#[test]
fn a_result_assembled_with_the_old_skew_setting_is_reassembled() {
    let skewed = r#"{"resourceSpans":[
      {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[{"spans":[
        {"traceId":"0c","spanId":"01","name":"call","kind":3,"startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]},
      {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"b"}}]},"scopeSpans":[{"spans":[
        {"traceId":"0c","spanId":"02","parentSpanId":"01","name":"handle","kind":2,"startTimeUnixNano":"500","endTimeUnixNano":"900"}]}]}]}"#;
    let (mut app, _) = App::open(Route::default(), env_keeping_nothing());
    app.apply(Action::LoadBytes { name: "s".into(), bytes: skewed.as_bytes().to_vec() });
    app.apply(Action::SetClockSkew(false));
    // The worker started with skew on; the page now wants it off.
    app.apply(worker_result(1, skewed.as_bytes(), true));
    let span = app.data().traces[0].spans.iter().find(|s| app.data().strings.get(s.name) == "handle").unwrap();
    assert_eq!((span.start_ns, span.skew_ns), (500, 0));
    app.apply(Action::SetClockSkew(true));
    let span = app.data().traces[0].spans.iter().find(|s| app.data().strings.get(s.name) == "handle").unwrap();
    assert_eq!((span.start_ns, span.skew_ns), (1300, 800));
}

#[test]
fn small_files_are_imported_on_the_page_and_larger_ones_in_a_worker() {
    let imports = |query: &str, sizes: &[u64]| -> Vec<String> {
        let (mut app, _) = App::open(Route::parse(query), env_keeping_nothing());
        let mut out = Vec::new();
        for (n, &size) in sizes.iter().enumerate() {
            let name = format!("f{n}");
            out.extend(app.apply(Action::LoadFile { key: n as u32, name, size }).iter().map(render_effect));
            // Each answered at once, so the next one starts.
            app.apply(Action::ImportFailed { job: n as u32 + 1, error: "x".into() });
        }
        out
    };
    let limit = u64::from(PAGE_IMPORT_KB) * 1024;
    expect![[r#"
        [
            "import job 1 f0 from file #0 (500000 bytes) on the page (skew true)",
            "import job 2 f1 from file #1 (2097152 bytes) on the page (skew true)",
            "import job 3 f2 from file #2 (2097153 bytes) (skew true)",
        ]
    "#]]
    .assert_debug_eq(&imports("", &[500_000, limit, limit + 1]));
    expect![[r#"
        [
            "import job 1 f0 from file #0 (300 bytes) (skew true)",
            "import job 1 f0 from file #0 (200000 bytes) on the page (skew true)",
        ]
    "#]]
    .assert_debug_eq(&[imports("?page-import=0", &[300]), imports("?page-import=200", &[200_000])].concat());
}

#[test]
fn the_demo_loads_on_open() {
    let (app, opened) = App::open(Route { demo: true, ..Route::default() }, env_keeping_nothing());
    let rendered: Vec<String> = opened.iter().map(render_effect).collect();
    assert_eq!(rendered, ["import job 1 demo-checkout-trace.json from 55966 bytes on the page (skew true)"]);
    assert_eq!(app.progress().map(|p| p.file.as_str()), Some("demo-checkout-trace.json"));
}
