// End-to-end against a real Zipkin: starts the Zipkin server jar (scripts/setup.sh --test puts
// it in ~/.m2), has the real OpenTelemetry-instrumented shop services (tests/otel/shop.py: Flask,
// requests, the Zipkin exporter) send it traces with several services and errors, then points
// Strand at it in headless Chromium: connect, search, open a trace by id, check the waterfall and
// the service map (from the traces and from Zipkin's dependency links) against what the services
// recorded they did (shop.py --expect).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { serveStatic, launchBrowser, newPage, screenshot, repoRoot } from './harness.mjs';

const ZIPKIN_VERSION = '3.5.1';
const jar = path.join(os.homedir(), '.m2', 'repository', 'io', 'zipkin', 'zipkin-server', ZIPKIN_VERSION, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
const python = path.join(repoRoot, '.venv', 'bin', 'python');
const REQUESTS = 8;
const SETUP = 'run scripts/setup.sh --test to install it';

let zipkin;
let zipkinLog = '';
let zipkinUrl;
let app;
let browser;
let expected;
const started = Date.now();

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (zipkin.exitCode !== null) throw new Error(`Zipkin exited with ${zipkin.exitCode}:\n${zipkinLog.slice(-2000)}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Zipkin did not become healthy within ${ms / 1000}s:\n${zipkinLog.slice(-2000)}`);
}

function run(cmd, args, ms) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${cmd} ${args.join(' ')} took over ${ms / 1000}s:\n${out}`));
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
}

before(async () => {
  // Nothing is skipped: a missing tool fails the test with what to do.
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) throw new Error(`java is not installed: ${SETUP}`);
  if (!fs.existsSync(jar)) throw new Error(`the Zipkin server jar is missing (${jar}): ${SETUP}`);
  if (!fs.existsSync(python)) throw new Error(`the Python services' virtualenv is missing (${python}): ${SETUP}`);

  const port = await freePort();
  zipkinUrl = `http://127.0.0.1:${port}`;
  zipkin = spawn('java', ['-Xmx512m', '-jar', jar], {
    env: { ...process.env, QUERY_PORT: String(port), JAVA_OPTS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  zipkin.stdout.on('data', (d) => (zipkinLog += d));
  zipkin.stderr.on('data', (d) => (zipkinLog += d));
  [app, browser] = await Promise.all([serveStatic(), launchBrowser()]);
  await waitForHealth(`${zipkinUrl}/health`, 90_000);
  console.log(`zipkin up after ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const expectFile = path.join(os.tmpdir(), `strand-zipkin-expected-${process.pid}.json`);
  await run(python, ['tests/otel/shop.py', 'zipkin', `${zipkinUrl}/api/v2/spans`, '--requests', String(REQUESTS), '--expect', expectFile], 90_000);
  expected = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
  fs.rmSync(expectFile, { force: true });
  console.log(`services done after ${((Date.now() - started) / 1000).toFixed(1)}s: ${expected.spans} spans, ${Object.keys(expected.traces).length} traces`);
  // Zipkin stores what it receives asynchronously; wait until every span is queryable.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await fetch(`${zipkinUrl}/api/v2/traces?limit=100&lookback=3600000&endTs=${Date.now()}`);
    const traces = await r.json();
    if (traces.flat().length >= expected.spans) break;
    if (Date.now() > deadline) throw new Error(`Zipkin holds ${traces.flat().length} of ${expected.spans} spans`);
    await new Promise((res) => setTimeout(res, 300));
  }
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (zipkin && zipkin.exitCode === null) {
    zipkin.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        zipkin.kill('SIGKILL');
        r();
      }, 5000);
      zipkin.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  console.log(`zipkin e2e took ${((Date.now() - started) / 1000).toFixed(1)}s`);
});

test('Strand searches a real Zipkin, opens a trace, and its waterfall and service map match what the services did', async () => {
  const page = await newPage(browser);
  await page.goto(`${app.url}?source=zipkin&base=${encodeURIComponent(zipkinUrl)}`);
  await page.waitForSelector('select[name=service] option[value=payment]', { state: 'attached', timeout: 20_000 });
  const services = await page.locator('select[name=service] option').allInnerTexts();
  assert.deepEqual(services.slice(1), ['cart', 'frontend', 'inventory', 'payment', 'pricing']);

  // Search: every checkout is a trace rooted in frontend.
  await page.selectOption('select[name=service]', 'frontend');
  await page.waitForSelector('select[name=operation] option:nth-child(2)', { state: 'attached' });
  await page.click('.sources-search-button');
  const traceIds = Object.keys(expected.traces);
  await page.waitForFunction((n) => document.querySelectorAll('tr.trace-row').length === n, traceIds.length, { timeout: 20_000 });
  const loaded = await page.locator('.notice-ok').last().innerText();
  assert.match(loaded, new RegExp(`zipkin 127\\.0\\.0\\.1:\\d+: search frontend: Zipkin v2 JSON — ${expected.spans} spans in ${traceIds.length} new traces`));
  // The plot is drawn once its box has a size (a frame after the panel shows), not with the rows.
  await page.waitForSelector('.scatter-panel svg.scatter');
  assert.equal(await page.locator('.scatter-panel .scatter-dot').count(), traceIds.length);
  assert.equal(await page.locator('.scatter-panel .scatter-dot.error').count(),
    Object.values(expected.trace_details).filter((t) => t.errors > 0).length, 'traces with errors are marked in the scatter plot');
  await screenshot(page, 'zipkin-search');

  // Open the trace with the most errors by id.
  const [errorTrace, details] = Object.entries(expected.trace_details).sort((a, b) => b[1].errors - a[1].errors)[0];
  assert.ok(details.errors > 0, 'the shop made errors');
  await page.fill('input[name=trace-id]', errorTrace);
  await page.press('input[name=trace-id]', 'Enter');
  await page.waitForFunction((id) => location.search.includes(`trace=${id}`), errorTrace);
  await page.waitForSelector('.wf-row');
  // Every span a row: repeated sibling calls fold by default.
  await page.getByLabel('Fold repeats').uncheck();
  await page.waitForFunction((n) => Number(document.querySelector('.wf-scroll')?.getAttribute('aria-rowcount')) === n, details.spans);
  assert.equal(Number(await page.locator('.wf-scroll').getAttribute('aria-rowcount')), details.spans, 'one row per span');
  const rowServices = new Set((await page.locator('.wf-row .wf-service').allInnerTexts()).map((s) => s.trim()));
  assert.deepEqual([...rowServices].sort(), details.services);
  assert.equal(await page.locator('.wf-row.error').count(), details.errors, 'error spans are marked');
  // Zipkin lowercases span names.
  assert.ok((await page.locator('.wf-row').first().innerText()).includes(details.root.toLowerCase()), 'the root span comes first');
  await screenshot(page, 'zipkin-waterfall');

  // The service map from the loaded traces: every service-to-service call the services made.
  await page.click('button.page-link[data-page=map]');
  await page.waitForSelector('g.map-edge', { state: 'attached' });
  const serviceNames = new Set(expected.trace_details[errorTrace].services);
  for (const edge of expected.edges.filter((e) => serviceNames.has(e.from) && serviceNames.has(e.to))) {
    const el = page.locator(`g.map-edge[data-edge="${edge.from}->${edge.to}"]`);
    assert.equal(await el.count(), 1, `edge ${edge.from} -> ${edge.to}`);
    assert.equal(Number(await el.getAttribute('data-calls')), edge.calls, `calls ${edge.from} -> ${edge.to}`);
  }
  assert.ok(Number(await page.locator('g.map-edge[data-edge="frontend->payment"]').getAttribute('data-errors')) > 0);
  await screenshot(page, 'zipkin-map-traces');

  // Zipkin's own dependency links (/api/v2/dependencies) draw the same service-to-service calls.
  await page.click('.sources-dependencies');
  await page.waitForFunction(() => [...document.querySelectorAll('.notice-ok')].some((n) => /dependencies: [\d,]+ dependency links?/.test(n.textContent)));
  await page.click('button.map-source[data-source=links]');
  await page.waitForSelector('button.map-source[data-source=links][aria-pressed=true]');
  await page.waitForFunction(() => /dependency links/.test(document.querySelector('.map-title')?.textContent ?? ''));
  await page.waitForSelector('g.map-edge', { state: 'attached' });
  for (const edge of expected.edges.filter((e) => serviceNames.has(e.from) && serviceNames.has(e.to))) {
    const el = page.locator(`g.map-edge[data-edge="${edge.from}->${edge.to}"]`);
    assert.equal(Number(await el.getAttribute('data-calls')), edge.calls, `Zipkin link ${edge.from} -> ${edge.to}`);
  }
  assert.ok(Number(await page.locator('g.map-edge[data-edge="frontend->payment"]').getAttribute('data-errors')) > 0);
  await screenshot(page, 'zipkin-map-links');
  assert.deepEqual(page.problems, []);
  await page.close();
});
