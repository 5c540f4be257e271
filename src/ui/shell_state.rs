//! What the root component reads from the core for the workspace around the pages, in one
//! snapshot per render: settings, the notices to show on this page, the trace a link names that
//! is not loaded, whether the kept workspace is being restored, and what is kept.

use super::store::Store;
use strand_app::{NoticeGroup, Settings};

pub struct ShellState {
    pub settings: Settings,
    pub notices: Vec<NoticeGroup>,
    pub missing: Option<String>,
    pub restoring: bool,
    pub kept: Option<String>,
    pub keep_error: Option<String>,
}

pub fn snapshot(store: &Store) -> ShellState {
    let app = store.read();
    ShellState {
        settings: app.settings.clone(),
        // Load reports stay with the trace list; errors and workspace notices show everywhere.
        notices: app.notices.shown(app.route.page),
        missing: app.missing_trace().map(str::to_string),
        restoring: app.restoring(),
        kept: app.kept().map(|k| k.describe()),
        keep_error: app.keep_error().map(str::to_string),
    }
}
