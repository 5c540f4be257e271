//! Notices: what the app tells the user about loads and requests (a file loaded, a request
//! failed). Each says what happened in one line, with details below.

use strand_formats::{Format, LoadSummary};
use strand_model::format::{counted, plural};
use strand_view::route::Page;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NoticeKind {
    Loaded,
    Error,
    /// About the workspace itself (restored, cleared, kept): shown on every page.
    Workspace,
}

/// A button a notice offers besides dismissing it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NoticeAction {
    /// Bring back what Clear all removed.
    UndoClear,
    /// Delete the copy of the workspace kept in this browser.
    ForgetKept,
}

impl NoticeAction {
    pub fn label(self) -> &'static str {
        match self {
            NoticeAction::UndoClear => "Undo",
            NoticeAction::ForgetKept => "Forget",
        }
    }
}

#[derive(Clone, PartialEq, Debug)]
pub struct Notice {
    pub id: u64,
    pub kind: NoticeKind,
    pub text: String,
    pub details: Vec<String>,
    /// Notices of one batch of loads (files dropped together, one after the other without a
    /// pause) share it, and fold into one summary when there are many.
    pub batch: u64,
    pub action: Option<NoticeAction>,
    /// A load report made while the user was on another page than the trace list (dependency
    /// links fetched from the map) is shown there too.
    pub page: Option<Page>,
}

/// The notices shown, in order, with ids that never repeat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notices {
    pub list: Vec<Notice>,
    next_id: u64,
    batch: u64,
}

/// A batch with at least this many notices shows as one summary line (with the notices inside).
pub const FOLD_AT: usize = 5;

/// What the notice area shows: single notices, and summaries of big batches.
#[derive(Clone, PartialEq, Debug)]
pub enum NoticeGroup {
    One(Notice),
    /// `33 files: 31 loaded, 2 failed`, with the batch's notices to show on request.
    Summary {
        batch: u64,
        text: String,
        errors: usize,
        notices: Vec<Notice>,
    },
}

impl Notices {
    pub fn push(&mut self, kind: NoticeKind, text: String, details: Vec<String>) -> u64 {
        self.next_id += 1;
        let (id, batch) = (self.next_id, self.batch);
        self.list.push(Notice { id, kind, text, details, batch, action: None, page: None });
        id
    }

    /// A load report, shown on the trace list and on `page`, where the user was when it came.
    pub fn loaded(&mut self, text: String, details: Vec<String>, page: Page) -> u64 {
        let id = self.push(NoticeKind::Loaded, text, details);
        if let Some(n) = self.list.last_mut() {
            n.page = (page != Page::Traces).then_some(page);
        }
        id
    }

    pub fn error(&mut self, text: String, details: Vec<String>) {
        self.push(NoticeKind::Error, text, details);
    }

    /// A notice about the workspace, in a batch of its own, with an optional button.
    pub fn workspace(&mut self, text: String, details: Vec<String>, action: Option<NoticeAction>) -> u64 {
        self.begin_batch();
        let id = self.push(NoticeKind::Workspace, text, details);
        if let Some(n) = self.list.last_mut() {
            n.action = action;
        }
        self.begin_batch();
        id
    }

    /// Notices pushed from now on belong to a new batch.
    pub fn begin_batch(&mut self) {
        self.batch += 1;
    }

    pub fn dismiss(&mut self, id: u64) {
        self.list.retain(|n| n.id != id);
    }

    /// Dismisses every notice of `batch`.
    pub fn dismiss_batch(&mut self, batch: u64) {
        self.list.retain(|n| n.batch != batch);
    }

    /// Removes the notices offering `action` (it no longer applies).
    pub fn withdraw(&mut self, action: NoticeAction) {
        self.list.retain(|n| n.action != Some(action));
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// What to show on `page`: everything on the trace list's page, elsewhere only what is still
    /// worth reading there — errors, notices about the workspace, and load reports made on that
    /// page; other load reports stay with the list they describe. Batches of [`FOLD_AT`] or more
    /// notices fold into a summary.
    pub fn shown(&self, page: Page) -> Vec<NoticeGroup> {
        let mut groups: Vec<NoticeGroup> = Vec::new();
        let visible =
            self.list.iter().filter(|n| page == Page::Traces || n.kind != NoticeKind::Loaded || n.page == Some(page));
        let mut batch: Vec<&Notice> = Vec::new();
        for notice in visible {
            if batch.last().is_some_and(|last| last.batch != notice.batch) {
                flush(&mut groups, std::mem::take(&mut batch));
            }
            batch.push(notice);
        }
        flush(&mut groups, batch);
        groups
    }
}

fn flush(groups: &mut Vec<NoticeGroup>, batch: Vec<&Notice>) {
    if batch.len() < FOLD_AT {
        groups.extend(batch.into_iter().map(|n| NoticeGroup::One(n.clone())));
        return;
    }
    let errors = batch.iter().filter(|n| n.kind == NoticeKind::Error).count();
    let loaded = batch.iter().filter(|n| n.kind == NoticeKind::Loaded).count();
    let mut parts = Vec::new();
    if loaded > 0 {
        parts.push(format!("{loaded} loaded"));
    }
    if errors > 0 {
        parts.push(format!("{errors} failed"));
    }
    let text = format!("{}: {}", counted(batch.len() as u64, "file"), parts.join(", "));
    let id = batch.first().map_or(0, |n| n.batch);
    groups.push(NoticeGroup::Summary { batch: id, text, errors, notices: batch.into_iter().cloned().collect() });
}

/// Said under every failed load: nothing is lost.
pub const NOTHING_LOST: &str = "Nothing from this file was loaded; what was loaded before is still here.";

/// `file: OTLP JSON — 43 spans in 1 new trace, 2 merged into loaded traces, 8 dependency links`.
pub fn loaded_text(file: &str, format: Format, summary: &LoadSummary) -> String {
    if summary.spans_added == 0 && summary.dependencies_added > 0 {
        return format!("{file}: {}", counted(summary.dependencies_added as u64, "dependency link"));
    }
    let nothing_new = summary.spans_added == 0
        && summary.logs_added == 0
        && summary.traces_added == 0
        && summary.spans_repeated + summary.logs_repeated > 0;
    if nothing_new {
        return format!("{file}: {} — nothing new{}", format.label(), repeated(summary));
    }
    if summary.spans_added == 0 && (summary.logs_added > 0 || format.is_logs()) {
        let added = counted(summary.logs_added as u64, "log line");
        return format!("{file}: {} — {added}{}", format.label(), repeated(summary));
    }
    let mut text = format!(
        "{file}: {} — {} in {} new {}",
        format.label(),
        counted(summary.spans_added as u64, "span"),
        summary.traces_added,
        plural(summary.traces_added as u64, "trace"),
    );
    if summary.traces_merged > 0 {
        text.push_str(&format!(", {} merged into loaded traces", summary.traces_merged));
    }
    if summary.dependencies_added > 0 {
        text.push_str(&format!(", {}", counted(summary.dependencies_added as u64, "dependency link")));
    }
    if summary.logs_added > 0 {
        text.push_str(&format!(", {}", counted(summary.logs_added as u64, "log line")));
    }
    text.push_str(&repeated(summary));
    text
}

/// `; 40 spans and 51 log lines already loaded (not added again)`, or nothing.
fn repeated(summary: &LoadSummary) -> String {
    summary.repeated_text().map(|text| format!("; {text}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_batches_fold_into_a_summary_and_load_reports_stay_on_the_list_page() {
        let mut notices = Notices::default();
        notices.begin_batch();
        notices.push(NoticeKind::Loaded, "a.json: loaded".into(), vec![]);
        notices.error("b.json: broken".into(), vec![]);
        notices.begin_batch();
        for i in 0..31 {
            notices.push(NoticeKind::Loaded, format!("f{i}.json: loaded"), vec![]);
        }
        notices.error("g.json: broken".into(), vec![]);
        notices.error("h.json: broken".into(), vec![]);
        let undo = notices.workspace("Cleared".into(), vec![], Some(NoticeAction::UndoClear));
        let describe = |groups: Vec<NoticeGroup>| -> Vec<String> {
            groups
                .into_iter()
                .map(|g| match g {
                    NoticeGroup::One(n) => format!("{:?}: {}", n.kind, n.text),
                    NoticeGroup::Summary { text, errors, notices, .. } => {
                        format!("summary: {text} ({errors} errors, {} inside)", notices.len())
                    }
                })
                .collect()
        };
        assert_eq!(
            describe(notices.shown(Page::Traces)),
            [
                "Loaded: a.json: loaded",
                "Error: b.json: broken",
                "summary: 33 files: 31 loaded, 2 failed (2 errors, 33 inside)",
                "Workspace: Cleared"
            ]
        );
        assert_eq!(
            describe(notices.shown(Page::Map)),
            ["Error: b.json: broken", "Error: g.json: broken", "Error: h.json: broken", "Workspace: Cleared"]
        );
        let batch = notices.list.get(5).map(|n| n.batch).unwrap();
        notices.dismiss_batch(batch);
        notices.withdraw(NoticeAction::UndoClear);
        assert!(notices.list.iter().all(|n| n.id != undo));
        assert_eq!(describe(notices.shown(Page::Traces)), ["Loaded: a.json: loaded", "Error: b.json: broken"]);
        // A report made on the map (dependency links fetched there) shows there and on the list.
        notices.loaded("deps: 3 dependency links".into(), vec![], Page::Map);
        assert_eq!(describe(notices.shown(Page::Map)), ["Error: b.json: broken", "Loaded: deps: 3 dependency links"]);
        assert_eq!(describe(notices.shown(Page::Analytics)), ["Error: b.json: broken"]);
        assert_eq!(describe(notices.shown(Page::Traces)).len(), 3);
    }

    #[test]
    fn load_summaries_read_as_sentences() {
        let summary = LoadSummary { traces_added: 1, spans_added: 1_204, traces_merged: 2, ..LoadSummary::default() };
        assert_eq!(
            loaded_text("a.json", Format::Otlp, &summary),
            "a.json: OTLP JSON — 1,204 spans in 1 new trace, 2 merged into loaded traces"
        );
        let links = LoadSummary { dependencies_added: 1, ..LoadSummary::default() };
        assert_eq!(loaded_text("d.json", Format::Dependencies, &links), "d.json: 1 dependency link");
        let logs = LoadSummary { logs_added: 51, ..LoadSummary::default() };
        assert_eq!(loaded_text("l.jsonl", Format::Ecs, &logs), "l.jsonl: ECS JSON logs — 51 log lines");
        let again = LoadSummary { logs_added: 2, logs_repeated: 49, ..LoadSummary::default() };
        assert_eq!(
            loaded_text("l.jsonl", Format::Ecs, &again),
            "l.jsonl: ECS JSON logs — 2 log lines; 49 log lines already loaded (not added again)"
        );
        let spans = LoadSummary { spans_repeated: 40, traces_merged: 1, ..LoadSummary::default() };
        assert_eq!(
            loaded_text("a.json", Format::Otlp, &spans),
            "a.json: OTLP JSON — nothing new; 40 spans already loaded (not added again)"
        );
        let some = LoadSummary { spans_added: 2, spans_repeated: 38, traces_merged: 1, ..LoadSummary::default() };
        assert_eq!(
            loaded_text("a.json", Format::Otlp, &some),
            "a.json: OTLP JSON — 2 spans in 0 new traces, 1 merged into loaded traces; 38 spans already loaded (not added again)"
        );
        let same = LoadSummary { logs_repeated: 1, ..LoadSummary::default() };
        assert_eq!(
            loaded_text("l.jsonl", Format::Ecs, &same),
            "l.jsonl: ECS JSON logs — nothing new; 1 log line already loaded (not added again)"
        );
    }
}
