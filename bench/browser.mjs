// Browser benchmark (not a test): serves a release build (dist/, or STRAND_DIST), and for each size
// and format measures, in a fresh headless Chromium per run, what a user waits for:
//
//   file → rows   from the file input's `change` event to the first waterfall rows painted (a
//                 large file's preview's, when it has one: `preview` says so; `all in` is the
//                 whole file's time): a
//                 MutationObserver in the page sees the first `.wf-row` arrive, and the time is
//                 taken after the next frame's paint (a message posted from that frame's
//                 requestAnimationFrame runs once the frame is painted). Nothing polls the page
//                 while it loads: Playwright's waitForSelector checked visibility in the page,
//                 ~15-30 ms of style work inside the measured window, and the figure before
//                 2026-12-03 (two frames after Playwright saw the rows) included that and a frame
//   rows in DOM   when the first `.wf-row` was inserted (the same observer)
//   phases        Strand's own User Timing measures: strand:read / strand:import / strand:encode
//                 (the import workers' time, summed over the parts of a split file),
//                 strand:import-wall (first byte read to last part imported, wall clock),
//                 strand:merge (decode + merge on the page, summed), strand:analysis
//   floor         the browser's own fetch().arrayBuffer() + TextDecoder + JSON.parse of the
//                 same bytes, in the same page, after Strand's load
//   import/parse  strand:import-wall without reading, over JSON.parse: below 1 is faster
//   long task     the longest task on the page between `change` and the painted rows
//                 (PerformanceObserver "longtask"), and how many were over 200 ms; the longest
//                 task until the progress bar is gone (keeping's write can start in that window).
//                 BENCH_LONG_TASKS=1 prints every task over 50 ms with its start after `change`,
//                 then waits for keeping's write and prints the tasks after the window too
//   frames        mean and p95 frame time while scrolling and zooming the waterfall
//   memory        the page's WebAssembly memory after the load, and its ratio to the file
//
// The format `ecs` loads that many synthetic ECS log lines instead (JSON lines, timed until the
// notice counting them shows; its floor parses each line).
//
//   scripts/bench.sh [--sizes 1000,10000,100000,1000000] [--formats jaeger,zipkin,otlp,ecs] [--runs 5]
//                    [--query workers=2] [--no-frames] [--settle MS]
//
// The file is chosen once the page and the import worker report their warm-up done (at most
// 3 s after the page opened) and then `--settle` ms more, 1000 by default: a person needs longer
// than that to open the file dialog and pick a file, and by then the browser has finished the
// background work of the page's start (optimising the warmed code, collecting garbage).
// `--settle 0` picks the file the moment the warm-up is done, as the figures before
// 2026-12-04 did: that adds ~30-100 ms to a small file's time, work no user would wait for.
//
// Prints one Markdown table (medians of the runs; the load average next to each row, since
// other work on the machine moves every figure) and writes bench/out/browser.json.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser, repoRoot, distDir } from '../tests/e2e/harness.mjs';
import { watchLongTasks } from './long-tasks.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const sizes = opt('sizes', '1000,10000,100000,1000000').split(',').map(Number);
const formats = opt('formats', 'jaeger,zipkin,otlp').split(',');
const runs = Number(opt('runs', '5'));
const query = opt('query', '');
const withFrames = !args.includes('--no-frames');
const settleMs = Number(opt('settle', '1000'));
const outDir = path.join(repoRoot, 'bench', 'out');
fs.mkdirSync(outDir, { recursive: true });

const synth = path.join(repoRoot, 'target', 'release', 'examples', 'synth');
// `ecs` is log lines (JSON lines, `n` of them) rather than a trace.
const isLogs = (format) => format === 'ecs';
function traceFile(format, n) {
  const file = path.join(outDir, `synth-${n}.${format}.${isLogs(format) ? 'jsonl' : 'json'}`);
  if (!fs.existsSync(file)) execFileSync(synth, [format, String(n), '42', file]);
  return file;
}

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
};
const loadAverage = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

// In the page: frame intervals while something changes once per frame.
async function frames(page, action, count) {
  return page.evaluate(async ({ action, count }) => {
    const grid = document.querySelector('[role=treegrid]');
    const scroller = (() => {
      let el = grid;
      while (el && el !== document.body) {
        if (el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== 'visible') return el;
        el = el.parentElement;
      }
      return document.scrollingElement;
    })();
    const times = [];
    let last = await new Promise(requestAnimationFrame);
    for (let i = 0; i < count; i++) {
      if (action === 'scroll') scroller.scrollTop += 240;
      else if (action === 'zoom') grid.dispatchEvent(new KeyboardEvent('keydown', { key: i % 20 < 10 ? '+' : '-', bubbles: true }));
      const now = await new Promise(requestAnimationFrame);
      times.push(now - last);
      last = now;
    }
    times.sort((a, b) => a - b);
    return { mean: times.reduce((a, b) => a + b, 0) / times.length, p95: times[Math.floor(times.length * 0.95)] };
  }, { action, count });
}

async function measureOnce(url, file, fileUrl) {
  // A fresh browser (and profile) per run: nothing compiled or cached from an earlier run.
  const browser = await launchBrowser(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(() => {
      addEventListener('TrunkApplicationStarted', (e) => { window.__strandWasm = e.detail.wasm; });
      document.addEventListener('change', () => { window.__change = performance.now(); }, true);
      // The first waterfall row, seen when it is inserted, and the end of the frame that paints it.
      const rows = new MutationObserver(() => {
        if (window.__change === undefined || !document.querySelector('.wf-row')) return;
        rows.disconnect();
        window.__rowsInDom = performance.now();
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => { window.__rowsPainted = performance.now(); };
          channel.port2.postMessage(null);
        });
      });
      addEventListener('DOMContentLoaded', () => rows.observe(document.body, { childList: true, subtree: true }));
    });
    await watchLongTasks(page);
    await page.goto(url + (query ? `?${query}` : ''));
    await page.waitForSelector('.topbar .brand');
    // A person needs a moment to pick a file: the file is chosen once the page and the import
    // worker report their warm-up done (at most 3 s after the page opened).
    await page.waitForFunction(
      () => ['strand:warm:page', 'strand:warm:worker'].every((n) => performance.getEntriesByName(n).length),
      null, { timeout: 3000 },
    ).catch(() => {});
    const warm = await page.evaluate(() => Object.fromEntries(['strand:warm:page', 'strand:warm:worker']
      .map((n) => [n.split(':').pop(), performance.getEntriesByName(n)[0]?.duration ?? NaN])));
    if (settleMs > 0) await page.waitForTimeout(settleMs);
    await page.setInputFiles('input[type=file]', file);
    if (/\.jsonl$/.test(file)) {
      // Log lines alone draw no waterfall: they are in once the notice counting them is shown.
      await page.waitForFunction(() => !document.querySelector('.load-progress')
        && /log line/.test(document.querySelector('.notices')?.textContent ?? ''), null, { timeout: 600_000 });
    } else {
      await page.waitForFunction(() => window.__rowsPainted !== undefined, null, { timeout: 600_000, polling: 250 });
    }
    const [paintedAt, rowsAt] = /\.jsonl$/.test(file)
      ? [await page.evaluate(() => performance.now()), NaN]
      : await page.evaluate(() => [window.__rowsPainted, window.__rowsInDom]);
    // The whole file is in once the progress bar is gone (a split file paints its first rows earlier).
    await page.waitForFunction(() => !document.querySelector('.load-progress'), null, { timeout: 600_000 });
    const doneAt = await page.evaluate(() => performance.now());
    const phases = await page.evaluate(() => {
      const m = (name) => performance.getEntriesByName(name, 'measure').reduce((a, e) => a + e.duration, 0);
      return {
        read: m('strand:read'), import: m('strand:import'), importWall: m('strand:import-wall'), encode: m('strand:encode'),
        merge: m('strand:merge'), analysis: m('strand:analysis'), parts: performance.getEntriesByName('strand:encode', 'measure').length,
        preview: performance.getEntriesByName('strand:preview', 'measure').length,
      };
    });
    const change = await page.evaluate(() => window.__change);
    const longTasks = await page.evaluate(({ from, to }) => window.__longTasks.filter(([s]) => s >= from - 1 && s <= to), { from: change, to: doneAt });
    if (process.env.BENCH_LONG_TASKS) {
      // Keeping's write comes after the window: wait for it and print its tasks too.
      await page.waitForFunction(() => performance.getEntriesByName('strand:keep', 'measure').length, null, { timeout: 30_000 }).catch(() => {});
      const after = await page.evaluate((to) => window.__longTasks.filter(([s]) => s > to), doneAt);
      const keep = await page.evaluate(() => performance.getEntriesByName('strand:keep', 'measure')[0]?.duration ?? NaN);
      const list = (tasks) => tasks.filter((t) => t[1] > 50).map(([s, d]) => `+${(s - change).toFixed(0)}:${d.toFixed(0)}`).join(' ');
      console.error(`long tasks (start after change, ms): ${list(longTasks)}; done at +${(doneAt - change).toFixed(0)}; after it: ${list(after)} (keeping's write ${keep.toFixed(0)} ms in all)`);
    }
    let frameFigures = {};
    if (withFrames && !/\.jsonl$/.test(file)) {
      await page.focus('[role=treegrid]').catch(() => {});
      const scroll = await frames(page, 'scroll', 120);
      const zoom = await frames(page, 'zoom', 60);
      frameFigures = { scrollMean: scroll.mean, scrollP95: scroll.p95, zoomMean: zoom.mean, zoomP95: zoom.p95 };
    }
    const memory = await page.evaluate(() => {
      if (window.gc) window.gc();
      return { wasm: window.__strandWasm?.memory?.buffer?.byteLength ?? NaN, heap: performance.memory?.usedJSHeapSize ?? NaN };
    });
    // The browser's own floor on the same bytes, in the same page.
    const floor = await page.evaluate(async (fileUrl) => {
      const t0 = performance.now();
      const bytes = new Uint8Array(await (await fetch(fileUrl)).arrayBuffer());
      const t1 = performance.now();
      const text = new TextDecoder().decode(bytes);
      const t2 = performance.now();
      // JSON lines: each line is its own document.
      if (/\.jsonl$/.test(fileUrl)) for (const line of text.split('\n')) { if (line) JSON.parse(line); }
      else JSON.parse(text);
      const t3 = performance.now();
      return { fetch: t1 - t0, decode: t2 - t1, parse: t3 - t2 };
    }, fileUrl);
    const problems = await page.evaluate(() => (document.getElementById('panic-banner')?.hidden === false ? 'panic banner shown' : ''));
    return {
      firstPaint: paintedAt - change, rowsInDom: rowsAt - change, allLoaded: doneAt - change, ...phases, warmPage: warm.page, warmWorker: warm.worker,
      longestTask: Math.max(0, ...longTasks.map((t) => t[1])), longTasksOver200: longTasks.filter((t) => t[1] > 200).length,
      ...frameFigures, ...memory,
      floor: floor.fetch + floor.decode + floor.parse, jsonParse: floor.parse, problems,
    };
  } finally {
    await browser.close();
  }
}

function appSize() {
  let raw = 0;
  let gz = 0;
  for (const f of fs.readdirSync(distDir)) {
    if (!/\.(wasm|js|css)$/.test(f)) continue;
    const bytes = fs.readFileSync(path.join(distDir, f));
    raw += bytes.length;
    gz += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gz };
}

const server = await serveStatic(distDir);
// Another origin: the trace files need CORS to be fetched for the floor.
const files = await serveStatic(outDir, { 'access-control-allow-origin': '*' });
const results = [];
const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const header = ['spans', 'format', 'file MB', 'preview', 'file → rows ms', 'rows in DOM ms', 'all in ms', 'read ms', 'import wall ms', 'JSON.parse ms',
  'import / parse', 'encode ms', 'merge ms', 'floor ms', 'longest task ms', 'scroll ms/frame (p95)', 'zoom ms/frame (p95)',
  'WASM MB', 'WASM / file', 'warm-up page / worker ms', 'load avg'];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
try {
  for (const n of sizes) {
    for (const format of formats) {
      const file = traceFile(format, n);
      const bytes = fs.statSync(file).size;
      const samples = [];
      const loads = [];
      for (let r = 0; r < runs; r++) {
        loads.push(loadAverage());
        samples.push(await measureOnce(server.url, file, files.url + path.basename(file)));
      }
      const row = { spans: n, format, bytes, load: loads };
      for (const key of Object.keys(samples[0])) {
        row[key] = key === 'problems' ? samples.map((s) => s.problems).filter(Boolean).join('; ') : median(samples.map((s) => s[key]));
      }
      row.importWithoutRead = row.importWall > 0 ? row.importWall - (row.parts > 1 ? 0 : row.read) : row.import;
      row.samples = samples;
      results.push(row);
      console.log(`| ${[
        n.toLocaleString('en'), format, fmt(bytes / 1e6, 1), row.preview > 0 ? 'yes' : 'no', fmt(row.firstPaint), fmt(row.rowsInDom), fmt(row.allLoaded), fmt(row.read), fmt(row.importWall || row.import),
        fmt(row.jsonParse), fmt(row.importWithoutRead / row.jsonParse, 2), fmt(row.encode), fmt(row.merge), fmt(row.floor),
        `${fmt(row.longestTask)}${row.longTasksOver200 ? ` (${row.longTasksOver200} > 200)` : ''}`,
        `${fmt(row.scrollMean, 1)} (${fmt(row.scrollP95, 1)})`, `${fmt(row.zoomMean, 1)} (${fmt(row.zoomP95, 1)})`,
        fmt(row.wasm / 1e6, 0), fmt(row.wasm / bytes, 2), `${fmt(row.warmPage)} / ${fmt(row.warmWorker)}`,
        `${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)}`,
      ].join(' | ')} |${row.problems ? `  ${row.problems}` : ''}`);
    }
  }
} finally {
  await server.close();
  await files.close();
}
const size = appSize();
console.log(`shipped app (wasm + js + css): ${(size.raw / 1e3).toFixed(0)} kB, ${(size.gz / 1e3).toFixed(0)} kB gzip`);
const out = path.join(outDir, 'browser.json');
fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), runs, query, settleMs, dist: distDir, app: size, results }, null, 1));
console.log(`wrote ${out}`);
