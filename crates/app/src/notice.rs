//! Notices: what the app tells the user about loads and requests (a file loaded, a request
//! failed). Each says what happened in one line, with details below.

use strand_formats::{Format, LoadSummary};
use strand_model::format::{counted, plural};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NoticeKind {
    Loaded,
    Error,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Notice {
    pub id: u64,
    pub kind: NoticeKind,
    pub text: String,
    pub details: Vec<String>,
}

/// The notices shown, in order, with ids that never repeat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notices {
    pub list: Vec<Notice>,
    next_id: u64,
}

impl Notices {
    pub fn push(&mut self, kind: NoticeKind, text: String, details: Vec<String>) {
        self.next_id += 1;
        self.list.push(Notice { id: self.next_id, kind, text, details });
    }

    pub fn error(&mut self, text: String, details: Vec<String>) {
        self.push(NoticeKind::Error, text, details);
    }

    pub fn dismiss(&mut self, id: u64) {
        self.list.retain(|n| n.id != id);
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }
}

/// Said under every failed load: nothing is lost.
pub const NOTHING_LOST: &str = "Nothing from this file was loaded; what was loaded before is still here.";

/// `file: OTLP JSON — 43 spans in 1 new trace, 2 merged into loaded traces, 8 dependency links`.
pub fn loaded_text(file: &str, format: Format, summary: &LoadSummary) -> String {
    if summary.spans_added == 0 && summary.dependencies_added > 0 {
        return format!("{file}: {}", counted(summary.dependencies_added as u64, "dependency link"));
    }
    if summary.spans_added == 0 && (summary.logs_added > 0 || format.is_logs()) {
        return format!("{file}: {} — {}", format.label(), counted(summary.logs_added as u64, "log line"));
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
    text
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
