//! Wire formats in, model out. One module per format (`jaeger`, `zipkin`, `otlp`,
//! `dependencies`; the log formats `otlp_logs`, `ecs`, `json_logs`, `loki` on the shared
//! `logs`), each decoding bytes with private serde DTOs (never a whole-document
//! `serde_json::Value`), plus detection, assembly (tree and repairs) and merging into a dataset.
//!
//! Import is best-effort: a usable document always yields a model, with warnings for what was
//! repaired; `Err` only for documents that cannot be used, with the file, line and column.
//! Depends on `model` only.

pub mod assemble;
pub mod builder;
pub mod demo;
pub mod dependencies;
pub mod detect;
pub mod ecs;
pub mod jaeger;
pub mod join;
pub mod json_logs;
pub(crate) mod json_scan;
pub mod logs;
pub mod loki;
pub mod mesh;
pub mod otlp;
pub mod otlp_logs;
pub mod preview;
pub mod split;
pub mod synth;
pub mod text_logs;
mod utf8;
pub mod zipkin;

pub use assemble::AssembleOptions;

#[cfg(test)]
mod test_support;
use strand_model::{Dataset, DependencyLink, Interner, Trace};

/// The formats Strand reads.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Format {
    /// Jaeger query API JSON: `{"data":[trace…]}`, a bare trace, an array of traces or of spans.
    Jaeger,
    /// Zipkin API v2 JSON: a list of spans or a list of lists of spans.
    Zipkin,
    /// Zipkin API v1 JSON: spans whose endpoints sit on `annotations` (cs/sr/ss/cr…) and
    /// `binaryAnnotations`; converted to v2 spans as Zipkin's own v1→v2 conversion does.
    ZipkinV1,
    /// OTLP JSON (`TracesData`), also inside Jaeger v3's `{"result":…}` and Tempo's `{"trace":…}`.
    Otlp,
    /// OTLP JSON lines: one `TracesData` per line (the Collector's file exporter).
    OtlpLines,
    /// Service dependency links `[{parent, child, callCount}]`, bare or in `{"data":…}`.
    Dependencies,
    /// OTLP logs JSON (`LogsData`), one document or JSON lines.
    OtlpLogs,
    /// Elastic Common Schema log documents (lines or an array) or an Elasticsearch `_search` answer.
    Ecs,
    /// Plain JSON log lines, Fluentd and Fluent Bit records.
    JsonLogs,
    /// A Grafana Loki query answer (`query_range`).
    Loki,
    /// Text log lines of pattern layouts (a date-time, a level, `trace_id=…` pairs).
    TextLogs,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Jaeger,
        Format::Zipkin,
        Format::ZipkinV1,
        Format::Otlp,
        Format::OtlpLines,
        Format::Dependencies,
        Format::OtlpLogs,
        Format::Ecs,
        Format::JsonLogs,
        Format::Loki,
        Format::TextLogs,
    ];

    /// Whether the format holds log lines rather than spans.
    pub fn is_logs(self) -> bool {
        matches!(self, Format::OtlpLogs | Format::Ecs | Format::JsonLogs | Format::Loki | Format::TextLogs)
    }

    /// The name used on the command line, in the UI and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
            Format::ZipkinV1 => "zipkin-v1",
            Format::Otlp => "otlp",
            Format::OtlpLines => "otlp-lines",
            Format::Dependencies => "dependencies",
            Format::OtlpLogs => "otlp-logs",
            Format::Ecs => "ecs",
            Format::JsonLogs => "json-logs",
            Format::Loki => "loki",
            Format::TextLogs => "text-logs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Jaeger => "Jaeger JSON",
            Format::Zipkin => "Zipkin v2 JSON",
            Format::ZipkinV1 => "Zipkin v1 JSON",
            Format::Otlp => "OTLP JSON",
            Format::OtlpLines => "OTLP JSON lines",
            Format::Dependencies => "dependency links",
            Format::OtlpLogs => "OTLP logs JSON",
            Format::Ecs => "ECS JSON logs",
            Format::JsonLogs => "JSON or logfmt log lines",
            Format::Loki => "a Loki query answer",
            Format::TextLogs => "text log lines",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Why a document could not be used at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: not valid JSON at line {line}, column {column}: {message}")]
    Syntax { file: String, line: usize, column: usize, message: String },
    #[error("{file}: the file ends early at line {line}, column {column}; it looks truncated (was the download or export cut off?)")]
    Truncated { file: String, line: usize, column: usize },
    #[error("{file}: not a trace or log format Strand knows. Tried Jaeger (needs traceID/spans or spanID), Zipkin v1 or v2 (a list of spans with traceId and id), OTLP (resourceSpans or batches), dependency links (parent/child), OTLP logs (resourceLogs), ECS logs (@timestamp), JSON or logfmt log lines (a message, a trace id, or a time and a level), text log lines (a date-time and a level) and Loki answers (data.result); found {found}")]
    UnknownFormat { file: String, found: String },
    #[error("{file}: read as {format}, but at line {line}, column {column}: {message}")]
    Shape { file: String, format: &'static str, line: usize, column: usize, message: String },
}

impl ImportError {
    /// The same error `lines` lines further down (it was found in a later part of the file,
    /// whose lines were counted from the part's start).
    pub fn moved_down(self, lines: usize) -> ImportError {
        match self {
            ImportError::Syntax { file, line, column, message } => {
                ImportError::Syntax { file, line: line.saturating_add(lines), column, message }
            }
            ImportError::Truncated { file, line, column } => {
                ImportError::Truncated { file, line: line.saturating_add(lines), column }
            }
            ImportError::Shape { file, format, line, column, message } => {
                ImportError::Shape { file, format, line: line.saturating_add(lines), column, message }
            }
            other => other,
        }
    }

    /// Builds the right error from a serde_json error in `file`, for `format`.
    /// `line_offset` is added to the line (JSON lines decode one line at a time).
    pub fn from_json(file: &str, format: Format, err: &serde_json::Error, line_offset: usize) -> ImportError {
        let line = err.line() + line_offset;
        let column = err.column();
        let file = file.to_string();
        match err.classify() {
            serde_json::error::Category::Eof => ImportError::Truncated { file, line, column },
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                ImportError::Syntax { file, line, column, message: explain(strip_position(&err.to_string())) }
            }
            serde_json::error::Category::Data => ImportError::Shape {
                file,
                format: format.label(),
                line,
                column,
                message: strip_position(&err.to_string()),
            },
        }
    }
}

/// Says what two of serde_json's terse syntax errors mean for a trace file.
fn explain(message: String) -> String {
    match message.as_str() {
        "invalid unicode code point" => {
            "the text is not valid UTF-8 here (Strand reads UTF-8 files; convert the file, e.g. with iconv)".to_string()
        }
        "recursion limit exceeded" => {
            "recursion limit exceeded: values are nested more than 128 levels deep".to_string()
        }
        _ => message,
    }
}

/// serde_json appends " at line L column C"; the error says it once, in its own words.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(pos) => message.get(..pos).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

/// What one document contained, before it is merged into a dataset.
#[derive(Debug, Default)]
pub struct Imported {
    pub traces: Vec<Trace>,
    pub dependencies: Vec<DependencyLink>,
    /// Problems with the file as a whole that did not stop it loading (e.g. a skipped line).
    pub notes: Vec<String>,
}

/// Detects the format of `bytes` (unless `format` is given) and decodes it.
/// Strings are interned into `strings`, which must be the dataset's interner.
pub fn import(
    bytes: &[u8],
    file: &str,
    format: Option<Format>,
    strings: &mut Interner,
) -> Result<(Format, Imported), ImportError> {
    let bytes = detect::strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: file.to_string() });
    }
    let format = match format {
        Some(f) => f,
        None => match detect::detect(bytes) {
            detect::Detected::Found(f) => f,
            detect::Detected::Unknown(shape) => return Err(unknown_format(file, bytes, shape)),
        },
    };
    let (format, mut imported) = utf8::replacing_bad_text(
        bytes,
        |bytes| import_with_importer(bytes, file, format, strings),
        |(_, imported)| &mut imported.notes,
    )?;
    if let Some(note) = mesh::name_proxy_spans(&mut imported.traces, strings) {
        imported.notes.push(note);
    }
    Ok((format, imported))
}

/// The format's importer alone (no proxy naming).
fn import_with_importer(
    bytes: &[u8],
    file: &str,
    format: Format,
    strings: &mut Interner,
) -> Result<(Format, Imported), ImportError> {
    let source = strings.intern(file);
    Ok(match format {
        Format::Jaeger => (format, jaeger::import(bytes, file, source, strings)?),
        // One importer for both versions: it reads each span as what it is and says which it found.
        Format::Zipkin | Format::ZipkinV1 => zipkin::import(bytes, file, format, source, strings)?,
        Format::Otlp => (format, otlp::import(bytes, file, source, strings)?),
        Format::OtlpLines => (format, otlp::import_lines(bytes, file, source, strings)?),
        Format::Dependencies => (format, dependencies::import(bytes, file, strings)?),
        Format::OtlpLogs => (format, otlp_logs::import(bytes, file, source, strings)?),
        Format::Ecs => (format, ecs::import(bytes, file, source, strings)?),
        Format::JsonLogs => (format, json_logs::import(bytes, file, source, strings)?),
        Format::Loki => (format, loki::import(bytes, file, source, strings)?),
        Format::TextLogs => (format, text_logs::import(bytes, file, source, strings)?),
    })
}

/// Imports one part of a split document ([`split`]): the importer records what the join needs
/// ([`join::JoinFacts`]) and leaves what needs the whole document (proxy naming, notes with
/// counts) to [`join::Joiner`]. The traces come unassembled. A format that does not split is
/// imported whole, as its only part.
pub fn import_part(
    bytes: &[u8],
    file: &str,
    strings: &mut Interner,
    spec: &split::PartSpec,
) -> Result<(Format, Imported, join::JoinFacts), ImportError> {
    let bytes = detect::strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: file.to_string() });
    }
    let source = strings.intern(file);
    let (imported, facts) = utf8::replacing_bad_text(
        bytes,
        |bytes| match spec.format {
            Format::Jaeger => jaeger::import_part(bytes, file, source, strings, spec),
            Format::Otlp | Format::OtlpLines => otlp::import_part(bytes, file, source, strings, spec),
            other => Ok((import_with_importer(bytes, file, other, strings)?.1, join::JoinFacts::default())),
        },
        |(imported, _)| &mut imported.notes,
    )?;
    Ok((spec.format, imported, facts))
}

fn unknown_format(file: &str, bytes: &[u8], shape: detect::Shape) -> ImportError {
    if shape.top == "not JSON" {
        // Say what the file starts with: serde's "expected ident" helps nobody here.
        let text = String::from_utf8_lossy(bytes.get(..bytes.len().min(200)).unwrap_or(bytes)).into_owned();
        let first_line = text.trim_start().lines().next().unwrap_or("");
        let preview: String = first_line.chars().take(40).collect();
        let ellipsis = if first_line.chars().count() > 40 { "…" } else { "" };
        let (line, column) = first_content_position(bytes);
        return ImportError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: format!(
                "a trace file starts with '{{' or '[', this one starts with \"{preview}{ellipsis}\" (is it a JSON export?)"
            ),
        };
    }
    // A document that is not JSON (or ends early, or nests too deeply) is reported as such,
    // where it breaks: detection only saw its start.
    // (Read as a stream of values, so that JSON lines are not "trailing characters".)
    // (As text, bad UTF-8 replaced: it is not what is wrong here, and serde_json's byte reader
    // would be compiled in for this alone.)
    let text = String::from_utf8_lossy(bytes);
    let mut values = serde_json::Deserializer::from_str(&text).into_iter::<serde::de::IgnoredAny>();
    if let Some(Err(err)) = values.find(Result::is_err) {
        return ImportError::from_json(file, Format::Otlp, &err, 0);
    }
    let what = if shape.top == "JSON lines" { "JSON lines".to_string() } else { format!("a JSON {}", shape.top) };
    let found = if shape.keys.is_empty() {
        format!("{what} with no recognisable keys")
    } else {
        let mut keys: Vec<String> = shape.keys.iter().take(12).map(|k| format!("\"{k}\"")).collect();
        keys.dedup();
        format!("{what} with keys {}", keys.join(", "))
    };
    ImportError::UnknownFormat { file: file.to_string(), found }
}

/// Checks pasted text before it is loaded: JSON (or JSON lines) in a format Strand reads. `Err`
/// says what is wrong, where, in words for the paste dialog (which keeps the text to fix).
pub fn check_pasted(bytes: &[u8]) -> Result<(), String> {
    let bytes = detect::strip_bom(bytes);
    let detected = detect::detect(bytes);
    // Log lines that are not JSON (logfmt, text of a pattern layout, also one that starts with
    // a bracketed time) have no JSON to check.
    match detected {
        detect::Detected::Found(Format::TextLogs) => return Ok(()),
        detect::Detected::Found(_) if !detect::starts_like_json(bytes) => return Ok(()),
        _ => {}
    }
    // Pasted text comes from a JavaScript string: it is UTF-8.
    let text = String::from_utf8_lossy(bytes);
    let mut values = serde_json::Deserializer::from_str(&text).into_iter::<serde::de::IgnoredAny>();
    if let Some(Err(e)) = values.find(Result::is_err) {
        let (line, column) = (e.line(), e.column());
        return Err(match e.classify() {
            serde_json::error::Category::Eof => format!(
                "The text ends early at line {line}, column {column}: it looks cut off. Copy the whole document and paste it again."
            ),
            _ => format!("The text is not valid JSON at line {line}, column {column}: {}.", explain(strip_position(&e.to_string()))),
        });
    }
    match detected {
        detect::Detected::Found(_) => Ok(()),
        detect::Detected::Unknown(shape) => Err(unknown_format("the pasted text", bytes, shape).to_string()),
    }
}

/// What a load added, for the UI and CLI.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    pub notes: Vec<String>,
    pub traces_added: usize,
    pub traces_merged: usize,
    pub spans_added: usize,
    pub dependencies_added: usize,
    /// Log lines the import added (each is now at a span, in a trace only, or unmatched: see
    /// [`Dataset::log_counts`]).
    pub logs_added: usize,
    /// Log lines of the import that were loaded already (the same file loaded again), so not
    /// added a second time.
    pub logs_repeated: usize,
    /// Spans of the import dropped as identical copies of spans in the trace they merged into
    /// (loaded already, or repeated in the import), not counted in `spans_added`.
    pub spans_repeated: usize,
}

impl LoadSummary {
    /// `40 spans and 51 log lines already loaded (not added again)`, when the import repeated
    /// anything loaded before.
    pub fn repeated_text(&self) -> Option<String> {
        let parts: Vec<String> = [(self.spans_repeated, "span"), (self.logs_repeated, "log line")]
            .into_iter()
            .filter(|&(n, _)| n > 0)
            .map(|(n, noun)| strand_model::format::counted(n as u64, noun))
            .collect();
        (!parts.is_empty()).then(|| format!("{} already loaded (not added again)", parts.join(" and ")))
    }
}

/// Merges an import into the dataset: traces with a known id are appended to the loaded trace,
/// and every trace that changed is assembled again. Traces stay sorted by start time.
pub fn merge(data: &mut Dataset, imported: Imported, options: &AssembleOptions) -> LoadSummary {
    merge_with(data, imported, options, false)
}

/// Like [`merge`], for an import whose traces were already assembled with `options` (by
/// [`import_assembled`], e.g. in the import worker): only traces that merged into loaded ones,
/// or into each other, are assembled again.
pub fn merge_assembled(data: &mut Dataset, imported: Imported, options: &AssembleOptions) -> LoadSummary {
    merge_with(data, imported, options, true)
}

/// Imports one document and assembles each of its traces on its own, ready for
/// [`merge_assembled`]. Strings go into `strings`, which may be a fresh interner.
pub fn import_assembled(
    bytes: &[u8],
    file: &str,
    format: Option<Format>,
    strings: &mut Interner,
    options: &AssembleOptions,
) -> Result<(Format, Imported), ImportError> {
    let (format, mut imported) = import(bytes, file, format, strings)?;
    for trace in &mut imported.traces {
        assemble::assemble(trace, strings, options);
    }
    Ok((format, imported))
}

fn merge_with(data: &mut Dataset, imported: Imported, options: &AssembleOptions, assembled: bool) -> LoadSummary {
    let mut summary = LoadSummary {
        dependencies_added: imported.dependencies.len(),
        notes: imported.notes,
        ..LoadSummary::default()
    };
    data.dependencies.extend(imported.dependencies);
    let mut index: hashbrown::HashMap<strand_model::TraceId, usize> =
        data.traces.iter().enumerate().map(|(i, t)| (t.trace_id, i)).collect();
    let mut changed: Vec<usize> = Vec::new();
    // By loaded trace: whether this import's spans merged into it.
    let mut merged = vec![false; data.traces.len()];
    // Room for the import's groups of log lines at once: 100k of them grown by doubling held
    // two copies of the list (the page's memory never shrinks back).
    let log_only = imported.traces.iter().filter(|t| t.spans.is_empty() && !t.logs.is_empty()).count();
    let mut log_groups: Vec<Trace> = Vec::with_capacity(log_only);
    data.traces.reserve(imported.traces.len().saturating_sub(log_only));
    for trace in imported.traces {
        summary.logs_added += trace.logs.len();
        if trace.spans.is_empty() {
            // Log lines without spans (see `logs`): placed once the traces are in.
            if !trace.logs.is_empty() {
                log_groups.push(trace);
            }
            continue;
        }
        summary.spans_added += trace.spans.len();
        match index.get(&trace.trace_id).copied() {
            Some(i) => {
                if let Some(m) = merged.get_mut(i) {
                    *m = true;
                }
                if let Some(existing) = data.traces.get_mut(i) {
                    let mut trace = trace;
                    // A kept workspace's trace carries its log lines.
                    summary.logs_repeated += logs::drop_known(&data.strings, existing, &mut trace);
                    existing.append(trace);
                    summary.traces_merged += 1;
                    changed.push(i);
                }
            }
            None => {
                index.insert(trace.trace_id, data.traces.len());
                if !assembled {
                    changed.push(data.traces.len());
                }
                data.traces.push(trace);
                summary.traces_added += 1;
            }
        }
    }
    summary.logs_repeated += logs::attach(data, &index, log_groups, &mut changed);
    summary.logs_added -= summary.logs_repeated.min(summary.logs_added);
    changed.sort_unstable();
    changed.dedup();
    for i in changed {
        if let Some(trace) = data.traces.get_mut(i) {
            let before = trace.spans.len();
            assemble::assemble(trace, &data.strings, options);
            // Assembly drops identical copies of a span: in a trace this import merged into,
            // they are spans loaded already (the same file again).
            if merged.get(i).copied().unwrap_or(false) {
                summary.spans_repeated += before.saturating_sub(trace.spans.len());
            }
        }
    }
    summary.spans_added -= summary.spans_repeated.min(summary.spans_added);
    data.traces.sort_by_key(|t| (t.start_ns, t.trace_id));
    summary
}

/// Re-assembles every trace, e.g. after the clock-skew switch changed.
pub fn reassemble_all(data: &mut Dataset, options: &AssembleOptions) {
    for trace in &mut data.traces {
        assemble::assemble(trace, &data.strings, options);
    }
    data.traces.sort_by_key(|t| (t.start_ns, t.trace_id));
}

/// Imports one document and merges it: the one call the app and CLI make per file.
pub fn load(
    data: &mut Dataset,
    bytes: &[u8],
    file: &str,
    format: Option<Format>,
    options: &AssembleOptions,
) -> Result<(Format, LoadSummary), ImportError> {
    let (format, imported) = import(bytes, file, format, &mut data.strings)?;
    Ok((format, merge(data, imported, options)))
}

/// Line and column (1-based) of the first non-whitespace byte.
fn first_content_position(bytes: &[u8]) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    for &b in bytes {
        match b {
            b'\n' => {
                line += 1;
                column = 1;
            }
            b' ' | b'\t' | b'\r' => column += 1,
            _ => break,
        }
    }
    (line, column)
}
