//! Keeping the workspace, Undo after Clear all, landing and settings, as scripts of actions.

use crate::app::tests::{check_with, worker_result, Encoded, TRACE_A, TRACE_B};
use crate::app::{Action, App, Env};
use crate::notice::NoticeAction;
use crate::persist::KeptMeta;
use crate::settings::{Settings, TimeZone};
use crate::workspace::KeepStep;
use expect_test::expect;
use strand_view::route::{Page, Route};

fn keeping() -> Env {
    Env::default()
}

/// What the browser would read back: the snapshot of an app that loaded `docs`.
fn kept_copy(docs: &[&str]) -> Action {
    let snapshot = app_with(docs).snapshot();
    Action::Restored { payload: Box::new(Encoded(snapshot.bytes, 0)), meta: snapshot.meta }
}

#[test]
fn the_page_opens_with_the_kept_workspace_then_the_demo_waits_and_is_skipped() {
    let route = Route { demo: true, trace: Some("000000000000000b".into()), ..Route::default() };
    let (app, opened) = App::open(route, keeping());
    check_with(
        app,
        opened,
        vec![kept_copy(&[TRACE_A, TRACE_B])],
        expect![[r#"
              -> RestoreKept
            > restored 2 traces, 2 spans (558 bytes)
              notice Workspace: Restored 2 traces from your last session (558 bytes).
                Kept in this browser only. Forget deletes the kept copy; Settings turns keeping off.
              loaded: 2 traces, 2 spans (generation 1)
              route: ?demo&trace=000000000000000b
        "#]],
    );
}

#[test]
fn nothing_kept_opens_the_demo_and_keeps_it_once_the_load_settled() {
    let (app, opened) = App::open(Route { demo: true, ..Route::default() }, keeping());
    check_with(
        app,
        opened,
        vec![
            Action::NothingRestored { error: None },
            worker_result(1, TRACE_A.as_bytes(), true),
            Action::Kept(KeptMeta { traces: 1, spans: 1, bytes: 600, evicted: 0, skew: true, logs: 0 }),
        ],
        expect![[r#"
              -> RestoreKept
            > nothing restored (None)
              -> import job 1 demo-checkout-trace.json from 55966 bytes on the page (skew true)
              progress: demo-checkout-trace.json Reading 0 bytes of 56.0 kB…
              route: ?demo
            > worker done job 1 (skew true)
              -> KeepData
              notice Loaded: demo-checkout-trace.json: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 2)
              route: ?demo&trace=000000000000000a
            > kept 1 trace, 1 span (600 bytes)
              notice Loaded: demo-checkout-trace.json: OTLP JSON — 1 span in 1 new trace
              loaded: 1 traces, 1 spans (generation 2)
              route: ?demo&trace=000000000000000a
        "#]],
    );
}

#[test]
fn clear_all_can_be_undone_until_the_next_load() {
    let (mut app, _) = App::open(Route::default(), keeping());
    app.apply(Action::NothingRestored { error: None });
    app.apply(Action::LoadBytes { name: "a".into(), bytes: TRACE_A.as_bytes().to_vec() });
    app.apply(worker_result(1, TRACE_A.as_bytes(), true));
    app.apply(Action::Navigate {
        route: Box::new(Route {
            trace: Some("000000000000000a".into()),
            span: Some("0000000000000001".into()),
            ..Route::default()
        }),
        push: true,
    });
    check_with(
        app,
        Vec::new(),
        vec![
            Action::ClearAll,
            Action::NoticeAction(NoticeAction::UndoClear),
            Action::ClearAll,
            Action::LoadBytes { name: "b".into(), bytes: TRACE_B.as_bytes().to_vec() },
            Action::NoticeAction(NoticeAction::UndoClear),
        ],
        expect![[r#"
            > clear all
              -> ForgetKept
              notice Workspace: Cleared 1 trace.
            > notice button Undo
              -> KeepData
              loaded: 1 traces, 1 spans (generation 4)
              route: ?trace=000000000000000a&span=0000000000000001 (push)
            > clear all
              -> ForgetKept
              notice Workspace: Cleared 1 trace.
            > load bytes b (233 bytes)
              -> import job 2 b from 233 bytes on the page (skew true)
              progress: b Reading 0 bytes of 233 bytes…
            > notice button Undo
              progress: b Reading 0 bytes of 233 bytes…
        "#]],
    );
}

#[test]
fn a_link_to_a_trace_that_is_not_loaded_is_reported_once_nothing_more_can_bring_it() {
    let route = Route { trace: Some("00000000000000ff".into()), ..Route::default() };
    let (mut app, _) = App::open(route, keeping());
    assert_eq!(app.missing_trace(), None, "still restoring");
    app.apply(kept_copy(&[TRACE_A]));
    assert_eq!(app.missing_trace(), Some("00000000000000ff"));
    // A load does not replace the trace the link names.
    app.apply(Action::LoadBytes { name: "b".into(), bytes: TRACE_B.as_bytes().to_vec() });
    assert_eq!(app.missing_trace(), None, "loading");
    app.apply(worker_result(1, TRACE_B.as_bytes(), true));
    assert_eq!(app.route.trace.as_deref(), Some("00000000000000ff"));
    assert_eq!(app.missing_trace(), Some("00000000000000ff"));
}

#[test]
fn dependency_links_alone_land_on_the_service_map() {
    let links = r#"{"data":[{"parent":"a","child":"b","callCount":3}]}"#;
    let (mut app, _) = App::open(Route::default(), keeping());
    app.apply(Action::NothingRestored { error: None });
    app.apply(Action::LoadBytes { name: "deps.json".into(), bytes: links.as_bytes().to_vec() });
    let effects = app.apply(worker_result(1, links.as_bytes(), true));
    assert_eq!(app.route.page, Page::Map);
    assert_eq!(app.route.trace, None);
    assert_eq!(effects, vec![crate::app::Effect::KeepData]);
}

#[test]
fn settings_are_saved_and_a_new_zone_recomputes_views() {
    let (mut app, _) = App::open(Route::default(), keeping());
    app.apply(Action::NothingRestored { error: None });
    let generation = app.generation();
    let zone = Settings { time_zone: TimeZone::Named("Asia/Kolkata".into()), ..Settings::default() };
    let effects = app.apply(Action::SetSettings(zone.clone()));
    assert_eq!(effects, vec![crate::app::Effect::SaveSettings(zone.serialize())]);
    assert!(app.generation() > generation);
    // Turning keeping off deletes the kept copy.
    let off = Settings { keep_data: false, ..zone };
    assert_eq!(
        app.apply(Action::SetSettings(off.clone())),
        vec![crate::app::Effect::SaveSettings(off.serialize()), crate::app::Effect::ForgetKept]
    );
    // Settings saved by the browser come back on the next visit.
    let (reopened, effects) =
        App::open(Route::default(), Env { saved_settings: Some(off.serialize()), ..Env::default() });
    assert_eq!(reopened.settings, off);
    assert!(effects.is_empty(), "nothing kept, nothing to restore");
}

/// Steps `keeping` to its end with `budget` bytes a step, collecting the pieces as the
/// browser does; `between` runs after each unfinished step.
fn keep_in_steps(app: &mut App, budget: u64, between: &mut dyn FnMut(&mut App, usize)) -> (Vec<u8>, KeepStep, usize) {
    app.step_bytes = usize::try_from(budget).unwrap_or(usize::MAX);
    let mut keeping = app.start_keeping();
    let pieces = std::cell::RefCell::new(Vec::<u8>::new());
    let mut steps = 0;
    loop {
        let step = app.keep_step(&mut keeping, &mut |p| pieces.borrow_mut().extend_from_slice(p), &mut || {
            pieces.borrow_mut().clear()
        });
        steps += 1;
        if step != KeepStep::More {
            return (pieces.into_inner(), step, steps);
        }
        between(app, steps);
    }
}

/// An app (keeping on, nothing restored) that loaded `docs`, one worker answer each.
fn app_with(docs: &[&str]) -> App {
    let (mut app, _) = App::open(Route::default(), keeping());
    app.apply(Action::NothingRestored { error: None });
    for (i, doc) in docs.iter().enumerate() {
        app.apply(Action::LoadBytes { name: format!("f{i}"), bytes: doc.as_bytes().to_vec() });
        app.apply(worker_result(i as u32 + 1, doc.as_bytes(), true));
    }
    app
}

#[test]
fn keeping_in_steps_writes_the_snapshot_and_starts_over_when_the_data_changes() {
    let demo = std::str::from_utf8(strand_formats::demo::DEMO_TRACE_JSON).unwrap_or_default();
    let mut app = app_with(&[TRACE_A, demo, TRACE_B]);
    let whole = app.snapshot();
    for budget in [1, 7, 100, 4096, u64::MAX] {
        let (bytes, step, steps) = keep_in_steps(&mut app, budget, &mut |_, _| {});
        assert_eq!(step, KeepStep::Done(whole.meta.clone()), "budget {budget}");
        assert_eq!(bytes, whole.bytes, "budget {budget}");
        assert_eq!(steps > 1, budget < whole.bytes.len() as u64, "budget {budget}: {steps} steps");
    }

    // A file lands half-way while another still loads (no new write is asked for yet): the
    // pieces so far are dropped and the data as it is now is written whole.
    let mut app = app_with(&[TRACE_A, demo]);
    let (bytes, step, _) = keep_in_steps(&mut app, 100, &mut |app, step| {
        if step == 3 {
            // (decoded in one step: this test steps the keeping only)
            app.step_bytes = usize::MAX;
            app.apply(Action::LoadBytes { name: "b".into(), bytes: TRACE_B.as_bytes().to_vec() });
            app.apply(Action::LoadBytes { name: "c".into(), bytes: TRACE_B.as_bytes().to_vec() });
            let effects = app.apply(worker_result(3, TRACE_B.as_bytes(), true));
            assert!(!effects.contains(&crate::app::Effect::KeepData), "{effects:?}");
            app.step_bytes = 100;
        }
    });
    let now = app.snapshot();
    assert_eq!(now.meta.traces, 3);
    assert_eq!((bytes, step), (now.bytes, KeepStep::Done(now.meta)));

    // A newer write asked for half-way (the load settled, a new limit): this one is stale.
    let mut app = app_with(&[TRACE_A, demo]);
    let (_, step, _) = keep_in_steps(&mut app, 100, &mut |app, step| {
        if step == 3 {
            app.step_bytes = usize::MAX;
            app.apply(Action::LoadBytes { name: "b".into(), bytes: TRACE_B.as_bytes().to_vec() });
            let effects = app.apply(worker_result(3, TRACE_B.as_bytes(), true));
            assert!(effects.contains(&crate::app::Effect::KeepData), "{effects:?}");
            app.step_bytes = 100;
        }
    });
    assert_eq!(step, KeepStep::Dropped);

    // Cleared, or keeping turned off, half-way: nothing is written.
    let mut app = app_with(&[TRACE_A, demo]);
    let (_, step, _) = keep_in_steps(&mut app, 100, &mut |app, _| {
        app.apply(Action::ClearAll);
    });
    assert_eq!(step, KeepStep::Dropped);
    let mut app = app_with(&[TRACE_A, demo]);
    let (_, step, _) = keep_in_steps(&mut app, 100, &mut |app, _| {
        let settings = Settings { keep_data: false, ..app.settings.clone() };
        app.apply(Action::SetSettings(settings));
    });
    assert_eq!(step, KeepStep::Dropped);
}

#[test]
fn a_kept_workspace_is_restored_a_slice_per_task_as_in_one() {
    let demo = std::str::from_utf8(strand_formats::demo::DEMO_TRACE_JSON).unwrap_or_default();
    let docs = [TRACE_A, demo, TRACE_B];
    let restore = |step: usize| {
        let (mut app, _) = App::open(Route::default(), keeping());
        app.step_bytes = step;
        let mut effects = app.apply(kept_copy(&docs));
        let mut steps = 1;
        while effects == vec![crate::app::Effect::ContinueRestore] {
            // Nothing is kept or opened while the restore goes on.
            assert!(app.keep.restoring && app.data().traces.is_empty());
            effects = app.apply(Action::RestoreMore);
            steps += 1;
        }
        (strand_model::dump::dump_dataset(app.data()), crate::app::tests::render_state(&app), effects, steps)
    };
    let whole = restore(usize::MAX);
    assert_eq!(whole.3, 1);
    assert_eq!(whole.0.matches("trace ").count(), 3, "{}", whole.0);
    for step in [1, 50, 1000] {
        let stepped = restore(step);
        assert!(stepped.3 > 2, "step {step}: {} steps", stepped.3);
        assert_eq!((&stepped.0, &stepped.1, &stepped.2), (&whole.0, &whole.1, &whole.2), "step {step}");
    }

    // Clear all half-way drops the rest: nothing lands, and a late step does nothing.
    let (mut app, _) = App::open(Route::default(), keeping());
    app.step_bytes = 50;
    assert_eq!(app.apply(kept_copy(&docs)), vec![crate::app::Effect::ContinueRestore]);
    app.apply(Action::ClearAll);
    assert!(!app.keep.restoring);
    assert!(app.apply(Action::RestoreMore).is_empty());
    assert!(app.data().traces.is_empty());
}

#[test]
fn undo_of_clear_all_during_a_restore_drops_the_restore() {
    // A file loaded while the kept copy is still being read, then Clear all, then the kept copy
    // arrives and is decoded in steps, then Undo: the restore cannot go on in the data brought
    // back (its strings were interned into the emptied workspace).
    let (mut app, _) = App::open(Route::default(), keeping());
    app.apply(Action::LoadBytes { name: "a".into(), bytes: TRACE_A.as_bytes().to_vec() });
    app.apply(worker_result(1, TRACE_A.as_bytes(), true));
    let before = strand_model::dump::dump_dataset(app.data());
    assert!(before.contains("GET /cart"), "{before}");
    app.apply(Action::ClearAll);
    app.step_bytes = 50;
    let demo = std::str::from_utf8(strand_formats::demo::DEMO_TRACE_JSON).unwrap_or_default();
    assert_eq!(app.apply(kept_copy(&[demo])), vec![crate::app::Effect::ContinueRestore]);
    app.apply(Action::NoticeAction(NoticeAction::UndoClear));
    assert!(!app.keep.restoring);
    assert!(app.apply(Action::RestoreMore).is_empty());
    assert_eq!(strand_model::dump::dump_dataset(app.data()), before);
}

/// Log lines whose trace is not loaded were not kept (nor offered back after Clear all): a
/// workspace of log lines only was forgotten at the next page open.
#[test]
fn log_lines_whose_trace_is_not_loaded_are_kept_and_restored() {
    let logs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/logs/hotrod.json-logs.jsonl"),
    )
    .expect("the log fixture");
    for docs in [vec![logs.as_str()], vec![logs.as_str(), TRACE_A]] {
        let mut app = app_with(&docs);
        let counts = app.data().log_counts();
        assert!(counts.none > 0, "{counts:?}");
        assert!(app.keep_if_settled().is_empty(), "the load kept it already");
        let snapshot = app.snapshot();
        assert_eq!(snapshot.meta.logs, counts.total() as u64);
        let (mut reopened, _) = App::open(Route::default(), keeping());
        reopened.apply(Action::Restored { payload: Box::new(Encoded(snapshot.bytes, 0)), meta: snapshot.meta });
        assert_eq!(
            strand_model::dump::dump_dataset(reopened.data()),
            strand_model::dump::dump_dataset(app.data()),
            "{} docs",
            docs.len()
        );
        assert!(reopened.notices.list.iter().any(|n| n.text.contains("log lines from your last session")));
        // Clear all offers them back.
        reopened.apply(Action::ClearAll);
        assert!(reopened.notices.list.iter().any(|n| n.text.starts_with("Cleared ")), "{:?}", reopened.notices.list);
        reopened.apply(Action::NoticeAction(NoticeAction::UndoClear));
        assert_eq!(reopened.data().log_counts(), app.data().log_counts());
    }
}
