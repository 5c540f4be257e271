// End-to-end: loading from a URL and from collectors, in the served release build. Small node
// servers play the remote side: a file server (with and without CORS, 404, an HTML page, a 500
// with a message, a request that never answers), a closed port, and fake Jaeger (api/v3 with the
// v1 fallback) and Tempo servers that replay the recorded responses in tests/fixtures/collectors.
// Every failure must add an error notice that says why, and leave what was loaded in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, launchBrowser, newPage, screenshot, sample, repoRoot } from './harness.mjs';

const fixtures = path.join(repoRoot, 'tests', 'fixtures', 'collectors');
const fixture = (name) => fs.readFileSync(path.join(fixtures, name));

let app;
let browser;
let remote;
let remoteUrl;
let closedPort;
const seen = []; // URLs the fake collectors were asked for
const hanging = new Set();

function remoteHandler(req, res) {
  const url = new URL(req.url, 'http://x');
  seen.push(req.url);
  const cors = { 'access-control-allow-origin': '*' };
  const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json', ...cors }).end(body);
  const text = (status, body, headers = cors) => res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
  const p = url.pathname;
  // Plain files.
  if (p === '/cors/trace.json') return json(200, fs.readFileSync(sample('zipkin-v2_yelp.json')));
  if (p === '/cors/missing.json') return text(404, 'not found');
  if (p === '/cors/page.html') return res.writeHead(200, { 'content-type': 'text/html', ...cors }).end('<!DOCTYPE html><html><body>A page about traces</body></html>');
  if (p === '/cors/broken.json') return text(500, 'storage backend unavailable: disk full');
  if (p === '/nocors/trace.json') return text(200, '[]', {});
  if (p.startsWith('/hang')) {
    hanging.add(res);
    return undefined;
  }
  // Fake Jaeger: api/v3, but GetTrace only through the v1 API (as when v3 is absent).
  if (p === '/jaeger/api/v3/services') return json(200, fixture('jaeger-v3-services.json'));
  if (p === '/jaeger/api/v3/operations') return json(200, fixture('jaeger-v3-operations.json'));
  if (p === '/jaeger/api/v3/traces') {
    if (url.searchParams.get('query.service_name') === 'frontend') return json(200, fixture('jaeger-v3-find-traces.json'));
    return text(404, fixture('jaeger-v3-no-traces.json').toString());
  }
  if (p.startsWith('/jaeger/api/v3/traces/')) return text(404, '404 page not found\n');
  if (p === '/jaeger/api/traces/2db17286b3e6b148') return json(200, fixture('jaeger-v1-get-trace.json'));
  if (p === '/jaeger/api/dependencies') return json(200, fixture('jaeger-v1-dependencies.json'));
  // Fake Tempo.
  if (p === '/tempo/api/v2/search/tag/resource.service.name/values') return json(200, fixture('tempo-tag-values-service.json'));
  if (p === '/tempo/api/v2/search/tag/name/values') return json(200, fixture('tempo-tag-values-name.json'));
  if (p === '/tempo/api/search') return json(200, fixture('tempo-search.json'));
  const tempoTrace = p.match(/^\/tempo\/api\/v2\/traces\/([0-9a-f]+)$/);
  if (tempoTrace) return json(200, fixture(`tempo-trace-${tempoTrace[1]}.json`));
  // A collector that does not send CORS headers.
  if (p.startsWith('/nocors-zipkin/')) return text(200, '["a"]', {});
  return text(404, `no route ${p}`);
}

before(async () => {
  app = await serveStatic();
  browser = await launchBrowser();
  remote = http.createServer(remoteHandler);
  await new Promise((r) => remote.listen(0, '127.0.0.1', r));
  remoteUrl = `http://127.0.0.1:${remote.address().port}`;
  const probe = http.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
});

after(async () => {
  for (const res of hanging) res.destroy();
  await browser?.close();
  await app?.close();
  remote?.closeAllConnections?.();
  await new Promise((r) => (remote ? remote.close(r) : r()));
});

const errorCount = (page) => page.locator('.notice-error').count();

/** Waits for the n-th error notice and returns its text. */
async function nextError(page, before) {
  await page.waitForFunction((n) => document.querySelectorAll('.notice-error').length > n, before, { timeout: 15_000 });
  return page.locator('.notice-error').nth(before).innerText();
}

test('?url= loads a remote file with CORS, and every failing URL says why and keeps the loaded traces', async () => {
  const page = await newPage(browser);
  await page.goto(`${app.url}?url=${encodeURIComponent(remoteUrl + '/cors/trace.json')}&timeout=1500`);
  await page.waitForSelector('tr.trace-row');
  assert.match(await page.locator('.notice-ok').first().innerText(), /trace\.json \(127\.0\.0\.1:\d+\): Zipkin v2 JSON/);
  const totals = await page.locator('.totals').innerText();
  assert.match(totals, /^1 trace · /);

  await page.click('.sources-open-url');
  const cases = [
    ['/cors/missing.json', /answered 404 Not Found: "not found"/, /no file at this address/],
    ['/cors/page.html', /not JSON: it starts with "<!DOCTYPE html>.*" \(an HTML page, not a JSON file\)/, /Raw/],
    ['/nocors/trace.json', /127\.0\.0\.1:\d+ answered, but its CORS settings do not let pages from http:\/\/127\.0\.0\.1:\d+ read the response/, /Access-Control-Allow-Origin: http:\/\/127\.0\.0\.1:\d+/],
    [`http://127.0.0.1:${closedPort}/trace.json`, /could not connect to 127\.0\.0\.1:\d+/, /Nothing answered/],
    ['/hang', /timed out/, /did not answer within 1\.5 s/],
    ['/cors/broken.json', /answered 500 Internal Server Error: "storage backend unavailable: disk full"/, /server failed/],
  ];
  for (const [target, text, detail] of cases) {
    const before = await errorCount(page);
    const url = target.startsWith('http') ? target : remoteUrl + target;
    await page.fill('input[name=url]', url);
    await page.press('input[name=url]', 'Enter');
    const message = await nextError(page, before);
    assert.match(message, text, `${target}: ${message}`);
    assert.match(message, detail, `${target}: ${message}`);
    assert.match(message, /What was loaded before is still here/);
    assert.equal(await page.locator('.totals').innerText(), totals, `${target} left the loaded traces alone`);
    assert.equal(await page.locator('tr.trace-row').count(), 1);
  }
  await screenshot(page, 'sources-url-errors');
  assert.deepEqual(page.problems.filter((p) => !/Failed to load resource|net::ERR|CORS policy/.test(p)), []);
  await page.close();
});

test('a fake Jaeger: services, operations, v3 search with snake_case parameters, no traces, v1 fallback by id, dependencies', async () => {
  const page = await newPage(browser);
  seen.length = 0;
  await page.goto(`${app.url}?demo&source=jaeger&base=${encodeURIComponent(remoteUrl + '/jaeger')}&timeout=3000`);
  await page.waitForSelector('select[name=service] option[value=frontend]', { state: 'attached' });
  assert.deepEqual(await page.locator('select[name=service] option').allInnerTexts(), ['choose…', 'cart', 'frontend', 'inventory', 'payment', 'pricing']);
  const demoTotals = await page.locator('.totals').innerText();

  await page.selectOption('select[name=service]', 'frontend');
  await page.waitForSelector('select[name=operation] option[value="GET /checkout/<int:n>"]', { state: 'attached' });
  await page.fill('input[name=tags]', 'http.request.method=GET');
  await page.fill('input[name=min]', '5ms');
  await page.click('.sources-search-button');
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 4);
  const search = new URL(seen.find((u) => u.startsWith('/jaeger/api/v3/traces?')), 'http://x').searchParams;
  assert.equal(search.get('query.service_name'), 'frontend');
  assert.equal(search.get('query.attributes'), '{"http.request.method":"GET"}');
  assert.equal(search.get('query.duration_min'), '5ms');
  assert.equal(search.get('query.search_depth'), '20');
  assert.equal(search.get('query.num_traces'), '20');
  assert.match(search.get('query.start_time_min'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(await page.locator('.notice-ok').last().innerText(), /jaeger 127\.0\.0\.1:\d+: search frontend: OTLP JSON — 51 spans in 3 new traces/);

  // 404 "No traces found" is an empty result.
  await page.selectOption('select[name=service]', 'cart');
  await page.click('.sources-search-button');
  await page.waitForFunction(() => [...document.querySelectorAll('.notice-ok')].some((n) => /no traces for this search/.test(n.textContent)));
  assert.equal(await page.locator('tr.trace-row').count(), 4);

  // GetTrace: v3 says 404 page not found, v1 has it; the page opens it.
  await page.fill('input[name=trace-id]', '2db17286b3e6b148');
  await page.press('input[name=trace-id]', 'Enter');
  await page.waitForFunction(() => location.search.includes('trace=2db17286b3e6b148'));
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 5);
  assert.ok(seen.includes('/jaeger/api/v3/traces/2db17286b3e6b148'));
  assert.ok(seen.includes('/jaeger/api/traces/2db17286b3e6b148'));
  await page.waitForSelector('.wf-row');

  await page.click('.sources-dependencies');
  await page.waitForFunction(() => location.search.includes('page=map'));
  await page.click('button.map-source[data-source=links]');
  await page.waitForSelector('g.map-edge[data-edge="frontend->inventory"][data-calls="36"]', { state: 'attached' });
  assert.ok(seen.some((u) => u.startsWith('/jaeger/api/dependencies?endTs=')));
  assert.notEqual(await page.locator('.totals').innerText(), demoTotals);
  await screenshot(page, 'sources-jaeger');
  assert.deepEqual(page.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  await page.close();
});

test('a fake Tempo: TraceQL from the form, search summaries fetched by id and loaded', async () => {
  const page = await newPage(browser);
  seen.length = 0;
  await page.goto(`${app.url}?source=tempo&base=${encodeURIComponent(remoteUrl + '/tempo/')}`);
  await page.waitForSelector('select[name=service] option[value=payment]', { state: 'attached' });
  await page.selectOption('select[name=service]', 'frontend');
  await page.fill('input[name=max]', '2s');
  await page.waitForFunction(() => document.querySelector('textarea[name=traceql]').value.includes('traceDuration <= 2s'));
  assert.equal(await page.inputValue('textarea[name=traceql]'), '{ resource.service.name = "frontend" && traceDuration <= 2s }');
  await page.click('.sources-search-button');
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 3);
  const q = new URL(seen.find((u) => u.startsWith('/tempo/api/search?')), 'http://x').searchParams;
  assert.equal(q.get('q'), '{ resource.service.name = "frontend" && traceDuration <= 2s }');
  assert.equal(seen.filter((u) => u.startsWith('/tempo/api/v2/traces/')).length, 3);
  assert.match(await page.locator('.notice-ok').last().innerText(), /tempo 127\.0\.0\.1:\d+: search frontend \(3 of 3 traces\): OTLP JSON lines — 51 spans in 3 new traces/);
  // The plot is drawn once its box has a size (a frame after the panel shows), not with the rows.
  await page.waitForSelector('.scatter-panel svg.scatter');
  assert.equal(await page.locator('.scatter-panel .scatter-dot').count(), 3);
  // The auth header never reaches the address; kind and base do.
  assert.match(page.url(), /source=tempo&base=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Ftempo/);
  await screenshot(page, 'sources-tempo');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('collector failures name the fix: unreachable, CORS refused (per collector), HTTP errors', async () => {
  const page = await newPage(browser);
  await page.goto(`${app.url}?demo&timeout=2000`);
  await page.waitForSelector('tr.trace-row');
  const totals = await page.locator('.totals').innerText();
  await page.click('.sources-open-collector');

  const connect = async (kind, base) => {
    const before = await errorCount(page);
    await page.selectOption('select[name=kind]', kind);
    await page.fill('input[name=base]', base);
    await page.press('input[name=base]', 'Enter');
    return nextError(page, before);
  };
  const down = await connect('jaeger', `127.0.0.1:${closedPort}`);
  assert.match(down, /jaeger 127\.0\.0\.1:\d+: list services: could not connect/);
  assert.match(down, /Jaeger usually serves its query API at http:\/\/localhost:16686/);
  const cors = await connect('zipkin', `${remoteUrl}/nocors-zipkin`);
  assert.match(cors, /answered, but its CORS settings do not let pages from http:\/\/127\.0\.0\.1:\d+ read the response/);
  assert.match(cors, /ZIPKIN_QUERY_ALLOWED_ORIGINS=http:\/\/127\.0\.0\.1:\d+/);
  const tempoCors = await connect('tempo', `${remoteUrl}/nocors-zipkin`);
  assert.match(tempoCors, /Tempo has no CORS setting/);
  const missing = await connect('zipkin', `${remoteUrl}/nothing-here`);
  assert.match(missing, /answered 404 Not Found: "no route \/nothing-here\/api\/v2\/services"/);
  assert.match(missing, /Check the base URL/);
  const hang = await connect('zipkin', `${remoteUrl}/hang`);
  assert.match(hang, /timed out/);
  assert.equal(await page.locator('.totals').innerText(), totals);
  await screenshot(page, 'sources-collector-errors');
  await page.close();
});
