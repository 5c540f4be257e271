//! The app core: what Strand does when the user acts or the browser reports back, as plain Rust
//! that never touches the browser.
//!
//! [`App`] holds the state: the dataset, the route (everything in the address), notices, the
//! load queue and the collector connection. [`App::apply`] takes an [`Action`] — a command from
//! the user or a fact that an effect reported — and returns the [`Effect`]s to perform (import a
//! file in the worker, cancel an import, run a request [`plan::Plan`], save the connection).
//! `src/ui` performs effects and renders; it never decides.

mod app;
pub mod collect;
mod handover;
pub mod interaction;
pub mod link_settings;
pub mod load;
pub mod mask_settings;
pub mod notice;
pub mod persist;
pub mod plan;
mod preview;
pub mod settings;
mod workspace;

pub use app::{Action, App, Effect, Env, MAX_FILE_BYTES};
pub use collect::{CollectorCommand, Status};
pub use handover::{SPLIT_FROM_KB, STEP_BYTES};
pub use load::{FileKey, Input, JobId, Phase, Progress};
pub use notice::{Notice, NoticeAction, NoticeGroup, NoticeKind};
pub use persist::{Keeping, KeptMeta};
pub use preview::PREVIEW_FROM_KB;
pub use settings::{Settings, Theme, TimeZone};
pub use workspace::KeepStep;
