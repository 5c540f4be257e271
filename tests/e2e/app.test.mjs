// End-to-end: the served release build in Chromium, driven as a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serveStatic, launchBrowser, newPage, screenshot, sample, tempFile } from './harness.mjs';

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

async function openApp(query = '') {
  const page = await newPage(browser);
  await page.goto(server.url + query);
  await page.waitForSelector('.topbar .brand');
  return page;
}

test('the demo trace opens with one click and shows its spans', async () => {
  const page = await openApp();
  assert.equal(await page.textContent('.brand'), 'Strand');
  await page.getByRole('button', { name: 'Open the demo trace' }).click();
  await page.waitForSelector('.wf-row');
  assert.equal(await page.locator('tr.trace-row').count(), 1);
  const header = await page.textContent('.trace-header');
  assert.match(header, /api-gateway/);
  assert.match(header, /POST \/api\/checkout/);
  assert.match(header, /Duration\s*1\.16s/);
  assert.match(header, /Spans\s*43/);
  assert.match(header, /Errors\s*4/);
  // The waterfall is a treegrid that knows all 43 rows, whatever it keeps in the DOM.
  assert.equal(await page.getAttribute('[role=treegrid]', 'aria-rowcount'), '43');
  // Services, names and durations are visible per row.
  const firstRow = await page.locator('.wf-row').first().innerText();
  assert.match(firstRow, /api-gateway/);
  assert.match(firstRow, /POST \/api\/checkout/);
  assert.match(firstRow, /742ms/);
  assert.ok(await page.locator('.wf-row.error').count() >= 1, 'error rows are marked');
  // The address names the trace, so a link reopens it.
  assert.match(page.url(), /trace=4bf92f3577b34da6a3ce929d0e0e4736/);
  await screenshot(page, 'demo-trace');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('?demo loads the demo on open', async () => {
  const page = await openApp('?demo');
  await page.waitForSelector('.wf-row');
  assert.equal(await page.getAttribute('[role=treegrid]', 'aria-rowcount'), '43');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('picked files load, a bad file shows an error and keeps what was loaded', async () => {
  const page = await openApp();
  await page.setInputFiles('input[type=file]', [
    sample('zipkin-v2_yelp.json'),
    sample('otlp_hotrod-full-trace.json'),
  ]);
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 2);
  const notices = await page.locator('.notice-ok').allInnerTexts();
  assert.equal(notices.length, 2);
  assert.match(notices.join('\n'), /zipkin-v2_yelp\.json: Zipkin v2 JSON/);
  assert.match(notices.join('\n'), /otlp_hotrod-full-trace\.json: OTLP JSON — 40 spans in 1 new trace/);

  const broken = tempFile('broken.json', '{"resourceSpans": [ {"resource": ');
  const notJson = tempFile('notes.txt', 'this is not a trace\n');
  await page.setInputFiles('input[type=file]', [broken, notJson]);
  await page.waitForFunction(() => document.querySelectorAll('.notice-error').length === 2);
  const errors = await page.locator('.notice-error').allInnerTexts();
  assert.match(errors[0], /broken\.json: the file ends early at line 1/);
  assert.match(errors[0], /truncated/);
  assert.match(errors[1], /notes\.txt: not valid JSON at line 1, column 1/);
  assert.equal(await page.locator('tr.trace-row').count(), 2, 'loaded traces survive bad files');
  await screenshot(page, 'errors-keep-loaded');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a file dropped on the page loads', async () => {
  const page = await openApp();
  const json = fs.readFileSync(sample('zipkin-v2_skew.json'), 'utf8');
  await page.evaluate((content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], 'dropped-skew.json', { type: 'application/json' }));
    const target = document.querySelector('.shell');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, json);
  await page.waitForSelector('tr.trace-row');
  assert.match(await page.locator('.notice-ok').innerText(), /dropped-skew\.json: Zipkin v2 JSON — 4 spans/);
  // The skewed server span was shifted, and the warning says so.
  assert.match(await page.locator('.trace-header .warnings').innerText(), /clock-skew/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the view is in the address, and back/forward move between views', async () => {
  const page = await openApp('?demo');
  await page.waitForSelector('.wf-row');
  await page.click('button[data-tab=statistics]');
  await page.waitForFunction(() => location.search.includes('view=statistics'));
  assert.equal(await page.getAttribute('button[data-tab=statistics]', 'aria-selected'), 'true');
  await page.goBack();
  await page.waitForFunction(() => !location.search.includes('view='));
  await page.waitForSelector('.wf-row');
  assert.equal(await page.getAttribute('button[data-tab=waterfall]', 'aria-selected'), 'true');
  await page.goForward();
  await page.waitForFunction(() => location.search.includes('view=statistics'));
  // Reopening the link restores the view.
  const link = page.url();
  const again = await newPage(browser);
  await again.goto(link);
  await again.waitForSelector('button[data-tab=statistics][aria-selected=true]');
  assert.deepEqual(page.problems, []);
  assert.deepEqual(again.problems, []);
  await page.close();
  await again.close();
});

test('? opens the keyboard help and Escape closes it', async () => {
  const page = await openApp('?demo');
  await page.waitForSelector('.wf-row');
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /focus the search/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a real sample: search, select a span, and its details', async () => {
  const page = await openApp();
  await page.setInputFiles('input[type=file]', sample('otlp_hotrod-full-trace.json'));
  await page.waitForSelector('.wf-row');
  // Repeated Redis calls fold by default (tests/e2e/diagnosis.test.mjs); here every span is a row.
  await page.getByLabel('Fold repeats').uncheck();
  await page.waitForFunction(() => document.querySelector('[role=treegrid]').getAttribute('aria-rowcount') === '40');
  // HotROD's redis-manual GetDriver calls failed with "redis timeout": find them by search.
  await page.fill('.search-bar input[type=search]', 'GetDriver error');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /\d/.test(document.querySelector('.search-count')?.textContent ?? ''));
  assert.match(await page.textContent('.search-count'), /^1 of 3$/);
  await page.locator('.wf-row.match').first().click();
  const details = page.locator('aside.span-details');
  await details.waitFor();
  const text = await details.innerText();
  assert.match(text, /GetDriver/);
  assert.match(text, /redis-manual/);
  assert.match(text, /redis timeout/);
  assert.match(page.url(), /span=[0-9a-f]{16}/);
  await screenshot(page, 'hotrod-details');
  assert.deepEqual(page.problems, []);
  await page.close();
});
