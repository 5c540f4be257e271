//! The page's warm-up: once the page has painted, and before any file is chosen, the code a first
//! file runs on the page is run a few times on a small synthetic trace, off-screen: the core decodes and
//! merges a worker encoding, and the trace list and trace page render into a detached element.
//!
//! Why: Chromium compiles WebAssembly lazily, a function at a time on its first call, and
//! optimises it only after it has run a while. Without this, the first file's merge and first
//! render ran a few hundred never-called functions and paid ~70 ms of compilation on the main
//! thread (plus background compilation competing for the same cores) while the user waited.
//! The import worker warms its own code the same way (`worker::warm_up`).

use super::store::Store;
use super::trace_page::TracePage;
use super::trace_table::TraceTable;
use std::cell::RefCell;
use strand_app::{Action, App, Effect, Env};
use strand_formats::synth::{synthesize, SynthFormat};
use strand_formats::AssembleOptions;
use strand_model::{transfer, Interner};
use strand_view::route::Route;
use yew::prelude::*;

/// Spans of the warm-up trace: every code path of a first render, few enough to be quick.
const WARM_SPANS: usize = 300;
/// Spans of each small file imported on the page in the warm-up (one per format).
const WARM_SMALL_SPANS: usize = 60;
/// How many times the warm-up imports and renders. One run compiles the code (Liftoff); a few
/// more make Chromium optimise the hottest functions before a file is chosen. Only the first
/// round is laid out in the document; the others render into a detached element. Measured with
/// a second of idle time before the file (`bench/browser.mjs`, medians of 7): 1 round 93 / 169
/// ms to the first rows of 1k / 10k spans, 4 rounds 65 / 118 ms; the warm-up then takes
/// ~360-380 ms of idle page time (~190 ms with one round), in small tasks.
const WARM_ROUNDS: usize = 4;

thread_local! {
    /// The warm-up page while it is mounted (in the document or detached).
    static MOUNTED: RefCell<Option<(yew::AppHandle<WarmPage>, web_sys::Element)>> = const { RefCell::new(None) };
}

/// Starts the warm-up after the page's first paint, unless something is loading already (the
/// real thing warms up the same code then).
pub fn schedule(store: &Store) {
    let store = store.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // Two timer turns: the first paint of the page comes before the warm-up.
        super::yield_to_browser().await;
        super::yield_to_browser().await;
        let perf = web_sys::window().and_then(|w| w.performance());
        let start = perf.as_ref().map_or(0.0, |p| p.now());
        for round in 0..WARM_ROUNDS {
            // A file chosen meanwhile is the real thing: stop.
            let in_document = round == 0;
            if store.read().progress().is_some()
                || !store.read().data().traces.is_empty()
                || mount(in_document).is_none()
            {
                return;
            }
            // Yew renders on its scheduler; the next turn lays out the hidden page, then it goes.
            super::yield_to_browser().await;
            if let Some(root) = MOUNTED.with(|m| m.borrow().as_ref().map(|(_, root)| root.clone())) {
                // Style and layout now (the first layout of the trace page was ~100 ms cold).
                if in_document {
                    let _ = root.get_bounding_client_rect();
                }
            }
            super::yield_to_browser().await;
            unmount();
        }
        if let Some(perf) = perf {
            super::importer::measure(&perf, "strand:warm:page", start, perf.now());
        }
    });
}

/// Renders the warm-up page into a hidden element: in the document (`in_document`, the first
/// round), laid out (fonts, styles) but never seen, inert and hidden from assistive technology;
/// else into a detached element, which runs the same code with no layout and leaves nothing in
/// the document (a page just opened has no second trace list or waterfall in it for long).
fn mount(in_document: bool) -> Option<()> {
    let (store, route) = warm_core()?;
    let document = web_sys::window()?.document()?;
    let root = document.create_element("div").ok()?;
    root.set_class_name("warm-up");
    let _ = root.set_attribute("aria-hidden", "true");
    let _ = root.set_attribute("inert", "");
    let _ = root.set_attribute(
        "style",
        "position:fixed;left:-20000px;top:0;width:1400px;height:900px;overflow:hidden;visibility:hidden;pointer-events:none",
    );
    if in_document {
        document.body()?.append_child(&root).ok()?;
    }
    let handle = yew::Renderer::<WarmPage>::with_root_and_props(root.clone(), WarmProps { store, route }).render();
    MOUNTED.with(|m| *m.borrow_mut() = Some((handle, root)));
    Some(())
}

/// Takes the warm-up page down (and out of the document), if it is up. Called before any action is
/// applied, so the warm-up page never stands beside a real one.
pub fn unmount() {
    if let Some((handle, root)) = MOUNTED.with(|m| m.borrow_mut().take()) {
        handle.destroy();
        root.remove();
    }
}

/// A core that has merged a small synthetic trace as the import worker would hand it over, and
/// the route that shows that trace.
fn warm_core() -> Option<(Store, Route)> {
    let json = synthesize(SynthFormat::Jaeger, WARM_SPANS, 7);
    let mut worker_strings = Interner::new();
    let options = AssembleOptions::default();
    let (format, imported) =
        strand_formats::import_assembled(json.as_bytes(), "warm-up", None, &mut worker_strings, &options).ok()?;
    let encoded = transfer::encode(&worker_strings, &imported.traces, &imported.dependencies, &imported.notes);
    let (mut app, _) = App::open(Route::default(), Env::default());
    let job = started_job(app.apply(Action::LoadBytes { name: "warm-up".to_string(), bytes: Vec::new() }))?;
    let size = encoded.len() as u64;
    let payload = Box::new(transfer::OwnedSource::new(encoded));
    app.apply(Action::Imported {
        job,
        format: format.name().to_string(),
        payload,
        parts: Vec::new(),
        size,
        skew: true,
    });
    // Small files are imported on the page (`Effect::Import::here`): run that path once per
    // format too, so a first small file does not compile the importers on the main thread.
    // (A core of its own: the warm-up page shows the trace above.)
    let (mut small, _) = App::open(Route::default(), Env::default());
    for (n, format) in [SynthFormat::Jaeger, SynthFormat::Otlp, SynthFormat::Zipkin].into_iter().enumerate() {
        let bytes = synthesize(format, WARM_SMALL_SPANS, 11 + n as u64).into_bytes();
        if let Some(job) =
            started_job(small.apply(Action::LoadBytes { name: "warm-up".to_string(), bytes: bytes.clone() }))
        {
            small.apply(Action::ImportHere { job, bytes });
        }
    }
    let route = app.route.clone();
    Some((Store::detached(app), route))
}

/// The job a load started, from the core's effects.
fn started_job(effects: Vec<Effect>) -> Option<strand_app::JobId> {
    effects.into_iter().find_map(|effect| match effect {
        Effect::Import { job, .. } => Some(job),
        _ => None,
    })
}

#[derive(Properties, PartialEq)]
struct WarmProps {
    store: Store,
    route: Route,
}

/// What the traces page shows for the warm-up trace: the list and the trace page.
#[function_component(WarmPage)]
fn warm_page(props: &WarmProps) -> Html {
    let data = props.store.data();
    let noop_select = Callback::from(|_: usize| {});
    let noop_navigate = Callback::from(|_: (Route, bool)| {});
    html! {
        <main class="workspace">
            <TraceTable data={data.clone()} selected={Some(0)} on_select={noop_select}
                        route={props.route.clone()} on_navigate={noop_navigate.clone()} />
            <TracePage data={data} trace_index={0} route={props.route.clone()} on_navigate={noop_navigate} />
        </main>
    }
}
