// End-to-end: log files beside their traces (tests/fixtures/shop-logs, written by the real
// instrumented services of tests/otel): loading them, the span's lines in its details with a
// search within them, log marks on waterfall rows, the Logs tab, the unmatched lines, a link-out
// template followed to a stand-in log tool, and the Export dialog (masking preview, a download in each format).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serveStatic, launchBrowser, newPage, screenshot, repoRoot, navigate, sample } from './harness.mjs';

const fixture = (name) => path.join(repoRoot, 'tests', 'fixtures', 'shop-logs', name);
const TRACE = 'd0e089e0eac823ae8e8b233a0d43f524'; // checkout 0: the payment failed once
const SPAN = '12b8d7513f0951ad'; // the frontend span that wrote "checkout 0 started" and the 502

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

/** The app with `files` loaded (by default the shop's traces and both of its log files). */
async function openWithLogs(viewport, files = [fixture('shop.ecs.jsonl'), fixture('shop.otlp.jsonl'), fixture('shop.otlp-logs.jsonl')]) {
  const page = await newPage(browser, viewport);
  await page.goto(server.url);
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', files);
  await page.waitForFunction((n) => document.querySelectorAll('.notice').length >= n, files.length, { timeout: 30_000 });
  await page.waitForSelector('.load-progress', { state: 'detached' });
  return page;
}

test('log files join the traces: a notice counts their lines, the span shows its lines', async () => {
  const page = await openWithLogs({ width: 1600, height: 1000 });
  const notices = await page.$$eval('.notice', (ns) => ns.map((n) => n.textContent));
  assert.ok(notices.some((n) => /shop\.ecs\.jsonl: .* — 51 log lines/.test(n)), notices.join('\n'));
  assert.ok(notices.some((n) => /shop\.otlp-logs\.jsonl: .* — \d+ log lines/.test(n)), notices.join('\n'));

  // Lines that match no loaded trace are reachable from the traces page.
  const unmatched = page.locator('.unmatched-link');
  await unmatched.waitFor();
  assert.match(await unmatched.innerText(), /10/);
  await unmatched.click();
  await page.waitForSelector('.unmatched-dialog .log-row');
  assert.match(await page.locator('.unmatched-dialog').innerText(), /frontend listening on port/);
  await page.locator('.unmatched-dialog [aria-label=Close]').click();

  // The span's details list its lines: offset, level, message, fields.
  await navigate(page, `?trace=${TRACE}&span=${SPAN}`);
  const panel = page.locator('aside.span-details');
  await panel.waitFor();
  const logs = panel.locator('.details-logs');
  await logs.locator('.span-log-line').first().waitFor();
  const messages = await logs.locator('.span-log-line .log-message').allInnerTexts();
  assert.ok(messages.includes('checkout 0 started'), messages.join('\n'));
  assert.ok(messages.some((m) => /payment attempt 1 failed with 502/.test(m)), messages.join('\n'));
  const failed = logs.locator('.span-log-line', { hasText: 'failed with 502' }).first();
  assert.equal(await failed.getAttribute('data-level'), 'error');
  assert.equal(await failed.locator('.log-level').innerText(), 'error');
  assert.match(await failed.locator('.log-offset').innerText(), /^\+/);
  await failed.locator('.log-fields summary').click();
  assert.match(await failed.locator('.log-fields').innerText(), /field/);

  // Search within the span's lines.
  const search = logs.getByLabel("Search the span's log lines");
  await search.fill('502');
  await page.waitForFunction(() => [...document.querySelectorAll('.details-logs .span-log-line .log-message')]
    .every((m) => m.textContent.includes('502')));
  assert.ok((await logs.locator('.span-log-line').count()) >= 1);
  await search.fill('no line says this');
  await logs.getByText('No line of this span contains the text.').waitFor();
  await search.fill('');

  // The waterfall marks the lines on the span's bar.
  const marks = page.locator('.wf-row .wf-log');
  assert.ok((await marks.count()) >= 1);
  assert.ok(await page.locator('.wf-row .wf-log.level-error').count() >= 1);
  await screenshot(page, 'logs-span-details');

  // The search language finds spans by their lines.
  const query = page.locator('.search-bar input[type=search]');
  await query.fill('level:error');
  await page.waitForFunction(() => document.querySelector('.search-count')?.textContent === '2 matches');
  await query.fill('log:declined');
  await page.waitForFunction(() => document.querySelector('.search-count')?.textContent === '1 match');
  await query.fill('');

  // The Logs tab lists the trace's lines; a row's span button opens that span.
  await logs.getByRole('button', { name: /in the Logs tab/ }).click();
  await page.waitForSelector('.logs-tab .log-row');
  assert.equal(new URL(page.url()).searchParams.get('view'), 'logs');
  const rows = page.locator('.logs-tab .log-row');
  assert.ok((await rows.count()) >= 5);
  await page.locator('.logs-tab .log-text-filter').fill('bank declined');
  await page.waitForFunction(() => document.querySelectorAll('.logs-tab .log-row').length >= 1
    && [...document.querySelectorAll('.logs-tab .log-row .log-message')].every((m) => /bank declined/.test(m.textContent)));
  await screenshot(page, 'logs-tab');
  await rows.first().locator('.log-span').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('view') !== 'logs'
    && new URL(location.href).searchParams.get('span') === '0c505417a2593d68');
  assert.deepEqual(page.problems, []);
});

/** A stand-in for the user's log tool (Kibana, Grafana…): a local server that records the
 * requests it gets and answers with a page naming what it was asked for. */
async function logTool() {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(new URL(req.url, 'http://log.tool'));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Log tool</title><h1>lines of ${new URL(req.url, 'http://x').searchParams.get('trace')}</h1>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    requests,
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test('a log file loaded again adds no line twice, and the notice says so', async () => {
  const page = await openWithLogs({ width: 1366, height: 768 });
  const unmatchedLink = page.locator('.unmatched-link');
  await unmatchedLink.waitFor();
  const unmatched = await unmatchedLink.innerText();
  await navigate(page, `?trace=${TRACE}&span=${SPAN}`);
  const lines = page.locator('aside.span-details .details-logs .span-log-line');
  await lines.first().waitFor();
  const before = await lines.allInnerTexts();

  await page.setInputFiles('input[type=file]', [fixture('shop.ecs.jsonl')]);
  await page.waitForFunction(() => [...document.querySelectorAll('.notice')]
    .some((n) => /already loaded \(not added again\)/.test(n.textContent)), null, { timeout: 30_000 });
  const notices = await page.$$eval('.notice', (ns) => ns.map((n) => n.textContent));
  assert.ok(notices.some((n) => /shop\.ecs\.jsonl: .* — nothing new; 51 log lines already loaded \(not added again\)/.test(n)),
    notices.join('\n'));
  await page.waitForSelector('.load-progress', { state: 'detached' });
  await navigate(page, `?trace=${TRACE}&span=${SPAN}`);
  await lines.first().waitFor();
  assert.deepEqual(await lines.allInnerTexts(), before);
  await navigate(page, '?');
  await unmatchedLink.waitFor();
  assert.equal(await unmatchedLink.innerText(), unmatched);
  assert.deepEqual(page.problems, []);
});

test('a link-out template becomes a link from the span to the log tool, and following it opens the tool', async () => {
  const tool = await logTool();
  try {
    const page = await openWithLogs();
    await navigate(page, `?trace=${TRACE}&span=${SPAN}`);
    const panel = page.locator('aside.span-details');
    await panel.locator('.details-logs').waitFor();
    await panel.getByRole('button', { name: 'Set up links to your log tool…' }).click();
    const dialog = page.locator('.link-settings');
    await dialog.waitFor();
    await dialog.getByLabel('Link name').first().fill('My logs');
    const template = `${tool.origin}/search?trace={trace_id}&span={span_id}&service={service}&from={start}&to={end}`;
    await dialog.getByLabel('URL template').first().fill(template);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const link = panel.locator('.details-logs a.link-out', { hasText: 'My logs' });
    await link.waitFor();
    const href = await link.getAttribute('href');
    assert.ok(href.startsWith(`${tool.origin}/search?trace=${TRACE}&span=${SPAN}&service=frontend&from=`), href);
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await link.getAttribute('target'), '_blank');
    // Kept in local storage, never in the address.
    assert.doesNotMatch(page.url(), /127\.0\.0\.1:\d+\/search/);
    assert.ok((await page.evaluate(() => JSON.stringify({ ...localStorage }))).includes(`${tool.origin}/search`));

    // Follow it as a user does: a new tab opens on the log tool with the span's ids and times.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    assert.equal(await tab.locator('h1').textContent(), `lines of ${TRACE}`);
    const searches = tool.requests.filter((r) => r.pathname === '/search'); // not the favicon
    assert.equal(searches.length, 1);
    const asked = searches[0];
    assert.equal(asked.searchParams.get('trace'), TRACE);
    assert.equal(asked.searchParams.get('span'), SPAN);
    assert.equal(asked.searchParams.get('service'), 'frontend');
    // {start} and {end}: the span's window in epoch milliseconds, a real time of the shop's run.
    const from = Number(asked.searchParams.get('from'));
    const to = Number(asked.searchParams.get('to'));
    assert.ok(Number.isInteger(from) && Number.isInteger(to) && from <= to, `${from}..${to}`);
    assert.ok(from > Date.parse('2020-01-01') && from < Date.now(), `${from}`);
    // noopener: the tool's tab cannot reach back into Strand's page.
    assert.equal(await tab.evaluate(() => window.opener), null);
    await tab.close();
    assert.deepEqual(page.problems, []);
  } finally {
    await tool.close();
  }
});

test('the Export dialog previews the masking and downloads each format', async () => {
  const page = await openWithLogs();
  await navigate(page, `?trace=${TRACE}`);
  await page.locator('button.export-button').click();
  const dialog = page.locator('.export-dialog');
  await dialog.waitFor();

  // The default rules: the preview says what they change before anything is written.
  await dialog.getByLabel('Default rules (secrets and personal data)').check();
  await dialog.locator('.mask-preview .mask-total').waitFor();
  assert.match(await dialog.locator('.mask-total').innerText(), /masked|Nothing here matches/);

  const expected = { chrome: 'chrome-trace.json', zipkin: 'zipkin.json', jaeger: 'jaeger.json', otlp: 'otlp.json' };
  for (const [format, extension] of Object.entries(expected)) {
    await dialog.locator(`input[name=export-format][value=${format}]`).check();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.locator('button.export-download').click()]);
    assert.equal(download.suggestedFilename(), `trace-${TRACE}.${extension}`);
    const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    if (format === 'chrome') {
      const events = Array.isArray(saved) ? saved : saved.traceEvents;
      assert.ok(events.some((e) => e.ph === 'X' || e.ph === 'b'), 'span events');
    } else if (format === 'zipkin') {
      assert.ok(saved.length > 0 && saved.every((s) => s.traceId === TRACE));
    } else if (format === 'jaeger') {
      assert.equal(saved.data[0].traceID, TRACE);
    } else {
      assert.ok(saved.resourceSpans.length > 0);
    }
  }
  await dialog.locator('input[name=export-format][value=otlp-logs]').check();
  const [logsDownload] = await Promise.all([page.waitForEvent('download'), dialog.locator('button.export-download').click()]);
  const logsSaved = JSON.parse(fs.readFileSync(await logsDownload.path(), 'utf8'));
  assert.ok(logsSaved.resourceLogs.length > 0);
  await screenshot(page, 'logs-export-dialog');
  assert.deepEqual(page.problems, []);
});

test('text and logfmt log files (pattern layouts, slog) join their trace: a stack trace stays with its line', async () => {
  const logs = (name) => path.join(repoRoot, 'tests', 'fixtures', 'logs', name);
  const page = await openWithLogs({ width: 1600, height: 1000 }, [
    sample('otlp_hotrod-full-trace.json'),
    logs('hotrod.text.log'),
    logs('hotrod.logfmt.log'),
  ]);
  const notices = await page.$$eval('.notice', (ns) => ns.map((n) => n.textContent));
  assert.ok(notices.some((n) => /hotrod\.text\.log: text log lines — 3 log lines/.test(n)), notices.join('\n'));
  assert.ok(notices.some((n) => /hotrod\.logfmt\.log: JSON or logfmt log lines — 3 log lines/.test(n)), notices.join('\n'));

  await navigate(page, '?trace=1a4e4a7b270e9f2a0f716e3ee115218a&view=logs');
  await page.waitForSelector('.logs-tab .log-row');
  const messages = await page.locator('.logs-tab .log-row .log-message').allInnerTexts();
  assert.ok(messages.some((m) => /computing route failed[\s\S]*ValueError: no route/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => m.trim() === 'request /dispatch'), messages.join('\n'));
  assert.ok(messages.some((m) => m.trim() === 'computing route'), messages.join('\n'));
  const failed = page.locator('.logs-tab .log-row', { hasText: 'computing route failed' }).first();
  assert.match(await failed.innerText(), /error/);
  await screenshot(page, 'logs-tab-text-lines');
  assert.deepEqual(page.problems, []);
});

test('a large log file imported by two workers at once lands as it does whole', async () => {
  // The shop's ECS lines with lines that cannot be read near the start, the middle and the end
  // (the notes number them in the whole file), cut in two by `split-kb=1`.
  const lines = fs.readFileSync(fixture('shop.ecs.jsonl'), 'utf8').trimEnd().split('\n');
  lines.splice(2, 0, '{"@timestamp": broken');
  lines.splice(Math.floor(lines.length / 2), 0, '{also broken');
  lines.push('{"log.level": "info", "message": cut off');
  const dir = fs.mkdtempSync(path.join(repoRoot, 'target', 'e2e-split-'));
  const file = path.join(dir, 'shop-large.ecs.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  // `helper`: what the helper worker's script is answered with (by default the real one). The
  // page's routes do not see a worker's own workers: a server of its own answers it.
  const load = async (query, helper) => {
    const page = await newPage(browser, { width: 1366, height: 768 });
    const own = helper && await serveStatic(undefined, {}, (url) => (url.search === '?helper' ? helper : null));
    await page.goto(`${(own ?? server).url}?${query}`);
    await page.waitForSelector('.topbar .brand');
    // The import worker starts its helper once its warm-up is done.
    await page.waitForFunction(() => performance.getEntriesByName('strand:warm:worker').length > 0, null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.setInputFiles('input[type=file]', [fixture('shop.otlp.jsonl'), file]);
    await page.waitForFunction(() => document.querySelectorAll('.notice').length >= 2, null, { timeout: 30_000 });
    await page.waitForSelector('.load-progress', { state: 'detached' });
    const parts = await page.evaluate(() => performance.getEntriesByName('strand:import-parts').length);
    const notice = await page.$$eval('.notice', (ns) => ns.map((n) => n.textContent).filter((t) => /shop-large/.test(t)).join('\n'));
    await navigate(page, `?${query}&trace=${TRACE}&span=${SPAN}`);
    const spanLines = page.locator('aside.span-details .details-logs .span-log-line');
    await spanLines.first().waitFor();
    const span = await spanLines.allInnerTexts();
    await navigate(page, `?${query}`);
    const unmatched = await page.locator('.unmatched-link').innerText();
    assert.deepEqual(page.problems, []);
    await page.close();
    await own?.close();
    return { parts, notice, span, unmatched };
  };
  const split = await load('page-import=0&split-kb=1');
  const whole = await load('page-import=0&split-kb=0');
  // A helper that cannot start: the file is imported whole.
  const none = await load('page-import=0&split-kb=1', { status: 404, body: 'not here' });
  // A helper that fails on its part: the import worker reads and imports the rest itself.
  const failing = await load('page-import=0&split-kb=1', {
    type: 'text/javascript',
    body: "self.onmessage = (e) => { if (e.data && e.data.part) self.postMessage({ type: 'crashed', id: e.data.id, error: 'test' }); };",
  });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(split.parts, 1, 'the file came in two parts');
  assert.equal(whole.parts, 0);
  assert.equal(none.parts, 0, 'without a helper the file is imported whole');
  assert.equal(failing.parts, 1, 'the import worker imported the second part itself');
  assert.match(split.notice, /shop-large\.ecs\.jsonl: ECS JSON logs — 51 log lines/);
  for (const other of [split, none, failing]) assert.deepEqual({ ...other, parts: 0 }, { ...whole, parts: 0 });
});
