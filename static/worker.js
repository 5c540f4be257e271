// Strand's import worker: parses files off the page's main thread. It runs the same
// WebAssembly module as the page (src/ui/worker.rs), which the page sends already compiled in
// the first message, so nothing is fetched or compiled again. A module script with a fixed
// name, like boot.js, so that a strict Content-Security-Policy works (worker-src 'self').
import init, { strand_worker_job } from './strand.js';

let ready = null;

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg && msg.type === 'init') {
    ready = init({ module_or_path: msg.module });
    // Tell the page it can send files; if the module cannot start here, the page loads on
    // its main thread instead.
    ready.then(
      () => self.postMessage({ type: 'ready' }),
      (error) => self.postMessage({ type: 'crashed', error: error && error.message ? error.message : String(error) }),
    );
    return;
  }
  try {
    await ready;
    await strand_worker_job(msg);
  } catch (error) {
    // The module trapped (a bug) or could not start: the page drops this worker.
    self.postMessage({ type: 'crashed', id: msg && msg.id, error: error && error.message ? error.message : String(error) });
  }
};
