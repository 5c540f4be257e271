// End-to-end: the trace page's views (flame graph, statistics, spans, JSON) and the trace list's
// sorting and scatter plot, in the served release build, driven as a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serveStatic, launchBrowser, newPage, screenshot, sample } from './harness.mjs';

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

/** The demo trace's page, with the view `tab` open. */
async function openDemo(tab) {
  const page = await newPage(browser);
  await page.goto(server.url + '?demo');
  await page.waitForSelector('tr.trace-row');
  if ((await page.locator('.trace-page').count()) === 0) await page.click('tr.trace-row');
  await page.click(`button[data-tab=${tab}]`);
  return page;
}

test('the flame graph draws the demo on a canvas, with a tooltip, selection and zoom', async () => {
  const page = await openDemo('flame');
  await page.waitForSelector('.flame .flame-canvas');
  // Wait until something is drawn, then check that the canvas is scaled for the device.
  await page.waitForFunction(() => {
    const c = document.querySelector('.flame-canvas');
    if (!c || c.width === 0) return false;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) painted++;
    return painted > 1000;
  });
  const size = await page.evaluate(() => {
    const c = document.querySelector('.flame-canvas');
    return { pixels: c.width, css: c.clientWidth, ratio: window.devicePixelRatio };
  });
  assert.equal(size.pixels, Math.round(size.css * size.ratio));
  assert.equal(await page.locator('.flame-legend li').count(), 10, '9 services and the error key');

  // Row 0 (below the 20px axis) is the root span: hover shows it, click selects it.
  const box = await page.locator('.flame-canvas').boundingBox();
  await page.mouse.move(box.x + 100, box.y + 20 + 9);
  await page.waitForSelector('.flame-tooltip:not([hidden])');
  const tip = await page.textContent('.flame-tooltip');
  assert.match(tip, /POST \/api\/checkout/);
  assert.match(tip, /api-gateway/);
  assert.match(tip, /742ms/);
  await page.mouse.click(box.x + 100, box.y + 20 + 9);
  await page.waitForFunction(() => location.search.includes('span='));
  await screenshot(page, 'views-flame');

  // Zooming in changes the window, "Whole trace" goes back.
  await page.getByRole('button', { name: 'Zoom in' }).click();
  assert.match(await page.textContent('.flame-window'), /^\S+ – \S+ of 1\.16s$/);
  assert.doesNotMatch(await page.textContent('.flame-window'), /^0ns – 1\.16s/);
  await page.getByRole('button', { name: 'Whole trace' }).click();
  assert.match(await page.textContent('.flame-window'), /^0ns – 1\.16s of 1\.16s$/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the statistics tab groups the demo by its 9 services and sorts by header', async () => {
  const page = await openDemo('statistics');
  await page.waitForSelector('.stats-tab table.stats-table');
  assert.equal(await page.locator('.stats-table tbody tr').count(), 9);
  const services = await page.locator('.stats-table tbody td.group-cell').allInnerTexts();
  for (const s of ['api-gateway', 'frontend', 'checkout', 'cart', 'inventory', 'payment', 'shipping', 'email', 'recommendation']) {
    assert.ok(services.some((x) => x.trim() === s), `${s} is a group`);
  }
  const headers = await page.locator('.stats-table thead th').allInnerTexts();
  assert.deepEqual(headers.map((h) => h.trim().toLowerCase()), [
    'service', 'count', 'total', 'avg', 'min', 'max', 'self total', 'self avg', '% of trace',
  ]);
  await page.locator('.stats-table th', { hasText: 'Count' }).locator('button').click();
  assert.equal(await page.locator('.stats-table th', { hasText: 'Count' }).getAttribute('aria-sort'), 'descending');
  const first = await page.locator('.stats-table tbody tr').first().innerText();
  assert.match(first, /checkout\s+11/);
  // Another grouping: operations, and an attribute key of the trace.
  await page.selectOption('select.stats-group', 'operation');
  await page.waitForFunction(() => document.querySelectorAll('.stats-table tbody tr').length > 9);
  const options = await page.locator('select.stats-group option').allInnerTexts();
  assert.ok(options.some((o) => /^Attribute /.test(o)), 'attribute keys are offered');
  await screenshot(page, 'views-statistics');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the spans table sorts by duration, renders only the rows in view and selects on click', async () => {
  const page = await openDemo('spans');
  await page.waitForSelector('.spans-tab tr.spans-row');
  const rendered = await page.locator('tr.spans-row').count();
  assert.ok(rendered > 5 && rendered < 43, `only rows in view are in the DOM (${rendered} of 43)`);
  assert.match(await page.textContent('.spans-toolbar'), /43 spans/);

  await page.locator('th[data-column=duration] button').click();
  assert.equal(await page.getAttribute('th[data-column=duration]', 'aria-sort'), 'descending');
  const first = await page.locator('tr.spans-row').first().innerText();
  assert.match(first, /api-gateway/);
  assert.match(first, /POST \/api\/checkout/);
  assert.match(first, /742ms/);

  // Scrolling to the end renders the last rows.
  await page.locator('.spans-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('tr.spans-row');
    return rows.length > 0 && /0ns|µs/.test(rows[rows.length - 1].innerText);
  });

  // The filter keeps the matching spans; clicking a row selects its span.
  await page.fill('.spans-filter', 'inventory');
  await page.waitForFunction(() => document.querySelectorAll('tr.spans-row').length === 7);
  await page.locator('tr.spans-row').first().click();
  await page.waitForSelector('tr.spans-row.selected');
  await page.waitForFunction(() => location.search.includes('span='));
  await screenshot(page, 'views-spans');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the JSON tab shows the trace as OTLP JSON and offers it as a download', async () => {
  const page = await openDemo('json');
  await page.waitForSelector('.json-tab pre.json-text');
  assert.match(await page.textContent('.json-note'), /as read, in OTLP JSON/);
  const text = await page.textContent('pre.json-text');
  assert.match(text, /"resourceSpans"/);
  assert.match(text, /"startTimeUnixNano": "\d+"/);
  const traceId = (await page.textContent('.trace-header dd.mono')).trim();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.json-download')]);
  assert.equal(download.suggestedFilename(), `trace-${traceId}.otlp.json`);
  const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  const spans = saved.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  assert.equal(spans.length, 43);
  assert.ok(spans.every((s) => s.traceId === traceId && /^[0-9a-f]{16}$/.test(s.spanId)));
  await screenshot(page, 'views-json');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the trace list sorts by header and the scatter plot opens traces', async () => {
  const page = await newPage(browser);
  await page.goto(server.url);
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', [
    sample('zipkin-v2_yelp.json'),
    sample('otlp_hotrod-full-trace.json'),
    sample('jaeger-ui_genai-trace.json'),
    sample('otlp_otel-demo-error-timeout.json'),
  ]);
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 4);
  await page.waitForSelector('svg.scatter');
  assert.equal(await page.locator('.scatter-dot').count(), 4, 'one dot per trace');
  assert.equal(await page.locator('.scatter-dot.error').count(), 3, 'traces with errors are red');
  assert.match(await page.locator('.scatter-dot').first().locator('title').textContent(), / — .+ — \d+ spans/);
  const yLabels = await page.locator('svg.scatter .scatter-label').allTextContents();
  assert.ok(yLabels.some((l) => /^\d+(\.\d+)?(ns|µs|ms|s)$/.test(l)), 'the duration axis has labels');

  // Sorting: duration, largest first.
  await page.locator('.trace-list th', { hasText: 'Duration' }).locator('button').click();
  assert.equal(await page.locator('.trace-list th', { hasText: 'Duration' }).getAttribute('aria-sort'), 'descending');
  const firstRow = await page.locator('tr.trace-row').first().innerText();
  assert.match(firstRow, /api-edge/, 'the 44s trace comes first');

  // Clicking the hotrod trace's dot opens it.
  const dot = page.locator('.scatter-dot', { has: page.locator('title', { hasText: 'GET /dispatch' }) });
  await dot.click();
  await page.waitForFunction(() => /GET \/dispatch/.test(document.querySelector('.trace-header h2')?.textContent ?? ''));
  assert.equal(await page.locator('.scatter-dot.selected').count(), 1);
  assert.match(await page.locator('.scatter-dot.selected title').textContent(), /GET \/dispatch/);
  await screenshot(page, 'views-scatter');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('one trace shows no scatter plot', async () => {
  const page = await openDemo('waterfall');
  assert.equal(await page.locator('tr.trace-row').count(), 1);
  assert.equal(await page.locator('svg.scatter').count(), 0);
  assert.equal(await page.locator('.scatter-panel').isVisible(), false);
  assert.deepEqual(page.problems, []);
  await page.close();
});
