//! The workspace that keeps the user's place: the copy kept in this browser (restored when the
//! page opens, written when a load settles, bounded by the settings' limit), Clear all with
//! Undo, where the page lands after a load, and the settings. Part of [`App::apply`], split out
//! of `app.rs` by topic.

use crate::app::{App, Effect};
use crate::collect::CollectorCommand;
use crate::notice::NoticeAction;
use crate::persist::{self, Keeping, KeptMeta, Snapshot};
use crate::settings::Settings;
use strand_model::format::counted;
use strand_model::transfer::{self, Decoder};
use strand_model::Dataset;
use strand_view::route::{Page, Route};

/// What one step of keeping the workspace came to.
#[derive(Debug, PartialEq)]
pub enum KeepStep {
    /// More to write: step again on a later task.
    More,
    /// Written; store the pieces and answer [`crate::Action::Kept`] with this.
    Done(KeptMeta),
    /// Nothing to keep any more: drop the pieces and write nothing.
    Dropped,
}

/// What the app knows of the kept copy and of what Clear all removed.
#[derive(Default)]
pub(crate) struct KeepState {
    /// The kept copy is being read; nothing is written meanwhile (it would replace it).
    pub(crate) restoring: bool,
    /// The demo or `?url=` the page was opened with, waiting for the restore.
    pub(crate) deferred_open: bool,
    /// The data changed since it was last written.
    pub(crate) dirty: bool,
    /// What this browser keeps now, as far as the app knows.
    pub(crate) kept: Option<KeptMeta>,
    /// The last error writing or reading it.
    pub(crate) error: Option<String>,
    /// What Clear all removed, until the next load or until its notice is dismissed.
    pub(crate) cleared: Option<Box<(Dataset, Route)>>,
    /// The kept workspace being decoded, a slice per [`crate::Action::RestoreMore`].
    pub(crate) decoding: Option<Box<(Decoder<'static>, KeptMeta)>>,
    /// Counts the actions that asked to write or forget the kept copy: a write that started
    /// before the latest of them is stale ([`App::keep_step`] drops it).
    pub(crate) writes: u64,
}

impl App {
    /// Opening with keeping on: read the kept copy first; connect to a collector at once.
    pub(crate) fn open_restoring(mut self) -> (App, Vec<Effect>) {
        self.keep.restoring = true;
        self.keep.deferred_open = self.route.demo || self.route.url.is_some();
        let url = self.route.url.take();
        let mut effects = vec![Effect::RestoreKept];
        effects.extend(crate::collect::on_open(&mut self));
        self.route.url = url;
        (self, effects)
    }

    /// Whether the kept workspace is still being read.
    pub fn restoring(&self) -> bool {
        self.keep.restoring
    }

    /// What this browser keeps, as far as the app knows (shown in the settings).
    pub fn kept(&self) -> Option<&KeptMeta> {
        self.keep.kept.as_ref()
    }

    /// Why keeping or restoring failed last, if it did.
    pub fn keep_error(&self) -> Option<&str> {
        self.keep.error.as_deref()
    }

    /// The trace the address names when it is not loaded (and nothing that could bring it is
    /// still on its way): the page says so and offers to open its file.
    pub fn missing_trace(&self) -> Option<&str> {
        let wanted = self.route.trace.as_deref()?;
        let waiting = self.keep.restoring || self.progress().is_some();
        (!waiting && self.selected_trace().is_none()).then_some(wanted)
    }

    /// Whether Clear all can be undone now.
    pub fn can_undo_clear(&self) -> bool {
        self.keep.cleared.is_some()
    }

    /// The snapshot to write for [`Effect::KeepData`].
    pub fn snapshot(&self) -> Snapshot {
        persist::snapshot(self.data(), self.options.adjust_clock_skew, self.settings.keep_limit_bytes())
    }

    /// Starts writing the snapshot for [`Effect::KeepData`] a slice at a time (what the
    /// browser does: [`App::keep_step`] on task after task, so a large workspace is never one
    /// long task, nor its whole encoding in memory at once).
    pub fn start_keeping(&self) -> Keeping {
        Keeping::new(
            self.options.adjust_clock_skew,
            self.settings.keep_limit_bytes(),
            self.generation(),
            self.keep.writes,
        )
    }

    /// Writes one step's bytes ([`crate::STEP_BYTES`]) more of the snapshot `keeping` writes, to `sink`; `restart`
    /// means "drop the pieces so far" (the data changed since the last step, or the limit left
    /// traces out). Every step writes the data as it is now: when its generation moved, the
    /// snapshot starts over. Nothing is left to write when keeping was turned off or the data
    /// cleared meanwhile, or when a newer write or a forget was asked for since it started (a
    /// new limit, Forget, Clear all).
    pub fn keep_step(&self, keeping: &mut Keeping, sink: &mut dyn FnMut(&[u8]), restart: &mut dyn FnMut()) -> KeepStep {
        let data = self.data();
        let stale = keeping.writes != self.keep.writes;
        if stale || !self.settings.keep_data || data.holds_nothing() {
            return KeepStep::Dropped;
        }
        if keeping.generation != self.generation() {
            restart();
            *keeping = self.start_keeping();
        }
        match keeping.step(data, self.step_bytes as u64, sink, restart) {
            Some(meta) => KeepStep::Done(meta),
            None => KeepStep::More,
        }
    }

    /// After data arrived: select the first trace when the address names none, and show the
    /// service map when only dependency links are loaded (there is no trace to list).
    pub(crate) fn land(&mut self) {
        if self.route.trace.is_none() {
            self.route.trace = self.data().traces.first().map(|t| t.trace_id.display(&self.data().strings));
            self.route.span = None;
            self.push_history = false;
        }
        if self.data().traces.is_empty() && !self.data().dependencies.is_empty() && self.route.page == Page::Traces {
            self.route.page = Page::Map;
            self.push_history = false;
        }
    }

    /// Write the workspace once loading settled, if it changed and keeping is on.
    pub(crate) fn keep_if_settled(&mut self) -> Vec<Effect> {
        if !self.keep.dirty || self.keep.restoring || !self.loads.is_idle() || !self.settings.keep_data {
            return Vec::new();
        }
        self.keep.dirty = false;
        if self.data().holds_nothing() {
            self.keep.kept = None;
            return vec![Effect::ForgetKept];
        }
        vec![Effect::KeepData]
    }

    /// Starts decoding the kept workspace the browser read back, and goes on as far as one
    /// step goes (`handover`'s step size: a large workspace is restored over several tasks).
    pub(crate) fn restored(&mut self, payload: Box<dyn transfer::Source>, meta: KeptMeta) -> Vec<Effect> {
        self.keep.decoding = Some(Box::new((Decoder::new(payload), meta)));
        self.restore_more()
    }

    /// Decodes one more step of the kept workspace; merges it once complete.
    pub(crate) fn restore_more(&mut self) -> Vec<Effect> {
        let Some(mut decoding) = self.keep.decoding.take() else {
            return Vec::new(); // cleared meanwhile
        };
        let budget = self.step_bytes;
        let Some(decoded) = decoding.0.step(&mut self.data_mut().strings, budget).transpose() else {
            self.keep.decoding = Some(decoding);
            return vec![Effect::ContinueRestore];
        };
        let meta = decoding.1;
        self.keep.restoring = false;
        let mut effects = Vec::new();
        match decoded {
            Ok(mut decoded) => {
                // A kept encoding carries no notes (`encode_selected`); none are said again.
                decoded.notes.clear();
                self.merge_decoded(decoded, meta.skew);
                self.keep.kept = Some(meta.clone());
                self.notices.workspace(
                    persist::restored_text(&meta),
                    vec!["Kept in this browser only. Forget deletes the kept copy; Settings turns keeping off."
                        .to_string()],
                    Some(NoticeAction::ForgetKept),
                );
                self.land();
            }
            Err(err) => {
                self.notices.error(
                    format!("The workspace kept from your last session could not be read ({}); it was deleted.", err.0),
                    vec!["Open the files again to load them.".to_string()],
                );
                effects.push(Effect::ForgetKept);
            }
        }
        effects.extend(self.finish_restore());
        effects
    }

    pub(crate) fn nothing_restored(&mut self, error: Option<String>) -> Vec<Effect> {
        self.keep.restoring = false;
        self.keep.error = error;
        self.finish_restore()
    }

    /// After the restore: open what the page was opened with, unless the restore brought it
    /// (the address names a restored trace, or names none and something was restored), and
    /// write what was loaded meanwhile.
    fn finish_restore(&mut self) -> Vec<Effect> {
        self.bump();
        let mut effects = Vec::new();
        let needed = self.data().traces.is_empty() || (self.route.trace.is_some() && self.selected_trace().is_none());
        if std::mem::take(&mut self.keep.deferred_open) && needed {
            if self.route.demo {
                effects.extend(self.submit(
                    strand_formats::demo::DEMO_FILE_NAME.to_string(),
                    crate::load::Input::Bytes(strand_formats::demo::DEMO_TRACE_JSON.to_vec()),
                ));
            }
            if let Some(url) = self.route.url.clone() {
                effects.extend(crate::collect::command(self, CollectorCommand::OpenUrl { url }));
            }
        }
        effects.extend(self.keep_if_settled());
        effects
    }

    pub(crate) fn on_kept(&mut self, meta: KeptMeta) -> Vec<Effect> {
        self.keep.error = None;
        if meta.evicted > 0 {
            self.notices.workspace(persist::evicted_text(&meta, self.settings.keep_limit_mb), Vec::new(), None);
        }
        self.keep.kept = Some(meta);
        Vec::new()
    }

    pub(crate) fn keep_failed(&mut self, error: String) -> Vec<Effect> {
        self.notices.error(
            format!("The workspace could not be kept in this browser: {error}"),
            vec!["What is loaded stays in this tab. Lower the limit in Settings, or turn keeping off.".to_string()],
        );
        self.keep.error = Some(error);
        Vec::new()
    }

    pub(crate) fn forget_kept(&mut self) -> Vec<Effect> {
        self.notices.withdraw(NoticeAction::ForgetKept);
        self.keep.kept = None;
        self.notices.workspace(
            "The copy kept in this browser was deleted.".to_string(),
            vec!["What is loaded stays until you close the tab; the next load is kept again unless you turn keeping off in Settings.".to_string()],
            None,
        );
        vec![Effect::ForgetKept]
    }

    /// Clear all: the data and route are held for Undo; the kept copy is deleted.
    pub(crate) fn offer_undo(&mut self, data: Dataset, route: Route) -> Vec<Effect> {
        let had_kept = self.keep.kept.take().is_some();
        if data.holds_nothing() {
            return Vec::new();
        }
        let what = if !data.traces.is_empty() {
            counted(data.traces.len() as u64, "trace")
        } else if !data.dependencies.is_empty() {
            counted(data.dependencies.len() as u64, "dependency link")
        } else {
            counted(data.log_count() as u64, "log line")
        };
        self.notices.workspace(format!("Cleared {what}."), Vec::new(), Some(NoticeAction::UndoClear));
        self.keep.cleared = Some(Box::new((data, route)));
        if had_kept || self.settings.keep_data {
            vec![Effect::ForgetKept]
        } else {
            Vec::new()
        }
    }

    pub(crate) fn undo_clear(&mut self) -> Vec<Effect> {
        self.notices.withdraw(NoticeAction::UndoClear);
        let Some(cleared) = self.keep.cleared.take() else { return Vec::new() };
        let (data, route) = *cleared;
        // A restore that began after Clear all decodes into the emptied workspace's strings: it
        // cannot go on in the data brought back.
        if self.keep.decoding.take().is_some() {
            self.keep.restoring = false;
        }
        *self.data_mut() = data;
        self.route = route;
        self.push_history = true;
        self.bump();
        self.keep.dirty = true;
        self.keep_if_settled()
    }

    /// A new load makes Clear all final.
    pub(crate) fn forget_cleared(&mut self) {
        if self.keep.cleared.take().is_some() {
            self.notices.withdraw(NoticeAction::UndoClear);
        }
    }

    /// Dismissing the Undo notice makes Clear all final (and frees the memory).
    pub(crate) fn drop_undo_unless_offered(&mut self) {
        if !self.notices.list.iter().any(|n| n.action == Some(NoticeAction::UndoClear)) {
            self.keep.cleared = None;
        }
    }

    pub(crate) fn set_settings(&mut self, settings: Settings) -> Vec<Effect> {
        let before = std::mem::replace(&mut self.settings, settings);
        let mut effects = vec![Effect::SaveSettings(self.settings.serialize())];
        if before.time_zone != self.settings.time_zone || before.theme != self.settings.theme {
            // Formatted times and canvas drawings are cached with the data's generation.
            self.bump();
        }
        if before.keep_data && !self.settings.keep_data {
            self.keep.kept = None;
            self.notices.withdraw(NoticeAction::ForgetKept);
            effects.push(Effect::ForgetKept);
        } else if self.settings.keep_data
            && (!before.keep_data || before.keep_limit_mb != self.settings.keep_limit_mb)
            && !self.data().holds_nothing()
        {
            self.keep.dirty = true;
            effects.extend(self.keep_if_settled());
        }
        effects
    }
}

#[cfg(test)]
mod tests;
