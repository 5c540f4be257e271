// Strand's import worker: parses files off the page's main thread. It runs the same
// WebAssembly module as the page (src/ui/worker.rs), which the page sends already compiled in
// the first message, so nothing is fetched or compiled again. A module script with a fixed
// name, like boot.js, so that a strict Content-Security-Policy works (worker-src 'self').
import init, { strand_worker_job, strand_worker_warm, strand_worker_helper } from './strand.js';

let ready = null;
// Whether this worker keeps a helper worker for large files of log lines (the page says so for
// the import workers it starts; a helper has none).
let helpers = 0;
// Set when the first job arrives: the warm-up stops there (the job is what it prepares for).
let busy = false;

const message = (error) => (error && error.message ? error.message : String(error));

// Runs the warm-up a step at a time, yielding between steps so that a job never waits for more
// than one step; tells the page how long it took.
async function warmUp() {
  const t0 = performance.now();
  let step = 0;
  while (!busy && strand_worker_warm(step)) {
    step += 1;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  self.postMessage({ type: 'warm', ms: performance.now() - t0, steps: step + 1, interrupted: busy });
  // The helper starts (and warms up) after this worker's warm-up, not beside it, and not beside
  // a job either: a job that cut the warm-up short starts it when it ends.
  if (helpers > 0 && !busy) strand_worker_helper();
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg && msg.type === 'init') {
    helpers = msg.helpers || 0;
    ready = init({ module_or_path: msg.module });
    // Tell the page it can send files; if the module cannot start here, the page loads on
    // its main thread instead.
    ready.then(
      () => {
        self.postMessage({ type: 'ready' });
        warmUp().catch(() => {});
      },
      (error) => self.postMessage({ type: 'crashed', error: message(error) }),
    );
    return;
  }
  busy = true;
  try {
    await ready;
    // A file that may be split needs the helper now (a worker started again after a large
    // file has none yet): it starts cold rather than not at all.
    if (helpers > 0 && msg && msg.split) strand_worker_helper();
    await strand_worker_job(msg);
  } catch (error) {
    // The module trapped (a bug) or could not start: the page drops this worker.
    self.postMessage({ type: 'crashed', id: msg && msg.id, error: message(error) });
    return;
  }
  // Started once (later calls do nothing).
  if (helpers > 0) strand_worker_helper();
};
