//! Taking over what an import worker parsed: its encoding (`model::transfer`) is decoded into
//! the dataset's interner a slice at a time ([`STEP_BYTES`]), each slice one
//! [`crate::Action::DecodeMore`] that the browser side dispatches on a fresh task
//! ([`Effect::ContinueImport`]), so a million-span file never holds the page for one long task;
//! the decoded traces are merged once the encoding is complete. While a file's encoding is being
//! decoded, its worker is free and the next file starts there. A file of log lines imported in
//! parts (two workers, `formats::logs::parts`) comes as one encoding per part: they are decoded
//! in turn, then joined into the file's import on a task of its own, then merged once.

use crate::app::{App, Effect};
use crate::load::{Input, JobId, Phase};
use std::collections::VecDeque;
use strand_formats::logs::parts::{self, LogFacts};
use strand_formats::{AssembleOptions, Format, Imported};
use strand_model::transfer::{self, Decoder};
use strand_model::Dataset;

/// How many bytes of an encoding one step decodes (a worker's file, the kept workspace) or
/// encodes (keeping the workspace): about 40–50 ms in Chromium on the machine of README's
/// figures (the page decodes ~350 MB/s), far below the 200 ms that makes a long task. Most
/// encodings are smaller and are done in one step.
pub const STEP_BYTES: usize = 16 << 20;

/// The step size: `step-kb=` from the address (tests), else [`STEP_BYTES`].
pub(crate) fn step_bytes(route: &strand_view::route::Route) -> usize {
    route.step_kb.map_or(STEP_BYTES, |kb| (kb as usize).saturating_mul(1024).max(1))
}

/// A worker's encoding being decoded.
pub(crate) struct Decoding {
    job: JobId,
    format: String,
    skew: bool,
    size: u64,
    decoder: Decoder<'static>,
    /// The later parts' encodings, still to decode, and the parts decoded so far.
    rest: VecDeque<Box<dyn transfer::Source>>,
    done: Vec<transfer::Decoded>,
    /// Bytes of the parts decoded before the current one.
    consumed_before: u64,
    /// Every part decoded: the next step joins them.
    all_in: bool,
    /// The parts joined (or why they could not be): the next step merges it.
    joined: Option<Result<transfer::Decoded, String>>,
    /// The dataset it decodes into when the file's preview is on show (it stays on show until
    /// the file is merged, then this replaces it): else the workspace's own.
    fresh: Option<Dataset>,
}

/// Files of this many kB or more may be imported in two parts (`split-kb=` changes it): below
/// it a second worker's start-up and hand-over cost more than it saves.
pub const SPLIT_FROM_KB: u32 = 32 * 1024;

impl App {
    /// Whether the worker may import `input` (a browser file of that size) in two parts.
    pub(crate) fn wants_split(&self, input: &Input) -> bool {
        let from_kb = self.route.split_kb.unwrap_or(SPLIT_FROM_KB);
        matches!(input, Input::File { size, .. } if from_kb > 0 && *size >= u64::from(from_kb) * 1024)
    }

    /// Starts decoding what the import worker sent for `job` (`size` bytes in all, with the
    /// encodings of the file's later `parts` if it came in parts), and goes on as far as one
    /// step goes.
    pub(crate) fn merge_encoded(
        &mut self,
        job: JobId,
        format: String,
        payload: Box<dyn transfer::Source>,
        parts: Vec<Box<dyn transfer::Source>>,
        size: u64,
        skew: bool,
    ) -> Vec<Effect> {
        // A cancelled job's decoding is dropped by the first step.
        let fresh = self.previewing(job).then(Dataset::new);
        let decoder = Decoder::new(payload);
        let rest = parts.into();
        self.decoding = Some(Decoding {
            job,
            format,
            skew,
            size,
            decoder,
            rest,
            done: Vec::new(),
            consumed_before: 0,
            all_in: false,
            joined: None,
            fresh,
        });
        let mut effects = self.decode_more(job);
        if self.decoding.is_some() {
            // The worker is done with this file: the next one starts there while the page decodes.
            self.loads.answered(job);
            effects.extend(self.start_next());
        }
        effects
    }

    /// Decodes one more step of `job`'s encoding; merges it once complete. Traces the worker
    /// assembled are kept as they are unless the clock-skew setting changed meanwhile.
    pub(crate) fn decode_more(&mut self, job: JobId) -> Vec<Effect> {
        let mut effects = Vec::new();
        let Some(mut decoding) = self.decoding.take_if(|d| d.job == job) else {
            return effects; // cancelled, or a late step of a job that ended
        };
        if self.loads.running(job).is_none() {
            return effects;
        }
        let step = match decoding.joined.take() {
            // Joined on the step before: merged on this one.
            Some(joined) => Some(joined),
            None if decoding.all_in => {
                // Every part decoded on the steps before: joined on this one (a task of its own).
                let name = self.loads.running(job).map(|r| r.name.clone()).unwrap_or_default();
                let strings = match decoding.fresh.as_ref() {
                    Some(fresh) => &fresh.strings,
                    None => &self.data().strings,
                };
                let done = std::mem::take(&mut decoding.done);
                decoding.joined = Some(join_parts(&decoding.format, &name, done, strings, decoding.skew));
                None
            }
            None => self.decode_step(&mut decoding),
        };
        let Some(decoded) = step else {
            let done = (decoding.consumed_before + decoding.decoder.consumed()) as f64;
            self.loads.progress(job, Phase::Merging, done, decoding.size as f64);
            self.decoding = Some(decoding);
            return vec![Effect::ContinueImport { job }];
        };
        let name = self.end_job(job, &mut effects).unwrap_or_default();
        let result = match decoded {
            Ok(decoded) => {
                if let Some(fresh) = decoding.fresh.take() {
                    // The file replaces its preview; the user's place stays.
                    self.replace_preview(job);
                    *self.data_mut() = fresh;
                }
                let summary = self.merge_decoded(decoded, decoding.skew);
                let format = strand_formats::Format::parse(&decoding.format).unwrap_or(strand_formats::Format::Otlp);
                Ok((format, summary))
            }
            Err(err) => {
                self.drop_preview(Some(job));
                Err(err)
            }
        };
        self.report(&name, result);
        effects.extend(self.keep_if_settled());
        effects
    }

    /// One slice of the current part's encoding: the file's import when it came whole and is
    /// complete, `None` while more is to come (the next part, or the join of all of them).
    fn decode_step(&mut self, decoding: &mut Decoding) -> Option<Result<transfer::Decoded, String>> {
        let budget = self.step_bytes;
        let strings = match decoding.fresh.as_mut() {
            Some(fresh) => &mut fresh.strings,
            None => &mut self.data_mut().strings,
        };
        match decoding.decoder.step(strings, budget).transpose()? {
            // A part decoded: the next part's decoder goes on at the next step, or, after the
            // last, the join.
            Ok(part) if !decoding.rest.is_empty() || !decoding.done.is_empty() => {
                decoding.consumed_before += decoding.decoder.consumed();
                decoding.done.push(part);
                match decoding.rest.pop_front() {
                    Some(next) => decoding.decoder = Decoder::new(next),
                    None => decoding.all_in = true,
                }
                None
            }
            Ok(whole) => Some(Ok(whole)),
            Err(err) => {
                let name = self.loads.running(decoding.job).map(|r| r.name.clone()).unwrap_or_default();
                Some(Err(format!("{name}: {err}. This is a bug in Strand; please report it.")))
            }
        }
    }

    /// Merges decoded traces (a worker's file, or the kept workspace) assembled with clock-skew
    /// adjustment `skew`: kept as assembled unless the setting is different now.
    pub(crate) fn merge_decoded(&mut self, decoded: transfer::Decoded, skew: bool) -> strand_formats::LoadSummary {
        let imported = strand_formats::Imported {
            traces: decoded.traces,
            dependencies: decoded.dependencies,
            notes: decoded.notes,
        };
        let options = self.options;
        if skew == options.adjust_clock_skew {
            strand_formats::merge_assembled(self.data_mut(), imported, &options)
        } else {
            strand_formats::merge(self.data_mut(), imported, &options)
        }
    }

    /// Whether a worker's encoding is being decoded (the page is busy merging a file).
    pub fn is_decoding(&self) -> bool {
        self.decoding.is_some()
    }
}

/// The parts of a file of log lines, decoded, joined into the file's import (assembled with the
/// workers' clock-skew setting `skew`, as a worker assembles a whole file); an error says why
/// the file cannot be used (no line of it could be read) or that the parts were not readable.
fn join_parts(
    format: &str,
    name: &str,
    decoded: Vec<transfer::Decoded>,
    strings: &strand_model::Interner,
    skew: bool,
) -> Result<transfer::Decoded, String> {
    let bug = |what: &str| format!("{name}: {what}. This is a bug in Strand; please report it.");
    let format = Format::parse(format).ok_or_else(|| bug("the parts of the file name no format"))?;
    let mut list = Vec::with_capacity(decoded.len());
    for part in decoded {
        let facts =
            LogFacts::decode(&part.extra, name, format).ok_or_else(|| bug("a part of the file is unreadable"))?;
        let imported = Imported { traces: part.traces, dependencies: part.dependencies, notes: part.notes };
        list.push((imported, facts));
    }
    let options = AssembleOptions { adjust_clock_skew: skew };
    let joined = parts::join(format, list, strings, &options).map_err(|e| e.to_string())?;
    Ok(transfer::Decoded {
        traces: joined.traces,
        dependencies: joined.dependencies,
        notes: joined.notes,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests;
