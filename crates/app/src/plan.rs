//! Collector request plans: which requests to make for one user action, in which order, with
//! which fallbacks, and how many at once. A plan is run by [`run`], generic over [`Fetch`] (the
//! browser's fetch in the app, a table of canned answers in tests), so every sequence —
//! Jaeger v3 then v1, Tempo's search then its traces fetched four at a time — is tested natively.
//! The answers are read by `strand_sources`; this module only strings the steps together.

use futures::stream::{self, StreamExt};
use std::future::Future;
use strand_sources::{self as sources, tempo, Connection, Failure, Outcome, Request, Response, Step};

/// How many traces a Tempo search fetches at once.
pub const TEMPO_PARALLEL: usize = 4;

/// Performs one GET. The app's implementation applies the time limit and tells CORS refusals
/// from unreachable hosts; a test's implementation answers from a table.
pub trait Fetch {
    fn get(&self, request: &Request) -> impl Future<Output = Result<Response, Failure>>;
}

/// What to do for one user action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// A step whose answer is names (services, operations), or a document to load (search,
    /// trace, dependencies); a search that returns summaries (Tempo) continues with the traces.
    Collector { connection: Connection, step: Step },
    /// A JSON file at a URL.
    File { request: Request },
}

/// What a plan came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Finished {
    Names(Vec<String>),
    /// Documents to load, in the order the plan asked for them, and what failed on the way
    /// (with the URL asked). `asked` is how many documents were asked for (Tempo: traces found).
    Documents {
        documents: Vec<Vec<u8>>,
        failures: Vec<(Failure, String)>,
        asked: usize,
    },
    /// The collector found nothing; the text says so in words.
    Empty(String),
    /// The plan failed at `url`.
    Failed {
        failure: Failure,
        url: String,
    },
}

/// Runs a step and its fallbacks; returns the outcome and the URL that produced it.
pub async fn run_step(fetch: &impl Fetch, step: Step) -> (Outcome, String) {
    let mut step = step;
    loop {
        let url = step.request.url.clone();
        let outcome = match fetch.get(&step.request).await {
            Ok(response) => sources::decode(&step, response),
            Err(failure) => Outcome::Failed(failure),
        };
        match outcome {
            Outcome::Fallback => match step.fallback.take() {
                Some(next) => step = *next,
                None => return (Outcome::Failed(Failure::Http { status: 404, message: String::new() }), url),
            },
            other => return (other, url),
        }
    }
}

/// Runs `plan` to the end.
pub async fn run(fetch: &impl Fetch, plan: Plan) -> Finished {
    match plan {
        Plan::File { request } => fetch_file(fetch, request).await,
        Plan::Collector { connection, step } => match run_step(fetch, step).await {
            (Outcome::Names(names), _) => Finished::Names(names),
            (Outcome::Document(bytes), _) => {
                Finished::Documents { documents: vec![bytes], failures: Vec::new(), asked: 1 }
            }
            (Outcome::Summaries(found), _) => fetch_traces(fetch, &connection, &found).await,
            (Outcome::Empty(message), _) => Finished::Empty(message),
            (Outcome::Failed(failure), url) => Finished::Failed { failure, url },
            (Outcome::Fallback, url) => {
                Finished::Failed { failure: Failure::Http { status: 404, message: String::new() }, url }
            }
        },
    }
}

async fn fetch_file(fetch: &impl Fetch, request: Request) -> Finished {
    let url = request.url.clone();
    let checked = fetch.get(&request).await.and_then(|r| {
        if (200..300).contains(&r.status) {
            strand_sources::remote_file::check_body(&r.body).map(|()| r.body)
        } else {
            Err(Failure::http(r.status, &r.body))
        }
    });
    match checked {
        Ok(bytes) => Finished::Documents { documents: vec![bytes], failures: Vec::new(), asked: 1 },
        Err(failure) => Finished::Failed { failure, url },
    }
}

/// A search answered with summaries: fetch each trace by id, [`TEMPO_PARALLEL`] at a time,
/// keeping the order of the summaries.
async fn fetch_traces(fetch: &impl Fetch, conn: &Connection, found: &[sources::TraceSummary]) -> Finished {
    let steps: Vec<Step> = found.iter().filter_map(|s| sources::trace(conn, &s.trace_id).ok()).collect();
    let asked = steps.len();
    let mut answers: Vec<(usize, (Outcome, String))> = stream::iter(steps.into_iter().enumerate())
        .map(|(i, step)| async move { (i, run_step(fetch, step).await) })
        .buffer_unordered(TEMPO_PARALLEL)
        .collect()
        .await;
    strand_model::order::sort_by_key(&mut answers, |(i, _)| *i);
    let mut documents = Vec::new();
    let mut failures = Vec::new();
    for (_, (outcome, url)) in answers {
        match outcome {
            Outcome::Document(doc) => documents.push(doc),
            Outcome::Failed(failure) => failures.push((failure, url)),
            _ => {}
        }
    }
    Finished::Documents { documents, failures, asked }
}

/// The documents of a finished plan as one document to load (Tempo's traces are combined into
/// one OTLP document, so they load as one file).
pub fn combined(documents: &[Vec<u8>]) -> Option<Vec<u8>> {
    match documents {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(tempo::combine_documents(many)),
    }
}

#[cfg(test)]
mod tests;
