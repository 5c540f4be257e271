//! The workspace kept in this browser, in IndexedDB: one record (`strand` database, `workspace`
//! store, key `dataset`) holding the `model::transfer` encoding as a `Blob` (records written by
//! earlier versions hold a `Uint8Array`, still read) and the core's `KeptMeta` as text. The core decides when to write, what to keep and what to say; this file
//! only moves bytes and reports back with actions. Writing waits for the page to settle after a
//! load and is measured as the User Timing measure `strand:keep` (encoding `strand:keep-encode`);
//! reading, decoding and merging (over several tasks for a large one) as `strand:restore`.

use super::importer::JsSource;
use super::store::Store;
use js_sys::{Object, Promise, Reflect, Uint8Array};
use strand_app::{Action, KeepStep, KeptMeta};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB_NAME: &str = "strand";
const STORE_NAME: &str = "workspace";
const KEY: &str = "dataset";
/// How long after a load settles the write starts, so the page paints the loaded data first.
const SETTLE_MS: u32 = 400;

/// Reads the kept workspace and reports it (or that there is none) to the core.
pub fn restore(store: &Store) {
    let store = store.clone();
    wasm_bindgen_futures::spawn_local(async move {
        super::perf::mark("strand:restore:start");
        let action = match read().await {
            Ok(Some((array, meta))) => {
                super::memory::make_room((array.length() as usize).min(strand_app::STEP_BYTES));
                Action::Restored { payload: Box::new(JsSource { array, offset: 0 }), meta }
            }
            Ok(None) => Action::NothingRestored { error: None },
            Err(error) => Action::NothingRestored { error: Some(error) },
        };
        store.dispatch(action);
        super::perf::restore_landed(&store);
    });
}

/// Writes the workspace once the page settled, a slice of its encoding per task
/// (`App::keep_step`), so keeping a million spans is never one long task.
pub fn keep(store: &Store) {
    let store = store.clone();
    wasm_bindgen_futures::spawn_local(async move {
        gloo::timers::future::TimeoutFuture::new(SETTLE_MS).await;
        let perf = web_sys::window().and_then(|w| w.performance());
        let start = perf.as_ref().map_or(0.0, |p| p.now());
        let mut keeping = store.read().start_keeping();
        // Each step's encoding goes to JavaScript memory a megabyte at a time, so the module's
        // memory (which never shrinks) grows by a piece rather than by the whole encoding; the
        // step's pieces become one Blob, and the steps' Blobs one Blob that refers to them
        // (IndexedDB stores it without copying it on the page's thread).
        let steps = js_sys::Array::new();
        let pieces = js_sys::Array::new();
        let outcome = loop {
            let step = store.read().keep_step(
                &mut keeping,
                &mut |piece| {
                    pieces.push(&Uint8Array::from(piece));
                },
                &mut || {
                    pieces.set_length(0);
                    steps.set_length(0);
                },
            );
            match web_sys::Blob::new_with_u8_array_sequence(&pieces) {
                Ok(blob) => {
                    steps.push(&blob);
                }
                Err(e) => break Err(describe(e)),
            }
            pieces.set_length(0);
            match step {
                KeepStep::More => super::yield_to_browser().await,
                KeepStep::Done(meta) => break Ok(meta),
                KeepStep::Dropped => return,
            }
        };
        if let Some(perf) = perf.as_ref() {
            super::importer::measure(perf, "strand:keep-encode", start, perf.now());
        }
        let result = match outcome {
            Ok(meta) => match web_sys::Blob::new_with_blob_sequence(&steps) {
                Ok(blob) => {
                    steps.set_length(0);
                    write(&blob, &meta).await.map(|()| meta)
                }
                Err(e) => Err(describe(e)),
            },
            Err(error) => Err(error),
        };
        store.dispatch(match result {
            Ok(meta) => Action::Kept(meta),
            Err(error) => Action::KeepFailed(error),
        });
        if let Some(perf) = perf {
            super::importer::measure(&perf, "strand:keep", start, perf.now());
        }
    });
}

/// Deletes the kept workspace.
pub fn forget() {
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(db) = open().await else { return };
        if let Ok((tx, objects)) = transaction(&db, IdbTransactionMode::Readwrite) {
            let _ = objects.delete(&JsValue::from_str(KEY));
            let _ = completed(&tx).await;
        }
        db.close();
    });
}

async fn read() -> Result<Option<(Uint8Array, KeptMeta)>, String> {
    let db = open().await?;
    let (_, objects) = transaction(&db, IdbTransactionMode::Readonly)?;
    let request = objects.get(&JsValue::from_str(KEY)).map_err(describe)?;
    let value = succeeded(&request).await;
    db.close();
    let value = value?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let meta = Reflect::get(&value, &"meta".into()).ok().and_then(|m| m.as_string()).and_then(|m| KeptMeta::parse(&m));
    let stored = Reflect::get(&value, &"bytes".into()).unwrap_or(JsValue::UNDEFINED);
    let bytes = match stored.dyn_into::<web_sys::Blob>() {
        Ok(blob) => {
            let buffer = JsFuture::from(blob.array_buffer()).await.map_err(describe)?;
            Some(Uint8Array::new(&buffer))
        }
        Err(stored) => stored.dyn_into::<Uint8Array>().ok(),
    };
    match (bytes, meta) {
        (Some(bytes), Some(meta)) => Ok(Some((bytes, meta))),
        _ => Err("the kept record has an unknown shape".to_string()),
    }
}

async fn write(blob: &web_sys::Blob, meta: &KeptMeta) -> Result<(), String> {
    let db = open().await?;
    let record = Object::new();
    Reflect::set(&record, &"bytes".into(), blob).map_err(describe)?;
    Reflect::set(&record, &"meta".into(), &JsValue::from_str(&meta.serialize())).map_err(describe)?;
    let result = async {
        let (tx, objects) = transaction(&db, IdbTransactionMode::Readwrite)?;
        objects.put_with_key(&record, &JsValue::from_str(KEY)).map_err(describe)?;
        completed(&tx).await
    }
    .await;
    db.close();
    result
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(describe)?
        .ok_or_else(|| "this browser offers no IndexedDB here (private mode or a policy)".to_string())?;
    let request = factory.open_with_u32(DB_NAME, 1).map_err(describe)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new({
        let request = request.clone();
        move |_: web_sys::Event| {
            if let Some(db) = request.result().ok().and_then(|r| r.dyn_into::<IdbDatabase>().ok()) {
                let _ = db.create_object_store(STORE_NAME);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = succeeded(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    db?.dyn_into::<IdbDatabase>().map_err(|_| "IndexedDB opened no database".to_string())
}

fn transaction(
    db: &IdbDatabase,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, web_sys::IdbObjectStore), String> {
    let tx = db.transaction_with_str_and_mode(STORE_NAME, mode).map_err(describe)?;
    let objects = tx.object_store(STORE_NAME).map_err(describe)?;
    Ok((tx, objects))
}

/// The request's result once it succeeded.
async fn succeeded(request: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(describe),
        Err(_) => Err(request.error().ok().flatten().map_or_else(|| "IndexedDB refused".to_string(), |e| e.message())),
    }
}

/// Resolves when the transaction committed.
async fn completed(tx: &IdbTransaction) -> Result<(), String> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(tx.error().map_or_else(
            || "the browser did not store it (storage quota or private mode)".to_string(),
            |e| format!("{} ({})", e.message(), e.name()),
        )),
    }
}

fn describe(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.dyn_ref::<web_sys::DomException>().map(|d| d.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown browser error".to_string())
}
