// Where the time of one cold load goes (not a test, not the benchmark): opens the page in a
// fresh Chromium, picks FILE once the warm-up is done, and records a Chromium trace from the
// file's change event to the first painted waterfall rows (timed as bench/browser.mjs does).
// Prints the page's main-thread tasks over 4 ms in that window, each with its biggest child
// events, and the idle gaps between them;
// writes the raw trace to bench/out/profile-load.json (open it in chrome://tracing or Perfetto).
// Then the import worker's top functions by self time (from the same trace).
//
//   node bench/profile-load.mjs FILE          (STRAND_DIST selects the build, like browser.mjs)
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, launchBrowser, repoRoot } from '../tests/e2e/harness.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/profile-load.mjs FILE');
  process.exit(2);
}
// Self time per function of the page's main thread (a sampled CPU profile), the top 25.
function printProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const name = node.callFrame.functionName || `(${node.callFrame.url.split('/').pop() || 'program'})`;
    self.set(name, (self.get(name) || 0) + (dt[i + 1] || 0) / 1000);
  });
  const top = [...self].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log('page main thread, self ms:');
  for (const [name, ms] of top) console.log(`  ${ms.toFixed(1).padStart(7)}  ${name.slice(0, 150)}`);
  // Inclusive time of Strand's own functions (each counted once per sample).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const total = new Map();
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '');
      if (!/strand/.test(name) || seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) || 0) + (dt[i + 1] || 0) / 1000);
    }
  });
  console.log('Strand functions, inclusive ms:');
  for (const [name, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${ms.toFixed(1).padStart(7)}  ${name.slice(0, 150)}`);
}

// The import workers' sampled profiles from the trace: its `ProfileChunk` events, one profile per
// thread (emitted on V8's profiler thread, so a worker's is told from the page's by its
// functions). Prints each worker's top self times.
function printWorkerProfiles(events) {
  const profiles = new Map();
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    if (!profiles.has(key)) profiles.set(key, { nodes: new Map(), samples: [], deltas: [] });
    const p = profiles.get(key);
    const cpu = e.args.data.cpuProfile || {};
    for (const n of cpu.nodes || []) p.nodes.set(n.id, n);
    p.samples.push(...(cpu.samples || []));
    p.deltas.push(...(e.args.data.timeDeltas || []));
  }
  for (const p of profiles.values()) {
    const names = [...p.nodes.values()].map((n) => n.callFrame.functionName);
    if (!names.some((n) => /strand_worker_job|ui::worker::run_job/.test(n))) continue;
    const self = new Map();
    let total = 0;
    p.samples.forEach((id, i) => {
      const name = p.nodes.get(id)?.callFrame.functionName || '(program)';
      if (name === '(idle)') return;
      const ms = (p.deltas[i + 1] || 0) / 1000;
      total += ms;
      self.set(name, (self.get(name) || 0) + ms);
    });
    console.log(`\nimport worker, ${total.toFixed(0)} ms sampled; self ms:`);
    for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(`  ${ms.toFixed(1).padStart(7)}  ${name.replace(/::h[0-9a-f]{16}$/, '').slice(0, 150)}`);
    }
  }
}

const server = await serveStatic(process.env.STRAND_DIST || undefined);
const browser = await launchBrowser([]);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(() => {
    document.addEventListener('change', () => { window.__change = performance.now(); performance.mark('profile:change'); }, true);
    // As in browser.mjs: the first row seen by an observer, timed after the frame that paints it
    // (no polling from Playwright inside the recorded window).
    const rows = new MutationObserver(() => {
      if (window.__change === undefined || !document.querySelector('.wf-row')) return;
      rows.disconnect();
      performance.mark('profile:rows-in-dom');
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { window.__rowsPainted = performance.now(); performance.mark('profile:rows-painted'); };
        channel.port2.postMessage(null);
      });
    });
    addEventListener('DOMContentLoaded', () => rows.observe(document.body, { childList: true, subtree: true }));
  });
  await page.goto(server.url);
  await page.waitForFunction(
    () => ['strand:warm:page', 'strand:warm:worker'].every((n) => performance.getEntriesByName(n).length),
    null, { timeout: 5000 },
  ).catch(() => {});
  // A second of idle time before the file, as bench/browser.mjs (`SETTLE=0` picks it at once).
  await page.waitForTimeout(Number(process.env.SETTLE ?? 1000));
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'blink.user_timing', 'toplevel', 'v8.execute',
      // Sampled CPU profiles of every thread, the import worker's too (CDP's Profiler only
      // reaches the page).
      'disabled-by-default-v8.cpu_profiler'],
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.setInputFiles('input[type=file]', file);
  await page.waitForFunction(() => window.__rowsPainted !== undefined, null, { timeout: 600_000, polling: 250 });
  const { profile } = await cdp.send('Profiler.stop');
  printProfile(profile);
  fs.writeFileSync(path.join(repoRoot, 'bench', 'out', 'profile-load.cpuprofile'), JSON.stringify(profile));
  const [change, painted] = await page.evaluate(() => [window.__change, window.__rowsPainted]);
  const buffer = await browser.stopTracing();
  const out = path.join(repoRoot, 'bench', 'out', 'profile-load.json');
  fs.writeFileSync(out, buffer);
  console.log(`change → painted: ${(painted - change).toFixed(0)} ms; trace in ${out}`);
  const events = JSON.parse(buffer.toString()).traceEvents;
  const threads = new Map();
  for (const e of events) if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const mark = events.find((e) => e.name === 'profile:change');
  const t0 = mark ? mark.ts : Math.min(...events.filter((e) => e.ts).map((e) => e.ts));
  const t1 = t0 + (painted - change) * 1000;
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur || e.ts < t0 - 1000 || e.ts > t1) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  for (const [key, list] of byThread) {
    const name = threads.get(key) || key;
    if (!/CrRendererMain|DedicatedWorker/.test(name)) continue;
    const tasks = list.filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask');
    const busy = tasks.reduce((a, e) => a + e.dur, 0) / 1000;
    console.log(`\n== ${name}: ${tasks.length} tasks, busy ${busy.toFixed(0)} ms of ${((t1 - t0) / 1000).toFixed(0)}`);
    let last = t0;
    for (const task of tasks.sort((a, b) => a.ts - b.ts)) {
      const gap = (task.ts - last) / 1000;
      if (task.dur < 4000) continue;
      const children = list
        .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e.dur > 1000)
        .sort((a, b) => b.dur - a.dur).slice(0, 6)
        .map((e) => `${e.name}${e.args?.data?.functionName ? '(' + e.args.data.functionName + ')' : ''} ${(e.dur / 1000).toFixed(0)}`);
      console.log(`  +${((task.ts - t0) / 1000).toFixed(0)} ms (gap ${gap.toFixed(0)}) task ${(task.dur / 1000).toFixed(0)} ms: ${children.join(', ')}`);
      last = task.ts + task.dur;
    }
  }
  printWorkerProfiles(events);
} finally {
  await browser.close();
  await server.close();
}
