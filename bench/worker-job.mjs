// The import worker's job alone, in Node (not a test, not the browser benchmark): instantiates
// a release build's module (dist/, or STRAND_DIST) as `static/worker.js` does, runs the
// worker's warm-up, then imports FILE RUNS times through `strand_worker_job`, each time from a
// fresh copy of its bytes, and prints the `import` timing of every run (the first run is what a
// user's first file meets; later runs reuse memory the first one grew). Same V8 as Chromium and
// far less noisy on a shared machine, since nothing else runs in the process.
//
//   node bench/worker-job.mjs FILE [RUNS]          (default 5)
//   node --cpu-prof bench/worker-job.mjs FILE 10    (a profile; build with
//                                                   CARGO_PROFILE_WEB_STRIP=none for names)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDir as dist } from '../tests/e2e/harness.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] || 5);
if (!file || !(runs > 0)) {
  console.error('usage: node bench/worker-job.mjs FILE [RUNS]');
  process.exit(2);
}
const messages = [];
// The worker's side posts its progress and result to its global scope.
globalThis.postMessage = (msg) => messages.push(msg);
const module = await import(pathToFileURL(path.join(dist, 'strand.js')).href);
await module.default({ module_or_path: fs.readFileSync(path.join(dist, 'strand_bg.wasm')) });
for (let step = 0; module.strand_worker_warm(step); step++);

const bytes = fs.readFileSync(file);
const times = [];
for (let run = 0; run < runs; run++) {
  messages.length = 0;
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  await module.strand_worker_job({ id: run, name: path.basename(file), bytes: copy, skew: true });
  const done = messages.find((m) => m.type === 'done');
  if (!done) {
    console.error('the job did not finish:', messages.filter((m) => m.type !== 'progress'));
    process.exit(1);
  }
  times.push(done.timings.import);
}
const sorted = [...times].sort((a, b) => a - b);
const mb = bytes.length / 1e6;
const median = sorted[Math.floor((sorted.length - 1) / 2)];
console.log(`${path.basename(file)} (${mb.toFixed(1)} MB), ${path.basename(dist)}: import ms per run ${times.map((t) => t.toFixed(0)).join(' ')}`);
console.log(`first ${times[0].toFixed(0)} ms (${(mb / times[0] * 1000).toFixed(0)} MB/s), median ${median.toFixed(0)} ms (${(mb / median * 1000).toFixed(0)} MB/s), fastest ${sorted[0].toFixed(0)} ms`);
