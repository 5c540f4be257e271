//! Keeping the workspace, Undo after Clear all, landing and settings, as scripts of actions.

use crate::app::tests::{check_with, worker_result, Encoded, TRACE_A, TRACE_B};
use crate::app::{Action, App, Env};
use crate::notice::NoticeAction;
use crate::persist::KeptMeta;
use crate::settings::{Settings, TimeZone};
use expect_test::expect;
use strand_view::route::{Page, Route};

fn keeping() -> Env {
    Env::default()
}

/// What the browser would read back: the snapshot of an app that loaded `docs`.
fn kept_copy(docs: &[&str]) -> Action {
    let (mut app, _) = App::open(Route::default(), keeping());
    app.apply(Action::NothingRestored { error: None });
    for (i, doc) in docs.iter().enumerate() {
        app.apply(Action::LoadBytes { name: format!("f{i}"), bytes: doc.as_bytes().to_vec() });
        app.apply(worker_result(i as u32 + 1, doc.as_bytes(), true));
    }
    let snapshot = app.snapshot();
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
            Action::Kept(KeptMeta { traces: 1, spans: 1, bytes: 600, evicted: 0, skew: true }),
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
