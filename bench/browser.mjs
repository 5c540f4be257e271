// Browser benchmark: serves the release build (dist/), drives Debian's Chromium with
// playwright-core, and for each size and format records what a user waits for, reading Strand's
// own User Timing phases and measuring frames. The import worker reads, parses and encodes
// (strand:read, strand:import, strand:encode: it posts its timings and the page records them as
// measures); the page decodes and merges (strand:merge), then analyses (strand:analysis).
//
//   scripts/bench.sh [--sizes 1000,10000,100000,1000000] [--formats jaeger,zipkin,otlp] [--runs 3]
//
// Prints a table (medians of the runs) and writes bench/out/browser.json.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser, repoRoot, distDir } from '../tests/e2e/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const sizes = opt('sizes', '1000,10000,100000,1000000').split(',').map(Number);
const formats = opt('formats', 'jaeger,zipkin,otlp').split(',');
const runs = Number(opt('runs', '3'));
const outDir = path.join(repoRoot, 'bench', 'out');
fs.mkdirSync(outDir, { recursive: true });

const synth = path.join(repoRoot, 'target', 'release', 'examples', 'synth');
function traceFile(format, n) {
  const file = path.join(outDir, `synth-${n}.${format}.json`);
  if (!fs.existsSync(file)) execFileSync(synth, [format, String(n), '42', file]);
  return file;
}

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
};

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

async function measureOnce(browser, url, file, fileUrl) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__strandWasm = e.detail.wasm; });
  });
  await page.goto(url);
  await page.waitForSelector('.topbar .brand');
  // The browser's own JSON.parse on the same bytes, in the same page, as the reference.
  const reference = await page.evaluate(async (fileUrl) => {
    const bytes = new Uint8Array(await (await fetch(fileUrl)).arrayBuffer());
    const t0 = performance.now();
    const text = new TextDecoder().decode(bytes);
    const t1 = performance.now();
    JSON.parse(text);
    const t2 = performance.now();
    return { decode: t1 - t0, parse: t2 - t1 };
  }, fileUrl);
  await page.evaluate(() => { if (window.gc) window.gc(); performance.clearMarks(); performance.clearMeasures(); });
  const started = Date.now();
  await page.setInputFiles('input[type=file]', file);
  await page.waitForSelector('.wf-row', { timeout: 300_000 });
  // Two frames: the rows are painted.
  const paintedAt = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))));
  const wall = Date.now() - started;
  const phases = await page.evaluate(() => {
    const m = (name) => performance.getEntriesByName(name, 'measure').reduce((a, e) => a + e.duration, 0);
    const readStart = performance.getEntriesByName('strand:read:start', 'mark')[0]?.startTime ?? NaN;
    return {
      read: m('strand:read'), import: m('strand:import'), encode: m('strand:encode'), merge: m('strand:merge'),
      analysis: m('strand:analysis'), readStart,
    };
  });
  const firstPaint = paintedAt - phases.readStart;
  // Expand all, from collapsed.
  let expandAll = NaN;
  const collapse = page.getByRole('button', { name: 'Collapse all' });
  const expand = page.getByRole('button', { name: 'Expand all' });
  if (await collapse.count() && await expand.count()) {
    await collapse.first().click();
    expandAll = await page.evaluate(() => new Promise((resolve) => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Expand all');
      const t0 = performance.now();
      button.click();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    }));
  }
  await page.focus('[role=treegrid]').catch(() => {});
  const scroll = await frames(page, 'scroll', 120);
  const zoom = await frames(page, 'zoom', 60);
  const memory = await page.evaluate(() => {
    if (window.gc) window.gc();
    return {
      wasm: window.__strandWasm?.memory?.buffer?.byteLength ?? NaN,
      heap: performance.memory?.usedJSHeapSize ?? NaN,
    };
  });
  const problems = await page.evaluate(() => document.getElementById('panic-banner')?.hidden === false ? 'panic banner shown' : '');
  await context.close();
  return { wall, firstPaint, ...phases, expandAll, scrollMean: scroll.mean, scrollP95: scroll.p95, zoomMean: zoom.mean, zoomP95: zoom.p95, ...memory, jsonParse: reference.parse, textDecode: reference.decode, problems };
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
// Another origin: the trace files need CORS to be fetched for the JSON.parse reference.
const files = await serveStatic(outDir, { 'access-control-allow-origin': '*' });
const browser = await launchBrowser(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
const results = [];
const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '-');
console.log(['spans', 'format', 'MB', 'read ms', 'import ms', 'JSON.parse ms', 'encode ms', 'merge ms', 'analysis ms', 'file->paint ms', 'expand-all ms', 'scroll ms/frame (p95)', 'zoom ms/frame (p95)', 'wasm MB', 'JS heap MB', 'wasm/file'].join(' | '));
try {
  for (const n of sizes) {
    for (const format of formats) {
      const file = traceFile(format, n);
      const bytes = fs.statSync(file).size;
      const samples = [];
      for (let r = 0; r < runs; r++) {
        samples.push(await measureOnce(browser, server.url, file, files.url + path.basename(file)));
      }
      const row = { spans: n, format, bytes };
      for (const key of Object.keys(samples[0])) {
        row[key] = key === 'problems' ? samples.map((s) => s.problems).filter(Boolean).join('; ') : median(samples.map((s) => s[key]));
      }
      results.push(row);
      console.log([
        n, format, fmt(bytes / 1e6, 1), fmt(row.read), fmt(row.import), fmt(row.jsonParse), fmt(row.encode),
        fmt(row.merge), fmt(row.analysis),
        fmt(row.firstPaint), fmt(row.expandAll), `${fmt(row.scrollMean, 1)} (${fmt(row.scrollP95, 1)})`,
        `${fmt(row.zoomMean, 1)} (${fmt(row.zoomP95, 1)})`, fmt(row.wasm / 1e6, 0), fmt(row.heap / 1e6, 0),
        fmt(row.wasm / bytes, 2),
      ].join(' | ') + (row.problems ? `  ${row.problems}` : ''));
    }
  }
} finally {
  await browser.close();
  await server.close();
  await files.close();
}
const size = appSize();
console.log(`shipped app (wasm + js + css): ${(size.raw / 1e3).toFixed(0)} kB, ${(size.gz / 1e3).toFixed(0)} kB gzip`);
const out = path.join(outDir, 'browser.json');
const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load average at the end: ${load}`);
fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), runs, load, app: size, results }, null, 1));
console.log(`wrote ${out}`);
