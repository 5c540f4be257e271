//! Exports: the current trace (or every loaded trace) written for other tools, with sensitive
//! values masked on the way out. Depends on `model`, `analysis` (asynchronous children, for the
//! Chrome lanes) and the other `view` modules.
//!
//! | format | module | what it is |
//! |---|---|---|
//! | OTLP JSON | `otlp` | `TracesData`, as the JSON tab shows it |
//! | OTLP logs JSON | `otlp_logs` | `LogsData` with the log lines (of the traces, and unmatched ones) |
//! | Zipkin v2 JSON | `zipkin` | a list of spans |
//! | Jaeger JSON | `jaeger` | the query API's `{"data":[trace…]}` |
//! | Chrome trace event JSON | `chrome` | for Perfetto UI and `chrome://tracing` |
//! | CSV, Prometheus text | `stats` | the analytics numbers and span metrics |
//!
//! Every writer streams chunks of text to a callback (which may stop it), writes the file's own
//! times (clock-skew shifts taken out again), and passes every attribute value through the mask
//! ([`mask`]): a value a rule changes is written as its masked text.

pub mod chrome;
pub mod jaeger;
mod json;
pub mod mask;
pub mod mask_preview;
pub mod otlp;
pub mod otlp_logs;
pub mod scope;
pub mod stats;
pub mod zipkin;

pub use mask_preview::{mask_preview, MaskPreview, MaskSample, Parts, RuleHits};
pub use otlp::{
    download_name, download_style, otlp_json, preview, write_otlp_json, JsonStyle, Preview, PRETTY_DOWNLOAD_MAX_SPANS,
};
pub use scope::{contents, scope_file_name, scope_traces, text_preview, ExportScope};

use mask::{Mask, Masked, MASKED};
use strand_model::dump::value_text;
use strand_model::{Interner, Trace, Value};

/// The formats Strand writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Otlp,
    OtlpLogs,
    Zipkin,
    Jaeger,
    Chrome,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 5] =
        [ExportFormat::Otlp, ExportFormat::OtlpLogs, ExportFormat::Zipkin, ExportFormat::Jaeger, ExportFormat::Chrome];

    /// The name on the command line (`--to`) and in the UI.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Otlp => "otlp",
            ExportFormat::OtlpLogs => "otlp-logs",
            ExportFormat::Zipkin => "zipkin",
            ExportFormat::Jaeger => "jaeger",
            ExportFormat::Chrome => "chrome",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Otlp => "OTLP JSON",
            ExportFormat::OtlpLogs => "OTLP logs JSON",
            ExportFormat::Zipkin => "Zipkin v2 JSON",
            ExportFormat::Jaeger => "Jaeger JSON",
            ExportFormat::Chrome => "Chrome trace events (Perfetto)",
        }
    }

    pub fn parse(name: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The end of the file name: `otlp.json`, `zipkin.json`, …
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Otlp => "otlp.json",
            ExportFormat::OtlpLogs => "otlp-logs.json",
            ExportFormat::Zipkin => "zipkin.json",
            ExportFormat::Jaeger => "jaeger.json",
            ExportFormat::Chrome => "chrome-trace.json",
        }
    }
}

/// How an export is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    pub style: JsonStyle,
    pub mask: Mask,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { style: JsonStyle::Compact, mask: Mask::none() }
    }
}

/// Writes `traces` in `format`, handing out chunks of at least `chunk_bytes` to `emit`; `false`
/// if `emit` stopped it. Traces without spans (unmatched log lines) only count for OTLP logs.
pub fn write(
    format: ExportFormat,
    strings: &Interner,
    traces: &[&Trace],
    options: &ExportOptions,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let ctx = Ctx { strings, mask: &options.mask };
    match format {
        ExportFormat::Otlp => otlp::write_traces(&ctx, traces, options.style, chunk_bytes, emit),
        ExportFormat::OtlpLogs => otlp_logs::write(&ctx, traces, options.style, chunk_bytes, emit),
        ExportFormat::Zipkin => zipkin::write(&ctx, traces, options.style, chunk_bytes, emit),
        ExportFormat::Jaeger => jaeger::write(&ctx, traces, options.style, chunk_bytes, emit),
        ExportFormat::Chrome => chrome::write(&ctx, traces, options.style, chunk_bytes, emit),
    }
}

/// The whole export as one string.
pub fn export(format: ExportFormat, strings: &Interner, traces: &[&Trace], options: &ExportOptions) -> String {
    let mut out = String::new();
    write(format, strings, traces, options, 1 << 20, &mut |chunk| {
        out.push_str(&chunk);
        true
    });
    out
}

/// `trace-<id>.<extension>` for one trace, `traces-<n>.<extension>` for several.
pub fn file_name(format: ExportFormat, strings: &Interner, traces: &[&Trace]) -> String {
    match traces {
        [trace] => {
            let otlp = download_name(strings, trace);
            let stem = otlp.strip_suffix(".otlp.json").unwrap_or(&otlp);
            format!("{stem}.{}", format.extension())
        }
        _ => format!("traces-{}.{}", traces.len(), format.extension()),
    }
}

/// For each attribute, whether it is the last with its key (what formats whose attributes are
/// a map keep).
pub(crate) fn last_of_each(attrs: &[strand_model::KeyValue]) -> Vec<bool> {
    let mut seen = hashbrown::HashSet::with_capacity(attrs.len());
    let mut keep: Vec<bool> = attrs.iter().rev().map(|kv| seen.insert(kv.key)).collect();
    keep.reverse();
    keep
}

/// What every writer needs: the dataset's strings and the mask.
pub(crate) struct Ctx<'a> {
    pub strings: &'a Interner,
    pub mask: &'a Mask,
}

/// Nested values deeper than this are not looked into by the mask (importers cap nesting well
/// below it).
const MAX_MASK_DEPTH: usize = 32;

impl Ctx<'_> {
    /// The value of attribute `key` as the mask leaves it, or `None` when no rule changes it:
    /// strings through every rule that covers the key; other scalars through whole-value rules;
    /// arrays and maps whole, or entry by entry (a map entry `k` is the key `key.k`), written as
    /// text when an entry changed.
    pub(crate) fn masked(&self, trace: &Trace, key: &str, value: Value) -> Option<Masked> {
        if self.mask.is_empty() {
            return None;
        }
        self.masked_at(trace, key, value, 0)
    }

    fn masked_at(&self, trace: &Trace, key: &str, value: Value, depth: usize) -> Option<Masked> {
        if let Some(rule) = self.mask.whole(key) {
            return Some(Masked { text: MASKED.to_string(), rules: vec![rule] });
        }
        match value {
            Value::Str(id) => self.mask.apply(key, self.strings.get(id)),
            Value::Array(_) | Value::Map(_) if depth < MAX_MASK_DEPTH => {
                self.masked_composite(trace, key, value, depth)
            }
            _ => None,
        }
    }

    /// An array or map with masked entries, as text (`[…]`, `{k=…}`); `None` when none changed.
    fn masked_composite(&self, trace: &Trace, key: &str, value: Value, depth: usize) -> Option<Masked> {
        let mut rules: Vec<usize> = Vec::new();
        let mut parts: Vec<String> = Vec::new();
        let mut entry = |text: Option<String>, masked: Option<Masked>, plain: Value| {
            let shown = match masked {
                Some(m) => {
                    rules.extend(m.rules);
                    m.text
                }
                None => value_text(self.strings, trace, plain),
            };
            parts.push(match text {
                Some(k) => format!("{k}={shown}"),
                None => shown,
            });
        };
        let text = match value {
            Value::Array(r) => {
                for &v in trace.values_of(r) {
                    entry(None, self.masked_at(trace, key, v, depth + 1), v);
                }
                format!("[{}]", parts.join(", "))
            }
            Value::Map(r) => {
                for kv in trace.attrs_of(r) {
                    let sub = self.strings.get(kv.key);
                    let path = format!("{key}.{sub}");
                    entry(Some(sub.to_string()), self.masked_at(trace, &path, kv.value, depth + 1), kv.value);
                }
                format!("{{{}}}", parts.join(", "))
            }
            _ => return None,
        };
        strand_model::order::sort(&mut rules);
        rules.dedup();
        (!rules.is_empty()).then_some(Masked { text, rules })
    }
}

#[cfg(test)]
mod tests;
