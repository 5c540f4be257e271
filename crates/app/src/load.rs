//! The load queue: files, pasted text and fetched documents wait here and are imported, each as
//! a job with its own id, up to `slots` at a time (one import worker each). The queue decides
//! what starts next and what a late answer belongs to; the browser side only runs what it is
//! told (read a file, import in a worker) and reports back. Jobs that run side by side still end
//! in the order they were submitted: the app merges an answer only once it is the oldest
//! running job's ([`LoadQueue::is_oldest`]), so the result is the same as one after another. A
//! cancelled job's answer, when it still comes, is ignored.

use std::collections::VecDeque;

/// A load's id; answers name it.
pub type JobId = u32;

/// The browser's handle for a `File` the user picked or dropped (the file stays in the browser;
/// the core only knows its name and size).
pub type FileKey = u32;

/// Where a job's bytes are.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// A file the browser holds.
    File { key: FileKey, size: u64 },
    /// Bytes already in memory (pasted text, a fetched document, the demo).
    Bytes(Vec<u8>),
}

impl Input {
    pub fn size(&self) -> u64 {
        match self {
            Input::File { size, .. } => *size,
            Input::Bytes(b) => b.len() as u64,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub name: String,
    pub input: Input,
}

/// Where the job being loaded is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    Reading,
    Parsing,
    Merging,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Reading => "reading",
            Phase::Parsing => "parsing",
            Phase::Merging => "merging",
        }
    }
}

/// What the progress bar shows.
#[derive(Clone, PartialEq, Debug)]
pub struct Progress {
    pub file: String,
    pub phase: Phase,
    /// Bytes read so far and the file size (reading); 0 when the phase has no measure.
    pub done: f64,
    pub total: f64,
    /// This job's position in the batch (1-based) and the batch size.
    pub position: usize,
    pub count: usize,
    /// The bytes of the file whose traces are shown meanwhile (its preview), if any.
    pub preview: Option<f64>,
}

impl Progress {
    /// The phase in words, with the batch position: `Reading 4.9 MB of 12.0 MB… (file 2 of 5)`.
    pub fn text(&self) -> String {
        let of_batch =
            if self.count > 1 { format!(" (file {} of {})", self.position, self.count) } else { String::new() };
        let phase = match self.phase {
            Phase::Reading if self.total > 0.0 => format!(
                "Reading {} of {}",
                strand_model::format::bytes(self.done),
                strand_model::format::bytes(self.total)
            ),
            Phase::Reading => "Reading".to_string(),
            Phase::Parsing => "Parsing".to_string(),
            Phase::Merging => "Adding to what is loaded".to_string(),
        };
        format!("{phase}…{of_batch}")
    }

    /// What is shown while the file loads, when its preview is: `Showing the traces in its
    /// first 8.4 MB while the rest loads (they may still gain spans)`.
    pub fn preview_text(&self) -> Option<String> {
        self.preview.map(|bytes| {
            format!(
                "Showing the traces in its first {} while the rest loads (they may still gain spans)",
                strand_model::format::bytes(bytes)
            )
        })
    }

    /// The same in a few words, for the header's counts (which stay in view while the trace
    /// takes the screen): `first 8.4 MB of 348.2 MB, loading…`.
    pub fn preview_short(&self) -> Option<String> {
        self.preview.map(|bytes| {
            format!(
                "first {} of {}, loading…",
                strand_model::format::bytes(bytes),
                strand_model::format::bytes(self.total)
            )
        })
    }

    /// The fraction done, when the phase has one.
    pub fn fraction(&self) -> Option<f64> {
        (self.phase == Phase::Reading && self.total > 0.0).then(|| (self.done / self.total).clamp(0.0, 1.0))
    }
}

/// The job being loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Running {
    pub id: JobId,
    pub name: String,
    /// Whether the import assembles with clock-skew adjustment (the setting when it started).
    pub skew: bool,
    /// The browser file it reads, if any (released when the job ends).
    pub file: Option<FileKey>,
    pub progress: Progress,
    /// Its answer came and waits for an older job: its worker is free for the next job.
    pub answered: bool,
}

#[derive(Debug)]
pub struct LoadQueue {
    waiting: VecDeque<Job>,
    /// The running jobs, oldest first.
    running: Vec<Running>,
    /// How many jobs may run at once (at least 1).
    slots: usize,
    next_id: JobId,
    /// Position in the current batch (jobs started since the queue was last empty) and its size.
    position: usize,
    count: usize,
}

/// What [`LoadQueue::cancel_all`] stopped.
#[derive(Debug, PartialEq)]
pub struct Cancelled {
    /// Oldest first.
    pub running: Vec<Running>,
    pub waiting: Vec<Job>,
}

impl Default for LoadQueue {
    fn default() -> LoadQueue {
        LoadQueue::with_slots(1)
    }
}

impl LoadQueue {
    /// A queue that runs up to `slots` jobs at once (0 counts as 1).
    pub fn with_slots(slots: usize) -> LoadQueue {
        LoadQueue {
            waiting: VecDeque::new(),
            running: Vec::new(),
            slots: slots.max(1),
            next_id: 0,
            position: 0,
            count: 0,
        }
    }

    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Adds a job; it starts when the jobs before it are done.
    pub fn submit(&mut self, name: String, input: Input) -> JobId {
        self.next_id += 1;
        self.count += 1;
        self.waiting.push_back(Job { id: self.next_id, name, input });
        self.next_id
    }

    /// Starts waiting jobs while a slot is free: returns them (now running) with their inputs.
    pub fn start_next(&mut self, skew: bool) -> Vec<(Running, Input)> {
        let mut started = Vec::new();
        while self.running.iter().filter(|r| !r.answered).count() < self.slots {
            let Some(job) = self.waiting.pop_front() else { break };
            self.position += 1;
            let file = match job.input {
                Input::File { key, .. } => Some(key),
                Input::Bytes(_) => None,
            };
            let running = Running {
                id: job.id,
                name: job.name.clone(),
                skew,
                file,
                progress: Progress {
                    file: job.name,
                    phase: Phase::Reading,
                    done: 0.0,
                    total: job.input.size() as f64,
                    position: self.position,
                    count: self.count,
                    preview: None,
                },
                answered: false,
            };
            self.running.push(running.clone());
            started.push((running, job.input));
        }
        if self.is_idle() {
            self.position = 0;
            self.count = 0;
        }
        started
    }

    /// The running job `id`, if it runs (answers for anything else are stale).
    pub fn running(&self, id: JobId) -> Option<&Running> {
        self.running.iter().find(|r| r.id == id)
    }

    /// Notes that `id`'s answer came (it waits for an older job): its slot is free.
    pub fn answered(&mut self, id: JobId) {
        if let Some(r) = self.running.iter_mut().find(|r| r.id == id) {
            r.answered = true;
        }
    }

    /// Whether `id` is the oldest running job: the one whose answer may be merged now.
    pub fn is_oldest(&self, id: JobId) -> bool {
        self.running.first().is_some_and(|r| r.id == id)
    }

    /// The oldest running job's id.
    pub fn oldest(&self) -> Option<JobId> {
        self.running.first().map(|r| r.id)
    }

    pub fn is_idle(&self) -> bool {
        self.running.is_empty() && self.waiting.is_empty()
    }

    /// Records progress of a running job; false if `id` is not running.
    pub fn progress(&mut self, id: JobId, phase: Phase, done: f64, total: f64) -> bool {
        match self.running.iter_mut().find(|r| r.id == id) {
            Some(r) => {
                r.progress.phase = phase;
                r.progress.done = done;
                r.progress.total = total;
                true
            }
            None => false,
        }
    }

    /// Notes that the traces of `id`'s first `covered` bytes are shown while it loads.
    pub fn previewed(&mut self, id: JobId, covered: u64) {
        if let Some(r) = self.running.iter_mut().find(|r| r.id == id) {
            r.progress.preview = Some(covered as f64);
        }
    }

    /// Ends the running job `id` and returns it.
    pub fn finish(&mut self, id: JobId) -> Option<Running> {
        let at = self.running.iter().position(|r| r.id == id)?;
        Some(self.running.remove(at))
    }

    /// Stops everything: the running job and every waiting one.
    pub fn cancel_all(&mut self) -> Cancelled {
        let running = std::mem::take(&mut self.running);
        let waiting = self.waiting.drain(..).collect();
        self.position = 0;
        self.count = 0;
        Cancelled { running, waiting }
    }

    /// What the progress bar shows: the oldest running job (the next to land).
    pub fn progress_view(&self) -> Option<&Progress> {
        self.running.first().map(|r| &r.progress)
    }
}
