// End-to-end smoke run over every real file at hand: each public sample (../shared/samples) and
// each log fixture is opened on its own, and a few of its traces are shown in every tab of the
// trace page with a span's details open, then the service map, analytics and compare pages.
// Nothing may log an error or panic (a WASM panic kills the page): other tests check what the
// views show; this one checks that real data of every shape reaches every view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, launchBrowser, newPage, navigate, frames, samplesDir, repoRoot } from './harness.mjs';

const TABS = ['waterfall', 'flame', 'statistics', 'spans', 'logs', 'map', 'json'];
/** How many traces of a file are shown in every tab. */
const TRACES_PER_FILE = 3;

const files = [
  ...fs.readdirSync(samplesDir).filter((f) => /\.jsonl?$/.test(f)).map((f) => path.join(samplesDir, f)),
  ...fs.readdirSync(path.join(repoRoot, 'tests', 'fixtures', 'logs')).map((f) => path.join(repoRoot, 'tests', 'fixtures', 'logs', f)),
].sort();

let server;
let browser;

before(async () => {
  server = await serveStatic();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Goes to `query` as back/forward would, and lets the page render (deferred work included). */
async function visit(page, query) {
  await navigate(page, query);
  await frames(page);
  await page.waitForTimeout(60);
}

test('every sample and log fixture opens in every view without an error', async () => {
  assert.ok(files.length >= 25, `${files.length} files`);
  let traces = 0;
  for (const file of files) {
    const name = path.basename(file);
    const page = await newPage(browser, { width: 1366, height: 768 });
    await page.goto(`${server.url}?keep=0`);
    await page.waitForSelector('.topbar .brand');
    await page.setInputFiles('input[type=file]', [file]);
    await page.waitForSelector('.notice', { timeout: 30_000 });
    await page.waitForSelector('.load-progress', { state: 'detached' });
    const ids = [];
    const rows = await page.locator('tr.trace-row').count();
    for (let i = 0; i < Math.min(rows, TRACES_PER_FILE); i++) {
      await visit(page, '?');
      await page.locator('tr.trace-row').nth(i).click();
      // (A trace whose file gives it no id is `trace=`, empty.)
      await page.waitForFunction(() => new URL(location.href).searchParams.has('trace'), null, { timeout: 5_000 })
        .catch((e) => { throw new Error(`${name}: trace ${i} of ${rows}: ${page.url()}: ${e.message}`); });
      const id = new URL(page.url()).searchParams.get('trace');
      ids.push(id);
      for (const tab of TABS) {
        await visit(page, `?trace=${encodeURIComponent(id)}&view=${tab}`);
      }
      // A span's details: the second row when there is one (the first is a root).
      await visit(page, `?trace=${encodeURIComponent(id)}`);
      const spans = page.locator('.wf-row');
      if ((await spans.count()) > 0) {
        await spans.nth(Math.min(1, (await spans.count()) - 1)).click();
        await page.waitForSelector('.span-details');
      }
    }
    traces += ids.length;
    await visit(page, '?page=map');
    await visit(page, '?page=analytics');
    if (ids.length >= 2) {
      await visit(page, `?page=compare&a=${encodeURIComponent(ids[0])}&b=${encodeURIComponent(ids[1])}`);
    }
    assert.equal(await page.locator('#panic-banner:not([hidden])').count(), 0, `${name}: the panic banner shows`);
    assert.deepEqual(page.problems, [], name);
    await page.close();
  }
  assert.ok(traces >= 20, `${traces} traces shown`);
});
