//! A first look at a large file: while the import worker reads the rest, it imports the
//! complete elements of the file's first part on their own (`formats::preview`) and sends them
//! ahead ([`crate::Action::Previewed`]). The app shows them (the trace list, the first trace)
//! until the file lands, and then replaces them with the file's own import: the preview is never
//! merged with anything, so what is loaded at the end is exactly what loading without a preview
//! gives. The user's place (the page, the selected trace and span) is kept across the swap.
//!
//! A preview is shown only into a workspace that holds nothing (no trace, link or log line),
//! for the oldest job loading, and with no kept workspace being restored: then replacing it
//! means starting from empty again, with the route as before it unless the user has moved.
//! Cancel, Clear all, or the file failing take the preview away (nothing from the file is
//! loaded; the trace and span selected before it are selected again).

use crate::app::{App, Effect};
use crate::load::{Input, JobId};
use strand_model::{transfer, Dataset};
use strand_view::route::Route;

/// Files of this size or larger get a preview unless the address says `preview-kb=` (0:
/// never). Smaller ones (up to ~130k Jaeger spans) load whole in well under a second here
/// (README, Performance): a first look would be replaced a moment after it is drawn.
pub const PREVIEW_FROM_KB: u32 = 64 * 1024;

/// The preview on show: which job's, how many bytes of its file it holds, and the route before
/// it landed and right after (to tell whether the user has moved since).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Shown {
    pub(crate) job: JobId,
    pub(crate) covered: u64,
    before: Box<Route>,
    after: Box<Route>,
}

impl App {
    /// Whether the worker should send a preview of `input` (a browser file of that size; the
    /// worker previews only files), into what is loaded now.
    pub(crate) fn wants_preview(&self, input: &Input) -> bool {
        let from_kb = self.route.preview_kb.unwrap_or(PREVIEW_FROM_KB);
        let large = matches!(input, Input::File { size, .. } if from_kb > 0 && *size >= u64::from(from_kb) * 1024);
        large && self.quiet()
    }

    /// Nothing is loaded nor being added: a preview would mix with nothing.
    fn quiet(&self) -> bool {
        self.preview.is_none()
            && self.decoding.is_none()
            && self.keep.decoding.is_none()
            && !self.keep.restoring
            && self.data().holds_nothing()
    }

    /// The preview the worker sent for `job` (its encoding, of the file's first `covered`
    /// bytes): shown when nothing else is loaded or on its way in before it.
    pub(crate) fn previewed(
        &mut self,
        job: JobId,
        mut payload: Box<dyn transfer::Source>,
        covered: u64,
        skew: bool,
    ) -> Vec<Effect> {
        if !self.loads.is_oldest(job) || !self.quiet() {
            return Vec::new();
        }
        let mut decoder = transfer::Decoder::new(&mut *payload);
        // A preview is a few MB: one step.
        let Ok(Some(decoded)) = decoder.step(&mut self.data_mut().strings, usize::MAX) else {
            // Not shown; the file itself still comes. (Its strings stay, as after a failed decode.)
            return Vec::new();
        };
        self.merge_decoded(decoded, skew);
        if self.data().is_empty() {
            // No trace in it (log lines only): nothing to show; the workspace held nothing.
            *self.data_mut() = Dataset::new();
            return Vec::new();
        }
        let before = Box::new(self.route.clone());
        self.land();
        self.preview = Some(Shown { job, covered, before, after: Box::new(self.route.clone()) });
        self.loads.previewed(job, covered);
        self.bump();
        Vec::new()
    }

    /// `job`'s file lands: its preview (if on show) goes, the workspace is as before it (empty),
    /// and so is the route if the user has not moved since it landed, so the file lands as it
    /// would have without it.
    pub(crate) fn replace_preview(&mut self, job: JobId) {
        self.take_preview(Some(job));
    }

    /// Takes the preview away, if `job`'s (any job's for `None`) is on show, as
    /// [`App::replace_preview`] does; the trace and span selected are those before it, even if
    /// the user moved (what they moved to is gone).
    pub(crate) fn drop_preview(&mut self, job: Option<JobId>) {
        if let Some(shown) = self.take_preview(job) {
            self.route.trace = shown.before.trace;
            self.route.span = shown.before.span;
        }
    }

    /// Ends the preview on show (`job`'s, or any for `None`): the workspace empty again, the
    /// route as before it unless the user moved.
    fn take_preview(&mut self, job: Option<JobId>) -> Option<Shown> {
        let shown = self.preview.take_if(|p| job.is_none_or(|j| j == p.job))?;
        *self.data_mut() = Dataset::new();
        if self.route == *shown.after {
            self.route = (*shown.before).clone();
        }
        self.bump();
        Some(shown)
    }

    /// The bytes of the loading file that the preview on show holds, if one is.
    pub fn preview_covers(&self) -> Option<u64> {
        self.preview.as_ref().map(|p| p.covered)
    }

    /// Whether the final import of `job` must decode into a fresh dataset (its preview is on
    /// show and stays until the file is merged).
    pub(crate) fn previewing(&self, job: JobId) -> bool {
        self.preview.as_ref().is_some_and(|p| p.job == job)
    }
}

#[cfg(test)]
mod tests;
