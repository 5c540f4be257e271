//! A large file of log lines imported in parts, each by its own worker, and joined into exactly
//! what importing the whole file gives. Only files read a line at a time split (ECS documents and
//! JSON, Fluentd or logfmt lines, [`split_format`]); a part is a run of whole lines, cut after a
//! `\n` ([`line_start`]), so each part's lines read as they would in the whole file.
//!
//! What a part cannot know, it reports in [`LogFacts`] for [`join`]: its lines' errors with
//! line numbers counted from its own start (renumbered by the lines of the parts before), the
//! counts behind the file's notes (which the join writes once), and which of its lines came
//! before its first line with a time — the whole file gives them the time of the line before
//! the part, the part alone the time of its first timed line. The join appends the parts' log
//! groups in file order (a trace id met in two parts becomes one group, its resources and
//! loggers found by what the whole file keys them by) and puts touched groups in time order
//! again. Log lines are never dropped as repeats between parts: the repeat rule of a merge
//! (`logs::drop_known`) runs once, on the joined file.
//!
//! **Invariant:** for every line boundary of every log fixture, two parts imported apart, handed
//! over through `model::transfer` and joined give the dump of the whole file's import
//! (`tests/log_parts.rs`). Depends on `model`, `logs` and the ECS and JSON-lines importers.

use super::read::LinesRead;
use super::record::{LogSink, Repairs};
use crate::detect::{self, Detected};
use crate::join::{put, put_bytes, put_u32, Reader};
use crate::{assemble, AssembleOptions, Format, ImportError, Imported};
use hashbrown::HashMap;
use strand_model::{Interner, StrId, Trace, TraceId, Value};

/// The format of a file whose first bytes (`first`: the worker reads 256 KB) show lines the
/// importer reads one at a time and that may be split; `None` for anything else, and when they
/// hold no whole line (a first line cut short might read as another shape than it is).
pub fn split_format(first: &[u8]) -> Option<Format> {
    detect::find_newline(first)?;
    match detect::detect(first) {
        Detected::Found(Format::Ecs) if crate::ecs::reads_lines(first) => Some(Format::Ecs),
        Detected::Found(Format::JsonLogs) if crate::json_logs::reads_lines(first) => Some(Format::JsonLogs),
        _ => None,
    }
}

/// Where, in bytes read from a cut's nominal offset on, the part that starts there begins:
/// after the first `\n` (so the line the offset falls in belongs to the part before). `None`
/// when they hold no `\n`: the part before takes the rest of the file.
pub fn line_start(from_offset: &[u8]) -> Option<usize> {
    detect::find_newline(from_offset).map(|at| at + 1)
}

/// What a part reports for the join.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LogFacts {
    pub lines: LinesRead,
    pub repairs: Repairs,
    /// ECS: search hits with nothing to read.
    pub empty_hits: u64,
    /// The time of the part's first and last line with one (when `repairs.timed`).
    pub first_ns: i64,
    pub last_ns: i64,
    /// Per log group (trace position): how many of its first lines came before the part's first
    /// line with a time.
    pub waited: Vec<u32>,
}

/// Reads one part of a file [`split_format`] chose, a run of whole lines at a time (a worker
/// feeds each chunk's complete lines as it reads the next): the lines as the whole file's
/// importer reads them.
pub struct PartReader<'s> {
    sink: LogSink<'s>,
    file: String,
    format: Format,
    /// A byte order mark may still start the bytes (the part starts the file, nothing read yet).
    at_start: bool,
    lines: Option<LinesRead>,
    empty_hits: usize,
}

impl<'s> PartReader<'s> {
    /// A reader of a part of about `size_hint` bytes of `file`, read as `format`; `first`: the
    /// part starts the file.
    pub fn new(strings: &'s mut Interner, file: &str, format: Format, first: bool, size_hint: usize) -> PartReader<'s> {
        let source = strings.intern(file);
        let sink = LogSink::with_size_hint(source, strings, size_hint);
        PartReader { sink, file: file.to_string(), format, at_start: first, lines: None, empty_hits: 0 }
    }

    /// Reads `bytes`: whole lines, the next ones of the part (only the part's last line may
    /// lack its `\n`).
    pub fn feed(&mut self, bytes: &[u8]) {
        let bytes = if std::mem::take(&mut self.at_start) { detect::strip_bom(bytes) } else { bytes };
        let read = match self.format {
            Format::Ecs => {
                let (read, empty_hits) = crate::ecs::read_part(&mut self.sink, bytes, &self.file);
                self.empty_hits += empty_hits;
                read
            }
            _ => crate::json_logs::read_part(&mut self.sink, bytes, &self.file),
        };
        match self.lines.as_mut() {
            Some(lines) => lines.append(read),
            None => self.lines = Some(read),
        }
    }

    /// The part's log groups, not yet assembled ([`assemble_part`]), and its facts.
    pub fn finish(mut self) -> (Imported, LogFacts) {
        let (first_ns, last_ns, waited) = self.sink.times_read();
        let repairs = std::mem::take(&mut self.sink.repairs);
        let lines = self.lines.unwrap_or_default();
        let empty_hits = self.empty_hits as u64;
        let facts = LogFacts { lines, repairs, empty_hits, first_ns, last_ns, waited };
        (self.sink.finish(Vec::new()), facts)
    }
}

/// Assembles a part's groups as the worker assembles a file, but for groups whose first lines
/// waited for a time: they keep file order, for the join to give those lines their time first.
pub fn assemble_part(imported: &mut Imported, facts: &LogFacts, strings: &Interner, options: &AssembleOptions) {
    let waited = facts.waited.iter().copied().chain(std::iter::repeat(0));
    for (trace, waited) in imported.traces.iter_mut().zip(waited) {
        if waited == 0 {
            assemble::assemble(trace, strings, options);
        }
    }
}

/// Imports one part of a file [`split_format`] chose (`format`) at once ([`PartReader`], then
/// [`assemble_part`]). `first`: the part starts the file.
pub fn import_part(
    bytes: &[u8],
    file: &str,
    format: Format,
    first: bool,
    strings: &mut Interner,
    options: &AssembleOptions,
) -> (Imported, LogFacts) {
    let mut reader = PartReader::new(strings, file, format, first, bytes.len());
    reader.feed(bytes);
    let (mut imported, facts) = reader.finish();
    assemble_part(&mut imported, &facts, strings, options);
    (imported, facts)
}

/// Joins the parts of one file (in file order, each as [`import_part`] gave it, decoded into
/// `strings`) into what the whole file's import gives, assembled with `options`. The error is
/// the whole file's when no line of any part could be read.
pub fn join(
    format: Format,
    parts: Vec<(Imported, LogFacts)>,
    strings: &Interner,
    options: &AssembleOptions,
) -> Result<Imported, ImportError> {
    // Room for every group at once: a list of 100k traces grown by doubling held both copies.
    let groups: usize = parts.iter().map(|(imported, _)| imported.traces.len()).sum();
    let mut joined: Vec<Trace> = Vec::with_capacity(groups);
    let mut index: HashMap<TraceId, usize> = HashMap::with_capacity(groups);
    let mut touched: Vec<bool> = Vec::with_capacity(groups);
    let mut lines: Option<LinesRead> = None;
    let mut repairs = Repairs::default();
    let mut empty_hits = 0u64;
    // The time of the last line with one in the parts so far.
    let mut last: Option<i64> = None;
    for (imported, facts) in parts {
        let mut traces = imported.traces;
        // Per group of the part: whether lines of it waited for a time (the part left it out of
        // order, for the join to give them their time and then sort).
        let mut retimed = vec![false; traces.len()];
        for (flag, &waited) in retimed.iter_mut().zip(&facts.waited) {
            *flag = waited > 0;
        }
        if let Some(t) = last {
            // The lines before this part's first time follow a line with a time in the file.
            for (trace, &waited) in traces.iter_mut().zip(&facts.waited) {
                for line in trace.logs.iter_mut().take(waited as usize) {
                    line.time_ns = t;
                }
            }
        } else if facts.repairs.timed {
            // No line before this part had a time: all of them take its first line's.
            for (trace, flag) in joined.iter_mut().zip(touched.iter_mut()) {
                for line in &mut trace.logs {
                    line.time_ns = facts.first_ns;
                }
                *flag |= !trace.logs.is_empty();
            }
        }
        for (trace, retimed) in traces.into_iter().zip(retimed) {
            match index.get(&trace.trace_id) {
                Some(&at) => {
                    if let (Some(into), Some(flag)) = (joined.get_mut(at), touched.get_mut(at)) {
                        append_group(into, trace, strings);
                        *flag = true;
                    }
                }
                None => {
                    index.insert(trace.trace_id, joined.len());
                    joined.push(trace);
                    touched.push(retimed);
                }
            }
        }
        if facts.repairs.timed {
            last = Some(facts.last_ns);
        }
        repairs.add(&facts.repairs);
        empty_hits = empty_hits.saturating_add(facts.empty_hits);
        match lines.as_mut() {
            Some(lines) => lines.append(facts.lines),
            None => lines = Some(facts.lines),
        }
    }
    let mut notes = lines.unwrap_or_default().into_notes()?;
    match format {
        Format::Ecs => crate::ecs::end_notes(&repairs, usize::try_from(empty_hits).unwrap_or(usize::MAX), &mut notes),
        _ => crate::json_logs::end_notes(&repairs, 0, &mut notes),
    }
    for (trace, _) in joined.iter_mut().zip(&touched).filter(|(_, &t)| t) {
        assemble::assemble(trace, strings, options);
    }
    Ok(Imported { traces: joined, dependencies: Vec::new(), notes })
}

/// Appends a later part's group of the same trace id to `into`, with the resources and loggers
/// `into` already has found again, as the whole file's importer keys them (a resource by its
/// service and the text of its attributes, a logger by its name).
fn append_group(into: &mut Trace, group: Trace, strings: &Interner) {
    let (resources_before, scopes_before) = (into.log_resources.len(), into.log_scopes.len());
    let logs_before = into.logs.len();
    into.append(group);
    let mut known: HashMap<String, u32> = HashMap::new();
    for (i, resource) in into.log_resources.iter().enumerate().take(resources_before) {
        known.entry(resource_key(into, resource.service, resource.attrs, strings)).or_insert(i as u32);
    }
    let mut resource_at: Vec<u32> = Vec::new();
    let mut kept = resources_before as u32;
    for resource in into.log_resources.get(resources_before..).unwrap_or(&[]) {
        match known.get(&resource_key(into, resource.service, resource.attrs, strings)) {
            Some(&i) => resource_at.push(i),
            None => {
                resource_at.push(kept);
                kept += 1;
            }
        }
    }
    let scope_names: Vec<StrId> = into.log_scopes.iter().map(|s| s.name).collect();
    let mut scope_at: Vec<u32> = Vec::new();
    let mut kept_scopes = scopes_before as u32;
    for name in scope_names.get(scopes_before..).unwrap_or(&[]) {
        match scope_names.iter().take(scopes_before).position(|n| n == name) {
            Some(i) => scope_at.push(i as u32),
            None => {
                scope_at.push(kept_scopes);
                kept_scopes += 1;
            }
        }
    }
    let new_entry = |at: &[u32], i: usize, before: usize| at.get(i - before).is_some_and(|&n| n as usize >= before);
    let mut i = 0;
    into.log_resources.retain(|_| {
        i += 1;
        i - 1 < resources_before || new_entry(&resource_at, i - 1, resources_before)
    });
    let mut i = 0;
    into.log_scopes.retain(|_| {
        i += 1;
        i - 1 < scopes_before || new_entry(&scope_at, i - 1, scopes_before)
    });
    for line in into.logs.iter_mut().skip(logs_before) {
        if let Some(&n) = (line.resource as usize).checked_sub(resources_before).and_then(|k| resource_at.get(k)) {
            line.resource = n;
        }
        if line.scope != u32::MAX {
            if let Some(&n) = (line.scope as usize).checked_sub(scopes_before).and_then(|k| scope_at.get(k)) {
                line.scope = n;
            }
        }
    }
}

/// A resource as the importer keys it (`LogSink::resource`): its service, then each attribute's
/// key and value as text.
fn resource_key(trace: &Trace, service: StrId, attrs: strand_model::Range32, strings: &Interner) -> String {
    let mut key = strings.get(service).to_string();
    for kv in trace.attrs_of(attrs) {
        key.push('\u{1}');
        key.push_str(strings.get(kv.key));
        key.push('=');
        match kv.value {
            Value::Str(s) => key.push_str(strings.get(s)),
            Value::Int(i) => key.push_str(&i.to_string()),
            Value::Double(f) => key.push_str(&f.to_string()),
            Value::Bool(b) => key.push_str(if b { "true" } else { "false" }),
            Value::Bytes(_) | Value::Array(_) | Value::Map(_) | Value::Empty => {}
        }
    }
    key
}

impl LogFacts {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Vec::new();
        let u64s = [
            self.lines.newlines,
            self.lines.good,
            self.lines.skipped,
            self.repairs.no_time as u64,
            self.repairs.unreadable_time as u64,
            self.repairs.unzoned_time as u64,
            self.repairs.embedded_json as u64,
            self.empty_hits,
            self.first_ns as u64,
            self.last_ns as u64,
        ];
        for v in u64s {
            w.extend_from_slice(&v.to_le_bytes());
        }
        w.push(u8::from(self.repairs.timed));
        put_u32(&mut w, self.lines.errors.len());
        for err in &self.lines.errors {
            let (kind, line, column, message) = match err {
                ImportError::Syntax { line, column, message, .. } => (0u8, *line, *column, message.as_str()),
                ImportError::Truncated { line, column, .. } => (1, *line, *column, ""),
                ImportError::Shape { line, column, message, .. } => (2, *line, *column, message.as_str()),
                ImportError::Empty { .. } | ImportError::UnknownFormat { .. } => (3, 0, 0, ""),
            };
            w.push(kind);
            put_u32(&mut w, line);
            put_u32(&mut w, column);
            put_bytes(&mut w, message.as_bytes());
        }
        put_u32(&mut w, self.waited.len());
        for &n in &self.waited {
            put(&mut w, n);
        }
        w
    }

    /// The facts [`LogFacts::encode`] wrote, for a part of `file` read as `format`.
    pub fn decode(bytes: &[u8], file: &str, format: Format) -> Option<LogFacts> {
        let mut r = Reader::new(bytes);
        let mut next = || r.u64();
        let newlines = next()?;
        let good = next()?;
        let skipped = next()?;
        let counts = [next()?, next()?, next()?, next()?];
        let empty_hits = next()?;
        let first_ns = next()? as i64;
        let last_ns = next()? as i64;
        let timed = r.u8()? != 0;
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let repairs = Repairs {
            no_time: count(counts[0]),
            unreadable_time: count(counts[1]),
            unzoned_time: count(counts[2]),
            embedded_json: count(counts[3]),
            timed,
        };
        let n = r.u32()?;
        let mut errors = Vec::new();
        for _ in 0..n {
            let kind = r.u8()?;
            let (line, column) = (r.u32()? as usize, r.u32()? as usize);
            let message = r.string()?;
            let file = file.to_string();
            errors.push(match kind {
                0 => ImportError::Syntax { file, line, column, message },
                1 => ImportError::Truncated { file, line, column },
                2 => ImportError::Shape { file, format: format.label(), line, column, message },
                _ => ImportError::Empty { file },
            });
        }
        let n = r.u32()?;
        let mut waited = Vec::new();
        for _ in 0..n {
            waited.push(r.u32()?);
        }
        let lines = LinesRead { newlines, good, skipped, errors };
        Some(LogFacts { lines, repairs, empty_hits, first_ns, last_ns, waited })
    }
}

#[cfg(test)]
mod tests;
