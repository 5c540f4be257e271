// End-to-end: the service map (page and trace tab) on real samples, checked against what
// `strand-cli graph --json` computes for the same files: nodes, edges and their numbers, hover
// and click highlighting, the side panel, focus with hops on the 1238-service sample, and the
// layout time of that sample (read from the User Timing measure `strand:map-layout`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, launchBrowser, newPage, screenshot, sample, repoRoot } from './harness.mjs';

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

/** The CLI's graph for `files` ({traces, dependency_links}), the reference for the UI. */
function cliGraph(...files) {
  const bin = path.join(repoRoot, 'target', 'debug', 'strand-cli');
  if (!fs.existsSync(bin)) {
    execFileSync('cargo', ['build', '--locked', '--bin', 'strand-cli'], { cwd: repoRoot, stdio: 'inherit' });
  }
  return JSON.parse(execFileSync(bin, ['graph', '--json', ...files], { maxBuffer: 64 << 20 }).toString());
}

/** What the map shows: nodes and edges with their data attributes. */
async function shown(page) {
  return page.evaluate(() => ({
    nodes: [...document.querySelectorAll('.map-node')].map((g) => ({
      name: g.dataset.node,
      kind: g.dataset.kind,
      spans: Number(g.dataset.spans),
      errors: Number(g.dataset.errors),
      label: g.querySelector('.map-node-name')?.textContent,
      detail: g.querySelector('.map-node-detail')?.textContent.trim(),
    })),
    edges: [...document.querySelectorAll('.map-edge')].map((g) => ({
      edge: g.dataset.edge,
      calls: Number(g.dataset.calls),
      errors: Number(g.dataset.errors),
      p50: g.dataset.p50 === undefined ? null : Number(g.dataset.p50),
      p99: g.dataset.p99 === undefined ? null : Number(g.dataset.p99),
    })),
  }));
}

/** Checks that the map shows exactly the CLI's graph. */
function assertSameGraph(ui, graph) {
  const expectedNodes = graph.nodes.map((n) => ({ name: n.name, kind: n.kind, spans: n.span_count, errors: n.error_count }));
  const gotNodes = ui.nodes.map(({ name, kind, spans, errors }) => ({ name, kind, spans, errors }));
  assert.deepEqual(gotNodes, expectedNodes);
  const expectedEdges = graph.edges.map((e) => ({
    edge: `${graph.nodes[e.from].name}->${graph.nodes[e.to].name}`,
    calls: e.calls,
    errors: e.errors,
    p50: e.p50_ns,
    p99: e.p99_ns,
  }));
  assert.deepEqual(ui.edges, expectedEdges);
}

async function openMap(page, files) {
  await page.goto(server.url);
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', files);
  await page.waitForSelector('button[data-page=map]');
  await page.click('button[data-page=map]');
  await page.waitForSelector('.service-map .map-node');
}

test('the map of the HotROD trace shows the CLI graph, with tooltips, highlighting and the side panel', async () => {
  const file = sample('otlp_hotrod-full-trace.json');
  const reference = cliGraph(file).traces;
  const page = await newPage(browser);
  await openMap(page, [file]);
  assert.match(page.url(), /page=map/);
  const ui = await shown(page);
  assertSameGraph(ui, reference);
  // Readable numbers on the boxes: spans, error rate and p99 as the CLI formats durations.
  const redisManual = ui.nodes.find((n) => n.name === 'redis-manual');
  assert.equal(redisManual.detail, '14 spans · 21% err · p99 33.6ms');
  assert.equal(ui.nodes.find((n) => n.name === 'redis').kind, 'database');
  assert.equal(await page.locator('.map-edge-label').count(), reference.edges.length);
  // Edge with errors is coloured by its error rate (3 of 14 = 21%: high).
  assert.equal(await page.locator('.map-edge[data-edge="driver->redis-manual"].err-high').count(), 1);
  await screenshot(page, 'map-hotrod');

  // Hover a service: tooltip with its numbers, its callers and callees highlighted, the rest dimmed.
  await page.hover('.map-node[data-node=driver] .map-node-box');
  await page.waitForSelector('.map-tooltip');
  const tip = await page.textContent('.map-tooltip');
  assert.match(tip, /driver \(service\)/);
  assert.match(tip, /calls in 1 \(0 errors\) · calls out 14 \(3 errors\)/);
  assert.equal(await page.getAttribute('.map-node[data-node=frontend]', 'class').then((c) => c.includes('hl-caller')), true);
  assert.equal(await page.getAttribute('.map-node[data-node=redis-manual]', 'class').then((c) => c.includes('hl-callee')), true);
  assert.equal(await page.getAttribute('.map-node[data-node=route]', 'class').then((c) => c.includes('dim')), true);
  assert.equal(await page.locator('.map-edge.hl').count(), 2);
  await screenshot(page, 'map-hotrod-hover');

  // Hover an edge: its numbers.
  await page.mouse.move(0, 0);
  await page.waitForSelector('.map-tooltip', { state: 'detached' });

  // Click: selection in the route and the side panel with callers and callees.
  await page.click('.map-node[data-node=frontend] .map-node-box');
  await page.waitForFunction(() => location.search.includes('service=frontend'));
  await page.waitForSelector('.map-panel');
  assert.equal(await page.textContent('.map-panel-name'), 'frontend');
  assert.equal(await page.textContent('.map-panel [data-field=spans]'), '13');
  assert.equal(await page.textContent('.map-panel [data-field=p99]'), '694ms');
  const callees = await page.$$eval('.map-callees tr[data-peer]', (rows) =>
    rows.map((r) => [r.dataset.peer, Number(r.dataset.calls), Number(r.dataset.errors)]),
  );
  assert.deepEqual(callees, [['route', 10, 0], ['customer', 1, 0], ['driver', 1, 0]]);
  assert.equal(await page.locator('.map-callers tr[data-peer]').count(), 0);
  await screenshot(page, 'map-hotrod-selected');

  // Focus with 1 hop around driver: its caller and its callee remain.
  await page.click('.map-callees button:text("driver")');
  await page.waitForFunction(() => location.search.includes('service=driver'));
  await page.click('button.map-hops[data-hops="1"]');
  await page.waitForFunction(() => location.search.includes('hops=1'));
  await page.waitForFunction(() => document.querySelectorAll('.map-node').length === 3);
  assert.deepEqual(
    await page.$$eval('.map-node', (g) => g.map((n) => n.dataset.node)),
    ['driver', 'frontend', 'redis-manual'],
  );

  // "Show traces" goes to the trace list filtered by the service.
  await page.click('.map-show-traces');
  await page.waitForFunction(() => !location.search.includes('page=map') && location.search.includes('service=driver'));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Zipkin traces (yelp) and the per-trace map tab', async () => {
  const file = sample('zipkin-v2_yelp.json');
  const reference = cliGraph(file).traces;
  const page = await newPage(browser);
  await openMap(page, [file]);
  assertSameGraph(await shown(page), reference);
  // Uninstrumented peers are drawn as external nodes, with their own style.
  assert.equal(await page.locator('.map-node.kind-external').count(), 3);
  await screenshot(page, 'map-yelp');

  // The trace tab shows the map of that trace alone: the same here (one trace).
  await page.click('button[data-page=traces]');
  await page.waitForSelector('tr.trace-row');
  if ((await page.locator('.trace-page').count()) === 0) await page.click('tr.trace-row');
  await page.click('button[data-tab=map]');
  await page.waitForSelector('.trace-page .service-map .map-node');
  assertSameGraph(await shown(page), reference);
  await page.click('.map-node[data-node=yelp-main] .map-node-box');
  await page.waitForFunction(() => location.search.includes('service=yelp-main') && location.search.includes('view=map'));
  const callers = await page.$$eval('.map-callers tr[data-peer]', (rows) => rows.map((r) => r.dataset.peer));
  assert.deepEqual(callers, ['yelp_main/api_proxy', 'routing']);
  await screenshot(page, 'map-trace-tab');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the 1238-service dependency sample: focus, hops, search, the whole graph and its layout time', async () => {
  const file = sample('jaeger-deps_dependency-graph-large.json');
  const reference = cliGraph(file).dependency_links;
  assert.equal(reference.nodes.length, 1238);
  const page = await newPage(browser);
  await openMap(page, [file]);
  // Large graphs open focused on the busiest service, one hop up and down.
  await page.waitForSelector('.map-note');
  const focused = await shown(page);
  const center = reference.nodes.findIndex((n) => n.name === 'Service50');
  const near = new Set([center]);
  for (const e of reference.edges) {
    if (e.from === center) near.add(e.to);
    if (e.to === center) near.add(e.from);
  }
  assert.equal(focused.nodes.length, near.size);
  // The focus keeps the calls to and from the centre, not those among its neighbours.
  const keep = reference.edges.filter((e) => e.from === center || e.to === center);
  assertSameGraph(focused, {
    nodes: reference.nodes.filter((_, i) => near.has(i)),
    edges: keep.map((e) => ({ ...e, from: [...near].sort((a, b) => a - b).indexOf(e.from), to: [...near].sort((a, b) => a - b).indexOf(e.to) })),
  });
  assert.match(await page.textContent('.map-scope'), /111 of 1238 services .* 1 hop around Service50 \(the busiest\)/);
  await screenshot(page, 'map-large-focus');

  // Find a service through the search box, then widen the focus to 2 hops.
  await page.fill('.map-find', 'Service274');
  await page.dispatchEvent('.map-find', 'change');
  await page.waitForFunction(() => location.search.includes('service=Service274'));
  await page.waitForSelector('.map-node.selected[data-node=Service274]');
  const oneHop = await page.locator('.map-node').count();
  await page.click('button.map-hops[data-hops="2"]');
  await page.waitForFunction((n) => document.querySelectorAll('.map-node').length > n, oneHop);
  const twoHops = await page.locator('.map-node').count();
  console.log(`# focus on Service274: ${oneHop} services at 1 hop, ${twoHops} at 2 hops`);
  await page.hover('.map-node[data-node=Service274] .map-node-box');
  await page.waitForSelector('.map-tooltip');
  assert.match(await page.textContent('.map-tooltip'), /Service274 \(service\)/);
  await screenshot(page, 'map-large-2hops');

  // The whole graph: every node and edge, and the time its layout took.
  await page.click('button.map-hops[data-hops="0"]');
  await page.waitForFunction(() => document.querySelectorAll('.map-node').length === 1238, null, { timeout: 60000 });
  const whole = await shown(page);
  assertSameGraph(whole, reference);
  const layoutMs = await page.evaluate(() => {
    const m = performance.getEntriesByName('strand:map-layout');
    return m.length ? m[m.length - 1].duration : null;
  });
  assert.ok(layoutMs !== null, 'the layout is measured');
  console.log(`# layout of the 1238-service sample in the browser: ${layoutMs.toFixed(0)} ms`);
  await screenshot(page, 'map-large-whole');
  // Zoom in with the wheel: names appear.
  const box = await page.locator('.map-canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate(() => document.querySelector('.map-svg').classList.contains('lod-full'))) break;
    await page.mouse.wheel(0, -200);
    await page.waitForTimeout(50);
  }
  assert.ok(await page.evaluate(() => document.querySelector('.map-svg').classList.contains('lod-full')));
  await screenshot(page, 'map-large-whole-zoomed');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('traces and dependency links together: the source toggle', async () => {
  const traces = sample('otlp_hotrod-full-trace.json');
  const links = sample('jaeger-deps_dependency-graph-large.json');
  const page = await newPage(browser);
  await openMap(page, [traces, links]);
  await page.waitForSelector('button.map-source[data-source=traces][aria-pressed=true]');
  assertSameGraph(await shown(page), cliGraph(traces).traces);
  await page.click('button.map-source[data-source=links]');
  await page.waitForSelector('.map-note');
  assert.match(await page.textContent('.map-scope'), /of 1238 services/);
  // Drag pans: the viewport transform changes.
  const before = await page.getAttribute('.map-viewport', 'transform');
  const box = await page.locator('.map-canvas').boundingBox();
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 90, { steps: 5 });
  await page.mouse.up();
  assert.notEqual(await page.getAttribute('.map-viewport', 'transform'), before);
  await page.click('button.map-fit');
  assert.deepEqual(page.problems, []);
  await page.close();
});
