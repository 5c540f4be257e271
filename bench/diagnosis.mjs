// Browser benchmark of the diagnosis views (not a test): the same data as
// `cargo bench --bench diagnosis`, written as files by `examples/diagnosis_data.rs`, loaded into
// the release build (dist/) in Debian's Chromium. Reads Strand's User Timing measures:
//
// - strand:outliers  — the outliers panel: selection (a search over every span), the default
//                      baseline and the attribute ranking, 100k spans with eight extra
//                      attributes each;
// - strand:compare   — the compare page's groups and merged path tree, 1,000 traces against
//                      1,000 (200k spans); strand:compare:collapse and :rows — the first
//                      view of its tree;
// - strand:waterfall:folds / :rows — fold groups and the row list of a 1M-span trace of loops,
//                      and scroll frames with folding on and off.
//
//   node bench/diagnosis.mjs [--runs 5] [--skip-folding]
//
// Prints a table (median and best of the runs) and writes bench/out/browser-diagnosis.json.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser, newPage, repoRoot } from '../tests/e2e/harness.mjs';

const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 5);
const skipFolding = args.includes('--skip-folding');
const outDir = path.join(repoRoot, 'bench', 'out');
fs.mkdirSync(outDir, { recursive: true });

const files = ['ranking.otlp.jsonl', 'compare.otlp.jsonl', 'loops.otlp.json'].map((f) => path.join(outDir, f));
if (files.some((f) => !fs.existsSync(f))) {
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'diagnosis_data', '--', outDir], { cwd: repoRoot, stdio: 'inherit' });
}
const [rankingFile, compareFile, loopsFile] = files;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const best = (xs) => Math.min(...xs);

/** The duration of the latest User Timing measure `name`, once there are more than `after`. */
async function latestMeasure(page, name, after) {
  await page.waitForFunction(([n, k]) => performance.getEntriesByName(n, 'measure').length > k, [name, after], { timeout: 120_000 });
  return page.evaluate((n) => performance.getEntriesByName(n, 'measure').at(-1).duration, name);
}
const measureCount = (page, name) => page.evaluate((n) => performance.getEntriesByName(n, 'measure').length, name);

async function load(page, file) {
  await page.goto(server.url);
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', file);
  await page.waitForSelector('tr.trace-row', { timeout: 600_000 });
  await page.waitForFunction(() => !document.querySelector('.load-progress'), null, { timeout: 600_000 });
}

// In the page: frame intervals while the waterfall scrolls by 240 px a frame (as bench/browser.mjs).
async function scrollFrames(page, count = 120) {
  return page.evaluate(async (count) => {
    const scroller = document.querySelector('.wf-scroll');
    scroller.scrollTop = 0;
    const times = [];
    let last = await new Promise(requestAnimationFrame);
    for (let i = 0; i < count; i++) {
      scroller.scrollTop += 240;
      const now = await new Promise(requestAnimationFrame);
      times.push(now - last);
      last = now;
    }
    times.sort((a, b) => a - b);
    return { mean: times.reduce((a, b) => a + b, 0) / times.length, p95: times[Math.floor(times.length * 0.95)] };
  }, count);
}

async function ranking(page) {
  await load(page, rankingFile);
  await page.click('button[data-page=analytics]');
  await page.waitForSelector('.outliers-panel');
  await page.click('.outliers-picks button[data-pick="query"]');
  const input = page.locator('input[aria-label="Spans matching"]');
  const times = [];
  let selected = '';
  // The same selection written two ways, so that each run computes afresh.
  for (let i = 0; i < runs; i++) {
    const before = await measureCount(page, 'strand:outliers');
    await input.fill(i % 2 === 0 ? '>50ms' : '>50000us');
    await input.press('Enter');
    times.push(await latestMeasure(page, 'strand:outliers', before));
    selected = await page.locator('.outliers-panel .side-selection').innerText();
  }
  const spans = await page.locator('.topbar .totals').innerText();
  return { name: 'outliers panel: `>50ms` over every span, default baseline, ranking', data: spans, times, note: selected };
}

async function compare(page) {
  await load(page, compareFile);
  await page.click('button[data-page=compare]');
  await page.click('.compare-modes button[data-mode="slowest"]');
  await page.waitForSelector('input.compare-percent');
  const times = [];
  const rows = [];
  const painted = [];
  let note = '';
  for (let i = 0; i < runs * 2; i++) {
    const percent = i % 2 === 0 ? '50' : '49';
    const before = await measureCount(page, 'strand:compare');
    const beforeRows = await measureCount(page, 'strand:compare:rows');
    const t0 = await page.evaluate(() => performance.now());
    await page.fill('input.compare-percent', percent);
    await page.press('input.compare-percent', 'Enter');
    const compareMs = await latestMeasure(page, 'strand:compare', before);
    const rowsMs = await latestMeasure(page, 'strand:compare:rows', beforeRows)
      + (await page.evaluate(() => performance.getEntriesByName('strand:compare:collapse', 'measure').at(-1)?.duration ?? 0));
    await page.waitForFunction((p) => document.querySelector('.compare-side[data-side="b"]')?.innerText.includes(`slowest ${p}%`), percent);
    const paint = await page.evaluate((t) => new Promise((r) => requestAnimationFrame(() => r(performance.now() - t))), t0);
    if (percent === '50') {
      times.push(compareMs);
      rows.push(rowsMs);
      painted.push(paint);
      note = `${await page.locator('.compare-side[data-side="a"] .side-totals').innerText()} vs ${await page.locator('.compare-side[data-side="b"] .side-totals').innerText()}; ${await page.locator('.compare-differences').innerText()}`;
    }
  }
  return [
    { name: 'compare page: slowest 50% vs the rest (groups + merged path tree)', data: '2,000 traces · 200k spans', times, note },
    { name: 'compare page: first rows (collapse state + visible rows)', data: '', times: rows, note: '' },
    { name: 'compare page: Enter in the share field to painted rows', data: '', times: painted, note: '' },
  ];
}

async function folding(page) {
  await load(page, loopsFile);
  await page.waitForSelector('.wf-row', { timeout: 600_000 });
  const folds = await latestMeasure(page, 'strand:waterfall:folds', 0);
  const rowsFolded = await page.evaluate(() => performance.getEntriesByName('strand:waterfall:rows', 'measure').at(-1).duration);
  const rowCount = (p) => p.locator('.wf-scroll').getAttribute('aria-rowcount').then(Number);
  const foldedRows = await rowCount(page);
  await page.evaluate(() => document.querySelector('.waterfall').scrollIntoView());
  const on = [];
  for (let i = 0; i < Math.min(runs, 3); i++) on.push(await scrollFrames(page));
  const before = await measureCount(page, 'strand:waterfall:rows');
  await page.getByLabel('Fold repeats').uncheck();
  const rowsPlain = await latestMeasure(page, 'strand:waterfall:rows', before);
  const plainRows = await rowCount(page);
  const off = [];
  for (let i = 0; i < Math.min(runs, 3); i++) off.push(await scrollFrames(page));
  const spans = await page.locator('.topbar .totals').innerText();
  return [
    { name: 'fold groups of a 1M-span trace of loops', data: spans, times: [folds], note: `${foldedRows} rows folded, ${plainRows} unfolded` },
    { name: 'row list with folding / without', data: '', times: [rowsFolded], note: `without: ${rowsPlain.toFixed(1)} ms` },
    { name: 'scroll frame, folding on (ms per frame, mean of 120)', data: '', times: on.map((f) => f.mean), note: `p95 ${median(on.map((f) => f.p95)).toFixed(1)} ms` },
    { name: 'scroll frame, folding off (ms per frame, mean of 120)', data: '', times: off.map((f) => f.mean), note: `p95 ${median(off.map((f) => f.p95)).toFixed(1)} ms` },
  ];
}

const server = await serveStatic();
const browser = await launchBrowser();
const results = [];
try {
  for (const step of [ranking, compare, ...(skipFolding ? [] : [folding])]) {
    const page = await newPage(browser, { width: 1600, height: 1000 });
    const out = await step(page);
    results.push(...(Array.isArray(out) ? out : [out]));
    if (page.problems.length) console.error(page.problems);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const version = execFileSync('/usr/bin/chromium', ['--version']).toString().trim();
console.log(`${version}; median (best) of ${runs} runs, ms`);
for (const r of results) {
  console.log(`${r.name} | ${r.data} | ${median(r.times).toFixed(1)} (${best(r.times).toFixed(1)}) | ${r.note}`);
}
fs.writeFileSync(path.join(outDir, 'browser-diagnosis.json'), JSON.stringify({ browser: version, runs, results }, null, 2));
console.log(`wrote ${path.join(outDir, 'browser-diagnosis.json')}`);
