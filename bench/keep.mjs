// Benchmark of keeping the workspace: loads a synthetic OTLP file of N spans (one trace) into
// the release build in Chromium, waits until the workspace is written to IndexedDB, and reports
// the encode and write times (User Timing `strand:keep-encode`, `strand:keep`: encode + write,
// measured from the start of the write, after the load settled), the stored bytes, then reloads
// and reports the restore (`strand:restore`: read + decode + merge) and the time from navigation
// until the waterfall shows, and the longest task of the page while writing (from the load's
// settling to the end of the write) and while restoring (from the restore's start to the waterfall).
// Medians of the runs; STRAND_DIST picks the build.
//
//   node bench/keep.mjs [--spans 100000] [--runs 3]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser, repoRoot } from '../tests/e2e/harness.mjs';
import { watchLongTasks } from './long-tasks.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const spans = Number(opt('spans', '100000'));
const runs = Number(opt('runs', '3'));
const outDir = path.join(repoRoot, 'bench', 'out');
fs.mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `synth-${spans}.otlp.json`);
if (!fs.existsSync(file)) {
  const synth = path.join(repoRoot, 'target', 'release', 'examples', 'synth');
  if (fs.existsSync(synth)) execFileSync(synth, ['otlp', String(spans), '42', file]);
  else execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'synth', '--', 'otlp', String(spans), '42', file], { cwd: repoRoot });
}

const server = await serveStatic();
const browser = await launchBrowser();
const results = [];
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await watchLongTasks(page);
  await page.goto(server.url);
  await page.waitForSelector('.dropzone');
  await page.setInputFiles('input[type=file]', file);
  await page.waitForFunction(() => performance.getEntriesByName('strand:keep').length > 0, null, { timeout: 300_000 });
  const saved = await page.evaluate(async () => {
    const m = (name) => performance.getEntriesByName(name).at(-1)?.duration;
    const keep = performance.getEntriesByName('strand:keep').at(-1);
    const writeTask = Math.max(0, ...window.__longTasks.filter(([s]) => s >= keep.startTime && s <= keep.startTime + keep.duration).map(([, d]) => d));
    const bytes = await new Promise((resolve, reject) => {
      const open = indexedDB.open('strand', 1);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('workspace').objectStore('workspace').get('dataset');
        // A Blob (an older record: a Uint8Array).
        get.onsuccess = () => { const b = get.result?.bytes; resolve(b?.size ?? b?.length ?? 0); open.result.close(); };
        get.onerror = () => reject(get.error);
      };
    });
    return { encodeMs: m('strand:keep-encode'), keepMs: m('strand:keep'), bytes, writeTaskMs: writeTask };
  });
  await page.reload();
  await page.waitForSelector('.wf-row', { timeout: 300_000 });
  const restored = await page.evaluate(() => ({
    restoreMs: performance.getEntriesByName('strand:restore').at(-1)?.duration,
    shownMs: performance.now(),
    // From the start of the restore (the app's own start before it is not the restore's).
    restoreTaskMs: Math.max(0, ...window.__longTasks
      .filter(([s]) => s >= (performance.getEntriesByName('strand:restore').at(-1)?.startTime ?? 0)).map(([, d]) => d)),
  }));
  results.push({ ...saved, ...restored });
  await context.close();
}
await browser.close();
await server.close();
const median = (key) => {
  const v = results.map((r) => r[key]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
const fileBytes = fs.statSync(file).size;
const summary = {
  spans, runs, fileMB: +(fileBytes / 1e6).toFixed(1), storedMB: +(median('bytes') / 1e6).toFixed(1),
  encodeMs: Math.round(median('encodeMs')), keepMs: Math.round(median('keepMs')),
  restoreMs: Math.round(median('restoreMs')), reloadToWaterfallMs: Math.round(median('shownMs')),
  longestTaskWritingMs: Math.round(median('writeTaskMs')), longestTaskRestoringMs: Math.round(median('restoreTaskMs')),
};
console.log(JSON.stringify(summary));
fs.writeFileSync(path.join(outDir, 'keep.json'), JSON.stringify({ summary, results }, null, 2));
