//! What the export menu offers: which traces an export covers (the open trace, or everything
//! loaded), what the file will hold, its name, what the format leaves out, and the first part
//! of its text for a preview. Depends on `model` and the other `export` modules.

use super::{file_name, write, ExportFormat, ExportOptions, Preview};
use strand_model::format::counted;
use strand_model::{Dataset, Interner, Trace};

/// Which traces an export covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportScope {
    /// One loaded trace (its index), with its log lines.
    Trace(usize),
    /// Every loaded trace, and (for OTLP logs) the lines that match no loaded trace.
    All,
}

/// The traces `scope` covers: with [`ExportScope::All`], the unmatched log lines' groups too
/// (the writers skip traces without spans, except OTLP logs, which writes their lines).
pub fn scope_traces(data: &Dataset, scope: ExportScope) -> Vec<&Trace> {
    match scope {
        ExportScope::Trace(i) => data.traces.get(i).into_iter().collect(),
        ExportScope::All => data.traces.iter().chain(&data.unmatched_logs).collect(),
    }
}

/// What the file will hold: `1 trace, 43 spans` or `26 log lines`; `None` when it would be empty.
pub fn contents(format: ExportFormat, traces: &[&Trace]) -> Option<String> {
    if format == ExportFormat::OtlpLogs {
        let lines: usize = traces.iter().map(|t| t.logs.len()).sum();
        return (lines > 0).then(|| counted(lines as u64, "log line"));
    }
    let with_spans: Vec<&&Trace> = traces.iter().filter(|t| !t.spans.is_empty()).collect();
    let spans: usize = with_spans.iter().map(|t| t.spans.len()).sum();
    if spans == 0 {
        return None;
    }
    let mut text = format!("{}, {}", counted(with_spans.len() as u64, "trace"), counted(spans as u64, "span"));
    if format == ExportFormat::Chrome {
        let lines: usize = with_spans.iter().map(|t| t.logs.len()).sum();
        if lines > 0 {
            text.push_str(&format!(", {}", counted(lines as u64, "log line")));
        }
    }
    Some(text)
}

/// The download's name: `trace-<id>.zipkin.json` for one trace, `traces-<n>.…` for several,
/// `unmatched-logs.otlp-logs.json` when only unmatched lines are exported.
pub fn scope_file_name(format: ExportFormat, strings: &Interner, traces: &[&Trace]) -> String {
    let with_spans: Vec<&Trace> = traces.iter().copied().filter(|t| !t.spans.is_empty()).collect();
    if with_spans.is_empty() {
        return format!("unmatched-logs.{}", format.extension());
    }
    file_name(format, strings, &with_spans)
}

impl ExportFormat {
    /// What the format leaves out, in one sentence (README's table has the whole list).
    pub fn note(self) -> &'static str {
        match self {
            ExportFormat::Otlp => {
                "Spans, resources, scopes, events and links as read; log lines go to OTLP logs. Loads back into Strand."
            }
            ExportFormat::OtlpLogs => {
                "The log lines only (times, levels, bodies, fields, resources, ids). Loads back into Strand."
            }
            ExportFormat::Zipkin => {
                "Times to the microsecond, every attribute as a text tag, no links, scopes or log lines. Loads back into Strand and Zipkin."
            }
            ExportFormat::Jaeger => {
                "Times to the microsecond, arrays and maps as text, links as references, no log lines. Loads back into Strand and Jaeger UI."
            }
            ExportFormat::Chrome => {
                "For looking at in Perfetto UI (ui.perfetto.dev) or chrome://tracing: one process per service, spans as slices, events and log lines as instants. Strand does not read it back."
            }
        }
    }
}

/// The first `limit_bytes` of the export (pretty or compact as `options` says), cut at a line
/// end when it is longer, for showing on the page.
pub fn text_preview(
    format: ExportFormat,
    strings: &Interner,
    traces: &[&Trace],
    options: &ExportOptions,
    limit_bytes: usize,
) -> Preview {
    let mut text = String::new();
    let complete = write(format, strings, traces, options, 16 * 1024, &mut |chunk| {
        text.push_str(&chunk);
        text.len() <= limit_bytes
    });
    if complete && text.len() <= limit_bytes {
        return Preview { text, truncated: false };
    }
    let mut cut = limit_bytes.min(text.len());
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text.get(..cut).and_then(|t| t.rfind('\n')).map_or(cut, |nl| nl + 1);
    text.truncate(cut);
    Preview { text, truncated: true }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::mask::Mask;
    use crate::export::JsonStyle;
    use crate::logs::tests::data;

    #[test]
    fn scopes_cover_a_trace_or_everything_with_the_unmatched_lines() {
        let data = data();
        let one = scope_traces(&data, ExportScope::Trace(0));
        let all = scope_traces(&data, ExportScope::All);
        assert_eq!((one.len(), all.len()), (1, 3), "one trace; the trace and two unmatched groups");
        assert!(scope_traces(&data, ExportScope::Trace(5)).is_empty());
        assert_eq!(contents(ExportFormat::Zipkin, &one).as_deref(), Some("1 trace, 2 spans"));
        assert_eq!(contents(ExportFormat::Chrome, &all).as_deref(), Some("1 trace, 2 spans, 4 log lines"));
        assert_eq!(contents(ExportFormat::OtlpLogs, &one).as_deref(), Some("4 log lines"));
        assert_eq!(contents(ExportFormat::OtlpLogs, &all).as_deref(), Some("6 log lines"));
        let unmatched: Vec<&Trace> = data.unmatched_logs.iter().collect();
        assert_eq!(contents(ExportFormat::Jaeger, &unmatched), None);
        assert_eq!(
            scope_file_name(ExportFormat::Zipkin, &data.strings, &one),
            "trace-5b8efff798038103d269b633813fc60c.zipkin.json"
        );
        assert_eq!(
            scope_file_name(ExportFormat::Jaeger, &data.strings, &all),
            "trace-5b8efff798038103d269b633813fc60c.jaeger.json"
        );
        assert_eq!(scope_file_name(ExportFormat::OtlpLogs, &data.strings, &unmatched), "unmatched-logs.otlp-logs.json");
    }

    #[test]
    fn the_preview_is_the_start_of_the_masked_export() {
        let data = data();
        let traces = scope_traces(&data, ExportScope::Trace(0));
        let options = ExportOptions { style: JsonStyle::Pretty, mask: Mask::parse("user").unwrap() };
        let whole = crate::export::export(ExportFormat::OtlpLogs, &data.strings, &traces, &options);
        let full = text_preview(ExportFormat::OtlpLogs, &data.strings, &traces, &options, 1 << 20);
        assert_eq!((full.text.as_str(), full.truncated), (whole.as_str(), false));
        assert!(whole.contains("\"***\"") && !whole.contains("\"ann\""), "the user is masked");
        let short = text_preview(ExportFormat::OtlpLogs, &data.strings, &traces, &options, 100);
        assert!(short.truncated && short.text.len() <= 100 && short.text.ends_with('\n'));
        assert!(whole.starts_with(&short.text));
    }
}
