//! Keeping the workspace across reloads: what is kept (the dataset in `model::transfer`'s
//! encoding, newest traces first up to the user's limit), what the browser stores next to it,
//! and the words the app says about it. The browser side (`src/ui/persist.rs`) only writes and
//! reads the bytes; every choice is made here and tested natively.

use strand_model::format::{bytes, counted, thousands};
use strand_model::{transfer, Dataset, Trace};

/// What is saved: the encoding and what the settings and notices say about it.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub bytes: Vec<u8>,
    pub meta: KeptMeta,
}

/// What the browser keeps next to the encoding, and what the app knows of the kept copy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeptMeta {
    /// Traces and spans in the kept copy.
    pub traces: u64,
    pub spans: u64,
    /// Size of the encoding in bytes.
    pub bytes: u64,
    /// Traces left out because of the limit (the oldest by start time).
    pub evicted: u64,
    /// Whether the traces were assembled with clock-skew adjustment.
    pub skew: bool,
    /// Log lines in the kept copy (in its traces, and those whose trace is not loaded).
    pub logs: u64,
}

impl KeptMeta {
    /// The stored form: `traces spans bytes evicted skew logs`, numbers separated by spaces (a
    /// copy kept before log lines were counted has no `logs`).
    pub fn serialize(&self) -> String {
        let skew = u8::from(self.skew);
        format!("{} {} {} {} {skew} {}", self.traces, self.spans, self.bytes, self.evicted, self.logs)
    }

    pub fn parse(text: &str) -> Option<KeptMeta> {
        let mut parts = text.split_ascii_whitespace().map(|p| p.parse::<u64>().ok());
        let mut next = || parts.next().flatten();
        let (traces, spans, bytes, evicted, skew) = (next()?, next()?, next()?, next()?, next()? == 1);
        Some(KeptMeta { traces, spans, bytes, evicted, skew, logs: next().unwrap_or(0) })
    }

    /// `33 traces, 12,040 spans (4.1 MB)`; `…, 120 log lines (4.1 MB)` with log lines, and
    /// `120 log lines (20 kB)` with nothing else.
    pub fn describe(&self) -> String {
        let size = bytes(self.bytes as f64);
        let logs = counted(self.logs, "log line");
        match (self.traces, self.logs) {
            (0, 1..) => format!("{logs} ({size})"),
            (_, 0) => format!("{}, {} ({size})", counted(self.traces, "trace"), counted(self.spans, "span")),
            _ => format!("{}, {}, {logs} ({size})", counted(self.traces, "trace"), counted(self.spans, "span")),
        }
    }
}

/// Which traces to keep within `limit` bytes: the newest by start time, given each trace's start
/// and its (estimated) share of the encoding. Returns their indices in ascending order. A trace
/// that alone is larger than the limit is not kept; smaller, older ones still can be.
pub fn choose_kept(traces: &[(i64, u64)], limit: u64) -> Vec<usize> {
    let mut newest_first: Vec<usize> = (0..traces.len()).collect();
    strand_model::order::sort_by_key(&mut newest_first, |&i| std::cmp::Reverse((traces.get(i).map_or(0, |t| t.0), i)));
    let mut used = 0u64;
    let mut kept = Vec::new();
    for i in newest_first {
        let size = traces.get(i).map_or(0, |t| t.1);
        if used.saturating_add(size) <= limit {
            used += size;
            kept.push(i);
        }
    }
    kept.sort_unstable();
    kept
}

/// The snapshot of `data` to keep, within `limit` bytes, in one vector ([`snapshot_to`]
/// collected; the tests read it back).
pub fn snapshot(data: &Dataset, skew: bool, limit: u64) -> Snapshot {
    let bytes = std::cell::RefCell::new(Vec::new());
    let meta = snapshot_to(data, skew, limit, &mut |piece| bytes.borrow_mut().extend_from_slice(piece), &mut || {
        bytes.borrow_mut().clear()
    });
    Snapshot { bytes: bytes.into_inner(), meta }
}

/// Hands the snapshot of `data` to keep, within `limit` bytes, to `sink` in pieces of about a
/// megabyte, in one go ([`Keeping`] stepped to its end), and says what it holds; `restart`
/// tells the sink to drop what it got (the limit left traces out).
pub fn snapshot_to(
    data: &Dataset,
    skew: bool,
    limit: u64,
    sink: &mut dyn FnMut(&[u8]),
    restart: &mut dyn FnMut(),
) -> KeptMeta {
    let mut keeping = Keeping::new(skew, limit, 0, 0);
    loop {
        if let Some(meta) = keeping.step(data, u64::MAX, sink, restart) {
            return meta;
        }
    }
}

/// How many times a snapshot over the limit is started over with fewer traces before what it
/// holds is kept as it is.
const MAX_RESTARTS: u32 = 4;

/// A snapshot being written a slice at a time (`transfer::Encoder`), so keeping a large
/// workspace is several short tasks: each [`Keeping::step`] hands about `budget` bytes to its
/// sink. Everything is written once; only when that turns out larger than the limit does
/// `restart` tell the sink to drop what it got, and the newest traces that fit are written
/// instead (each trace's share of the encoding estimated by its spans plus a little for the
/// trace itself; the strings table is shared by what remains).
/// Every step must see the same data: the app starts a new `Keeping` when its generation moved.
#[derive(Debug)]
pub struct Keeping {
    encoder: transfer::Encoder,
    /// The traces being written: `None` all of them, else the kept ones' indices.
    kept: Option<Vec<usize>>,
    /// Whether the log lines whose trace is not loaded are written (they are unless they alone
    /// do not fit in the limit).
    unmatched: bool,
    /// The bytes the kept traces may take (estimated), and how many times the snapshot was
    /// started over to fit the limit.
    room: u64,
    restarts: u32,
    skew: bool,
    limit: u64,
    /// The app's generation the steps were started on.
    pub(crate) generation: u64,
    /// The app's count of write and forget requests when this write started.
    pub(crate) writes: u64,
}

impl Keeping {
    pub(crate) fn new(skew: bool, limit: u64, generation: u64, writes: u64) -> Keeping {
        Keeping {
            encoder: transfer::Encoder::default(),
            kept: None,
            unmatched: true,
            room: limit,
            restarts: 0,
            skew,
            limit,
            generation,
            writes,
        }
    }

    /// Writes about `budget` more bytes; returns what the snapshot holds once it is complete.
    pub fn step(
        &mut self,
        data: &Dataset,
        budget: u64,
        sink: &mut dyn FnMut(&[u8]),
        restart: &mut dyn FnMut(),
    ) -> Option<KeptMeta> {
        let mut traces: Vec<&Trace> = match &self.kept {
            None => data.traces.iter().collect(),
            Some(kept) => kept.iter().filter_map(|&i| data.traces.get(i)).collect(),
        };
        let with_spans = traces.len();
        // Log lines whose trace is not loaded are kept too (groups without spans: a restore
        // merges them back where they were).
        if self.unmatched {
            traces.extend(data.unmatched_logs.iter());
        }
        let done = self.encoder.step(&data.strings, &traces, &data.dependencies, budget, sink);
        let total = self.encoder.total();
        if done && total > self.limit && self.restarts < MAX_RESTARTS {
            restart();
            self.restarts += 1;
            // Each item's share of the encoding: a span or a log line alike, plus a little per
            // trace. The unmatched lines come first (the newest traces that fit the rest are
            // kept), unless they alone do not fit.
            let items = |t: &Trace| (t.spans.len() + t.logs.len()) as f64;
            let per_item =
                total as f64 / data.traces.iter().chain(&data.unmatched_logs).map(items).sum::<f64>().max(1.0);
            if self.kept.is_none() {
                let unmatched: f64 = data.unmatched_logs.iter().map(items).sum();
                let unmatched_bytes = (unmatched * per_item) as u64 + 64 * data.unmatched_logs.len() as u64;
                self.unmatched = unmatched_bytes <= self.limit;
                self.room = if self.unmatched { self.limit - unmatched_bytes } else { self.limit };
            } else if self.room == 0 {
                // The unmatched lines alone were over the limit after all.
                self.unmatched = false;
                self.room = self.limit;
            } else {
                // Still over (the estimate was low): shrink the traces' room by the overshoot.
                self.room = (self.room as f64 * self.limit as f64 / total as f64 * 0.95) as u64;
            }
            let weights: Vec<(i64, u64)> =
                data.traces.iter().map(|t| (t.start_ns, (items(t) * per_item) as u64 + 64)).collect();
            self.kept = Some(choose_kept(&weights, self.room));
            self.encoder = transfer::Encoder::default();
            return None;
        }
        done.then(|| KeptMeta {
            traces: with_spans as u64,
            spans: traces.iter().map(|t| t.spans.len() as u64).sum(),
            bytes: total,
            evicted: data.traces.len().saturating_sub(with_spans) as u64,
            skew: self.skew,
            logs: traces.iter().map(|t| t.logs.len() as u64).sum(),
        })
    }
}

/// The notice after a restore: `Restored 33 traces from your last session (4.1 MB)`, `… 33
/// traces and 120 log lines …` with log lines.
pub fn restored_text(meta: &KeptMeta) -> String {
    let what = match (meta.traces, meta.logs) {
        (0, 1..) => counted(meta.logs, "log line"),
        (_, 0) => counted(meta.traces, "trace"),
        _ => format!("{} and {}", counted(meta.traces, "trace"), counted(meta.logs, "log line")),
    };
    format!("Restored {what} from your last session ({}).", bytes(meta.bytes as f64))
}

/// Said when the limit left traces out of the kept copy.
pub fn evicted_text(meta: &KeptMeta, limit_mb: u32) -> String {
    format!(
        "Only the newest {} are kept in this browser: the {} oldest do not fit in the limit of {limit_mb} MB (Settings).",
        counted(meta.traces, "trace"),
        thousands(meta.evicted),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four synthetic OTLP traces of 40 spans.
    fn four_traces() -> Dataset {
        use strand_formats::synth::{synthesize, SynthFormat};
        let mut data = Dataset::default();
        for seed in 1..=4 {
            let doc = synthesize(SynthFormat::Otlp, 40, seed);
            strand_formats::load(&mut data, doc.as_bytes(), "synth.json", None, &Default::default()).expect("loads");
        }
        data
    }

    /// Traces and log lines whose trace is not loaded, over the limit: the lines are kept and the
    /// newest traces that fit beside them, within the limit; lines alone over it are left out.
    #[test]
    fn over_the_limit_unmatched_log_lines_come_first_and_the_copy_fits() {
        let mut data = four_traces();
        let logs = strand_formats::synth::synthesize_ecs_logs(300, 99);
        strand_formats::load(&mut data, logs.as_bytes(), "logs.jsonl", None, &Default::default()).expect("loads");
        let unmatched: u64 = data.unmatched_logs.iter().map(|t| t.logs.len() as u64).sum();
        assert!(unmatched > 100, "{unmatched} unmatched lines");
        let whole = snapshot(&data, true, u64::MAX);
        assert_eq!(whole.meta.logs, unmatched);
        // Room for the lines and about half the traces.
        let lines_only = {
            let mut only = Dataset { strings: data.strings.clone(), ..Dataset::default() };
            only.unmatched_logs = data.unmatched_logs.clone();
            snapshot(&only, true, u64::MAX).meta.bytes
        };
        let limit = lines_only + (whole.meta.bytes - lines_only) / 2;
        let kept = snapshot(&data, true, limit);
        assert!(kept.meta.bytes <= limit, "{:?} over {limit}", kept.meta);
        assert_eq!(kept.meta.logs, unmatched, "every unmatched line is kept: {:?}", kept.meta);
        assert!(kept.meta.evicted >= 1 && kept.meta.traces >= 1, "{:?}", kept.meta);
        // Lines alone over the limit: left out, and the snapshot ends (within a few restarts).
        // (It can stay over the limit: the strings table is written whole, the lines' included.)
        let mut restarts = 0;
        let small = snapshot_to(&data, true, lines_only / 2, &mut |_| {}, &mut || restarts += 1);
        assert!(small.logs == 0 && small.bytes < whole.meta.bytes && restarts <= 4, "{small:?} {restarts}");
    }

    #[test]
    fn the_newest_traces_that_fit_are_kept() {
        // (start, bytes)
        let traces = [(10, 40), (30, 40), (20, 40), (40, 100), (5, 10)];
        assert_eq!(choose_kept(&traces, 1_000), vec![0, 1, 2, 3, 4]);
        // 100 bytes: the newest (40, 100 bytes) fills it.
        assert_eq!(choose_kept(&traces, 100), vec![3]);
        // 90: the newest is too big alone; then 30, 20 (80 bytes) and 5 (10 bytes) fit, 10 does not.
        assert_eq!(choose_kept(&traces, 90), vec![1, 2, 4]);
        assert_eq!(choose_kept(&traces, 0), Vec::<usize>::new());
        assert_eq!(choose_kept(&[], 10), Vec::<usize>::new());
        // Same start: the later index counts as newer, so the choice is deterministic.
        assert_eq!(choose_kept(&[(1, 10), (1, 10)], 10), vec![1]);
    }

    #[test]
    fn over_the_limit_the_sink_restarts_once_and_gets_the_newest_traces() {
        let data = four_traces();
        let whole = snapshot(&data, true, u64::MAX);
        assert_eq!(whole.meta.evicted, 0);
        assert_eq!(whole.meta.bytes, whole.bytes.len() as u64);
        let traces = data.traces.len() as u64;
        assert!(traces >= 3, "{traces} traces");

        // Room for about half: everything is written once, dropped, then the newest are.
        let limit = whole.meta.bytes / 2;
        let pieces = std::cell::RefCell::new(Vec::<u8>::new());
        let mut restarts = 0;
        let meta = snapshot_to(&data, true, limit, &mut |p| pieces.borrow_mut().extend_from_slice(p), &mut || {
            restarts += 1;
            pieces.borrow_mut().clear();
        });
        let bytes = pieces.into_inner();
        assert_eq!(restarts, 1);
        assert!(meta.evicted >= 1 && meta.traces + meta.evicted == traces, "{meta:?}");
        assert!(meta.bytes <= limit && meta.bytes == bytes.len() as u64, "{meta:?}");
        assert_eq!(snapshot(&data, true, limit), Snapshot { bytes: bytes.clone(), meta: meta.clone() });
        // What was written reads back as the newest traces.
        let mut strings = strand_model::Interner::new();
        let decoded = transfer::decode_slice(&bytes, &mut strings).expect("decodes");
        assert_eq!(decoded.traces.len() as u64, meta.traces);
        let oldest_kept = decoded.traces.iter().map(|t| t.start_ns).min().unwrap_or(0);
        let evicted_newer = data.traces.iter().filter(|t| t.start_ns > oldest_kept).count() as u64;
        assert!(evicted_newer < meta.traces, "the kept traces are the newest");

        // Within the limit: no restart.
        let mut restarts = 0;
        snapshot_to(&data, true, u64::MAX, &mut |_| {}, &mut || restarts += 1);
        assert_eq!(restarts, 0);
    }

    #[test]
    fn meta_round_trips_and_reads_as_words() {
        let meta = KeptMeta { traces: 33, spans: 12_040, bytes: 4_100_000, evicted: 2, skew: true, logs: 0 };
        assert_eq!(KeptMeta::parse(&meta.serialize()), Some(meta.clone()));
        assert_eq!(KeptMeta::parse("1 2 x"), None);
        assert_eq!(meta.describe(), "33 traces, 12,040 spans (4.1 MB)");
        assert_eq!(restored_text(&meta), "Restored 33 traces from your last session (4.1 MB).");
        // With log lines; a copy kept before they were counted reads as none.
        let logs = KeptMeta { logs: 120, ..meta.clone() };
        assert_eq!(KeptMeta::parse(&logs.serialize()), Some(logs.clone()));
        assert_eq!(KeptMeta::parse("33 12040 4100000 2 1"), Some(meta.clone()));
        assert_eq!(logs.describe(), "33 traces, 12,040 spans, 120 log lines (4.1 MB)");
        assert_eq!(restored_text(&logs), "Restored 33 traces and 120 log lines from your last session (4.1 MB).");
        let only = KeptMeta { traces: 0, spans: 0, evicted: 0, ..logs };
        assert_eq!(only.describe(), "120 log lines (4.1 MB)");
        assert_eq!(restored_text(&only), "Restored 120 log lines from your last session (4.1 MB).");
        assert_eq!(
            evicted_text(&meta, 200),
            "Only the newest 33 traces are kept in this browser: the 2 oldest do not fit in the limit of 200 MB (Settings)."
        );
    }
}
