// End-to-end: the diagnosis views in Chromium (the served release build). The compare page on two
// real sample traces (ticked in the trace list) and on the real shop recording (two traces, the
// slowest 10% against the rest, a brushed time window), "what is different" from a brush on the
// analytics histogram and on the trace-list scatter, a span's percentile among its peers and the
// p95 marker, a trace of 1,000 repeated calls folded into one row, and "critical path only".
// Expected numbers are computed here from the files, independently of Strand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, launchBrowser, newPage, screenshot, sample, repoRoot, tempFile } from './harness.mjs';

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

/** The shop recorded by tests/otel/shop.py with two causes built in (see tests/diagnosis.rs). */
const SHOP = path.join(repoRoot, 'tests', 'fixtures', 'shop-slow', 'shop.otlp.jsonl');
const OAUTH = sample('zipkin-v2_smartthings-oauth-authorization.json');
const INSTALL = sample('zipkin-v2_smartthings-mobile-web-install.json');

/** Every span of an OTLP JSON lines file: trace, span id, service, name, kind, duration (ns). */
function otlpSpans(file) {
  const spans = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim())) {
    for (const rs of JSON.parse(line).resourceSpans) {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name').value.stringValue;
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          const duration = Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano));
          spans.push({ trace: s.traceId, id: s.spanId, service, name: s.name, kind: s.kind ?? 0, duration });
        }
      }
    }
  }
  return spans;
}

/** The spans of the same service, name and kind as `span`, durations ascending. */
function peersOf(spans, span) {
  return spans
    .filter((s) => s.service === span.service && s.name === span.name && s.kind === span.kind)
    .map((s) => s.duration)
    .sort((a, b) => a - b);
}

/** Nearest-rank percentile of ascending values. */
const nearestRank = (sorted, p) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];

/** A Zipkin trace: a root with `n` "select stock" children (one of them failing on a deadlock),
 * then a render call. Durations 2.0 to 2.6 ms in 0.1 ms steps. */
function loopTrace(n) {
  const t0 = 1_700_000_000_000_000;
  const trace = 'aaaaaaaaaaaaaaaa';
  const spans = [
    { traceId: trace, id: '0000000000000001', name: 'get /orders', kind: 'SERVER', timestamp: t0, duration: 3_000_000,
      localEndpoint: { serviceName: 'orders' } },
  ];
  for (let i = 0; i < n; i++) {
    spans.push({
      traceId: trace, parentId: '0000000000000001', id: (i + 16).toString(16).padStart(16, '0'), name: 'select stock',
      kind: 'CLIENT', timestamp: t0 + 1000 + i * 2500, duration: 2000 + (i % 7) * 100, localEndpoint: { serviceName: 'orders' },
      tags: i === 500 ? { error: 'deadlock', 'db.statement': 'SELECT stock FOR UPDATE' } : { 'db.statement': 'SELECT stock' },
    });
  }
  spans.push({ traceId: trace, parentId: '0000000000000001', id: 'ffffffffffffff01', name: 'render', timestamp: t0 + 2_600_000,
    duration: 300_000, localEndpoint: { serviceName: 'orders' } });
  return JSON.stringify(spans);
}

/** A page with `files` loaded and the trace list shown. */
async function loaded(files, viewport) {
  const page = await newPage(browser, viewport);
  await page.goto(server.url);
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', files);
  await page.waitForSelector('tr.trace-row');
  return page;
}

const rowCount = (page) => page.locator('.wf-scroll').getAttribute('aria-rowcount').then(Number);

/** Ticks the trace-list rows whose trace id is `a`, then `b`, and presses Compare. */
async function compareTicked(page, a, b) {
  for (const id of [a, b]) {
    await page.locator('tr.trace-row', { has: page.locator('td.mono', { hasText: id }) }).locator('.pick-box').check();
  }
  await page.click('button.compare-picked');
  await page.waitForSelector('.compare-row');
}

test('two real sample traces compare path by path, and the address reopens the comparison', async () => {
  const page = await loaded([OAUTH, INSTALL]);
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 2);
  await compareTicked(page, '8ce82b2e9ed820ba', '14b60fd9ae504820');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('page'), 'compare');
  assert.equal(url.searchParams.get('a'), '8ce82b2e9ed820ba');
  assert.equal(url.searchParams.get('b'), '14b60fd9ae504820');
  // The roots differ, so every path is only in A or only in B: A's tree, then B's.
  const first = page.locator('.compare-row').first();
  assert.equal(await first.getAttribute('data-class'), 'only-a');
  assert.match(await first.locator('.compare-name').innerText(), /datamgmt\s+get \/oauth\/authorize/);
  assert.deepEqual(await first.locator('td.num').allInnerTexts(), ['1', '1.43ms', '1.43ms', '0', '–', '–', 'only in A']);
  const rootB = page.locator('.compare-row[aria-level="1"][data-class="only-b"]');
  assert.equal(await rootB.count(), 1);
  assert.match(await rootB.innerText(), /coreSrv\s+get \/login\/tokenauth/);
  const classes = new Set(await page.locator('.compare-row').evaluateAll((rows) => rows.map((r) => r.dataset.class)));
  assert.deepEqual([...classes].sort(), ['only-a', 'only-b']);
  assert.match(await page.locator('.compare-differences').innerText(), /only in A · \d+ only in B/);
  assert.deepEqual(await page.locator('.compare-legend .legend-item').allInnerTexts(),
    ['only in A', 'only in B', 'slower in B', 'faster in B', 'same']);
  await screenshot(page, 'compare-two-samples');

  // A click on B's root lists its spans on both sides; a span opens its trace.
  await rootB.click();
  await page.waitForSelector('.compare-node');
  assert.match(await page.locator('.node-side[data-side="a"]').innerText(), /0 spans[\s\S]*did not run in A/);
  const link = page.locator('.node-side[data-side="b"] .compare-span');
  assert.equal(await link.count(), 1);
  assert.match(await link.innerText(), /^[\d.]+(µs|ms|s) · trace 14b60fd9ae504820$/);
  await screenshot(page, 'compare-two-samples-node');
  await link.click();
  await page.waitForSelector('.wf-row.selected');
  const opened = new URL(page.url());
  assert.equal(opened.searchParams.get('trace'), '14b60fd9ae504820');
  assert.ok(opened.searchParams.get('span'));
  // Back reopens the same comparison from the address.
  await page.goBack();
  await page.waitForSelector('.compare-row');
  assert.equal(new URL(page.url()).searchParams.get('b'), '14b60fd9ae504820');
  // Swapping A and B swaps the classes.
  await page.click('button.compare-swap');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('a') === '14b60fd9ae504820');
  assert.equal(await page.locator('.compare-row').first().getAttribute('data-class'), 'only-a');
  assert.match(await page.locator('.compare-row').first().innerText(), /coreSrv/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('traces of the real shop: two traces, "Compare with…", the slowest 10% and a brushed window', async () => {
  const spans = otlpSpans(SHOP);
  const page = await loaded([SHOP]);
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 30);

  // "Compare with…" on a trace page: the picked trace is A, this one B.
  const durationHeader = page.locator('th', { has: page.locator('button', { hasText: /^Duration/ }) });
  while ((await durationHeader.getAttribute('aria-sort')) !== 'descending') await durationHeader.locator('button').click();
  await page.locator('tr.trace-row').first().click();
  const slowest = new URL(page.url()).searchParams.get('trace');
  await page.click('button.compare-with-open');
  await page.waitForSelector('.compare-with-pop select');
  await screenshot(page, 'compare-with-popover');
  await page.click('button.compare-with-go');
  await page.waitForSelector('.compare-row');
  assert.equal(new URL(page.url()).searchParams.get('b'), slowest);
  const root = page.locator('.compare-row').first();
  assert.equal(await root.getAttribute('data-class'), 'slower');
  assert.match(await root.locator('.compare-delta').innerText(), /^\+/);

  // The slowest 10% of the root operation against the rest, from the analytics table.
  await page.click('button[data-page=analytics]');
  await page.locator('.analytics-row[data-service="frontend"][data-operation="GET /checkout/<int:n>"] .slowest-vs-rest').click();
  await page.waitForSelector('.compare-row');
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('split'), 'slowest-10');
  assert.equal(q.get('op'), 'GET /checkout/<int:n>');
  assert.match(await page.locator('.compare-side[data-side="b"]').innerText(), /slowest 10% of frontend: GET \/checkout\/<int:n> \(3 traces\)/);
  assert.match(await page.locator('.compare-side[data-side="a"]').innerText(), /27 traces · \d+ spans · mean .+ · p90 /);
  // B's root node is the three longest traces' root spans: their mean, as the file says.
  const roots = spans.filter((s) => s.service === 'frontend' && s.name === 'GET /checkout/<int:n>').map((s) => s.duration).sort((a, b) => b - a);
  assert.equal(roots.length, 30);
  const rootRow = page.locator('.compare-row').first();
  assert.equal(await rootRow.getAttribute('data-class'), 'slower');
  const [bCount, bMean] = await rootRow.locator('td.num.side-b').allInnerTexts();
  assert.equal(bCount, '3');
  const mean = Math.trunc((roots[0] + roots[1] + roots[2]) / 3);
  assert.equal(bMean, `${(mean / 1e6).toPrecision(3)}ms`);
  await screenshot(page, 'compare-slowest-10');
  // 20% takes 6 traces.
  await page.fill('input.compare-percent', '20');
  await page.press('input.compare-percent', 'Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('split') === 'slowest-20');
  assert.match(await page.locator('.compare-side[data-side="b"]').innerText(), /\(6 traces\)/);

  // A rectangle brushed on the scatter plot: its traces, what is different about their spans,
  // and comparing the time window with the other traces.
  await page.click('button[data-page=traces]');
  await page.waitForSelector('svg.scatter .scatter-capture');
  const plot = await page.locator('svg.scatter .scatter-capture').boundingBox();
  await page.mouse.move(plot.x + 2, plot.y + 2);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height - 2, { steps: 6 });
  await page.mouse.up();
  await page.waitForSelector('.list-brush');
  const brushed = await page.locator('.scatter-dot.brushed').count();
  assert.ok(brushed > 0 && brushed < 30, `${brushed} traces brushed`);
  assert.match(await page.locator('.list-brush-label').innerText(), new RegExp(`^Brushed: ${brushed} traces? · `));
  const brushedIds = await page.locator('.scatter-dot.brushed').evaluateAll((dots) => dots.map((d) => Number(d.dataset.index)));
  await page.waitForSelector('.list-brush .outliers-sides');
  const selectedText = await page.locator('.list-brush .side-selection').innerText();
  const count = Number(selectedText.match(/^([\d,]+) spans? selected/)[1].replace(/,/g, ''));
  assert.ok(count > brushed, selectedText);
  await screenshot(page, 'list-scatter-brush');
  await page.click('button.compare-brushed');
  await page.waitForSelector('.compare-row');
  assert.equal(new URL(page.url()).searchParams.get('split'), 'window');
  assert.match(await page.locator('.compare-window').innerText(), /^B: traces starting \d{4}-\d\d-\d\d /);
  assert.match(await page.locator('.compare-side[data-side="b"]').innerText(), new RegExp(`${brushedIds.length} traces? starting in the`));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a brush on the analytics histogram ranks what sets the slow stock look-ups apart', async () => {
  const page = await loaded([SHOP]);
  await page.click('button[data-page=analytics]');
  await page.click('.analytics-row[data-service="inventory"][data-operation="GET /stock/<sku>"]');
  await page.waitForSelector('svg.histogram.brushable');
  // Brush the buckets from 50 ms up: the look-ups that waited for the remote warehouse.
  const bars = page.locator('rect.hist-bar');
  const buckets = await bars.evaluateAll((els) => els.map((e) => ({ bucket: Number(e.dataset.bucket), count: Number(e.dataset.count) })));
  // Bucket 15 holds (50 ms, 100 ms]; the brush ends on the last bar with spans.
  assert.ok(buckets.find((b) => b.bucket === 15 && b.count > 0), JSON.stringify(buckets));
  const start = await page.locator('rect.hist-bar[data-bucket="15"]').boundingBox();
  const end = await page.locator('rect.hist-bar:not([data-count="0"])').last().boundingBox();
  await page.mouse.move(start.x + 2, start.y + start.height - 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width - 1, start.y + start.height - 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForSelector('.outlier-pair');
  // The spans of that operation lasting over 50 ms, counted from the file.
  const spans = otlpSpans(SHOP).filter((s) => s.service === 'inventory' && s.name === 'GET /stock/<sku>');
  const slow = spans.filter((s) => s.duration > 50_000_000).length;
  assert.match(await page.locator('.outliers-panel .side-selection').innerText(),
    new RegExp(`^${slow} spans selected \\(the spans of inventory GET /stock/<sku> \\[server\\], lasting 50\\.0ms to `));
  assert.match(await page.locator('.outliers-panel .side-baseline').innerText(),
    new RegExp(`^${spans.length - slow} spans in the baseline \\(the other spans of the same operations\\)`));
  const top = page.locator('.outlier-pair').first();
  assert.equal(await top.locator('.pair-key').innerText(), 'shop.warehouse');
  assert.equal(await top.locator('.pair-value').innerText(), 'eu-west');
  assert.equal(await top.getAttribute('data-term'), 'shop.warehouse=eu-west');
  // Both shares as a pair of bars: the selection's is longer.
  const widths = await top.locator('.pair-bar').evaluateAll((els) => els.map((e) => parseFloat(e.style.width)));
  assert.ok(widths[0] > widths[1], JSON.stringify(widths));
  await page.evaluate(() => document.querySelector('.outliers-panel').scrollIntoView());
  await screenshot(page, 'analytics-histogram-brush-pairs');
  // A click adds the pair as a filter: the selection narrows to it, and its key is no longer ranked.
  await top.click();
  await page.waitForFunction(() => document.querySelector('.outliers-refine').value === 'shop.warehouse=eu-west');
  await page.waitForFunction(() => /shop\.warehouse=eu-west\)$/.test(document.querySelector('.outliers-panel .side-selection').innerText));
  const keys = await page.locator('.outlier-pair .pair-key').allInnerTexts();
  assert.ok(!keys.includes('shop.warehouse'), JSON.stringify(keys));
  // A search selection: the failing payments point at the card network (as tests/diagnosis.rs).
  await page.click('.analytics-row[data-service="inventory"][data-operation="GET /stock/<sku>"]'); // clear the selection
  await page.click('.outliers-panel button:has-text("Clear")');
  await page.click('.outliers-picks button[data-pick="query"]');
  await page.fill('input[aria-label="Spans matching"]', 'service:payment error');
  await page.press('input[aria-label="Spans matching"]', 'Enter');
  await page.waitForFunction(() => document.querySelector('.outlier-pair')?.dataset.term === 'shop.card.network=amex');
  assert.match(await page.locator('.outlier-pair').first().locator('.pair-shares').innerText(), /^67% vs 22%$/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('span details rank a span among its peers, and the waterfall marks spans above p95', async () => {
  const spans = otlpSpans(SHOP);
  const page = await loaded([SHOP]);
  await page.waitForSelector('.wf-row');
  // The first payment server span of the open trace.
  await page.locator('.wf-row', { has: page.locator('.wf-service', { hasText: 'payment' }) })
    .filter({ has: page.locator('.wf-span-name', { hasText: 'POST /pay/' }) }).first().click();
  await page.waitForSelector('.details-peers');
  const q = new URL(page.url()).searchParams;
  const span = spans.find((s) => s.trace === q.get('trace') && s.id === q.get('span'));
  const peers = peersOf(spans, span);
  const atOrBelow = peers.filter((d) => d <= span.duration).length;
  const p = Math.floor((100 * atOrBelow) / peers.length);
  assert.equal(await page.locator('.peer-rank').innerText(), `p${p} of ${peers.length} payment POST /pay/<int:n> spans loaded`);
  assert.equal(await page.locator('.peer-rank').getAttribute('data-percentile'), String(p));
  // The small histogram marks one bar, and the bars hold every peer.
  assert.equal(await page.locator('.peer-bar.marked').count(), 1);
  const counts = await page.locator('.peer-bar').evaluateAll((els) => els.map((e) => Number(e.dataset.count)));
  assert.equal(counts.reduce((a, b) => a + b, 0), peers.length);
  await screenshot(page, 'details-peers');
  // The slowest peers open their span; the trace list lists the operation's traces, longest first.
  await page.click('.peer-slowest summary');
  const slowestPeer = page.locator('.peer-slowest li').first();
  const label = await slowestPeer.innerText();
  const longest = peers[peers.length - 1];
  assert.ok(label.startsWith(`${(longest / 1e6).toFixed(1)}ms`), `${label} vs ${longest}`);
  await page.click('.peer-traces');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'duration-desc');
  const list = new URL(page.url()).searchParams;
  assert.equal(list.get('service'), 'payment');
  assert.equal(list.get('op'), 'POST /pay/<int:n>');

  // The p95 marker on the longest trace, folding off so that every span is a row.
  await page.locator('tr.trace-row').first().click();
  await page.waitForSelector('.wf-row');
  const trace = new URL(page.url()).searchParams.get('trace');
  await page.getByLabel('Fold repeats').uncheck();
  await page.getByLabel('Slow spans (> p95)').check();
  const expected = spans.filter((s) => s.trace === trace).filter((s) => s.duration > nearestRank(peersOf(spans, s), 95)).length;
  await page.waitForFunction((n) => document.querySelectorAll('.wf-slow-mark').length === n, expected);
  assert.ok(expected > 0, 'the longest trace has spans above their p95');
  assert.match(await page.locator('.wf-slow-mark').first().getAttribute('title'), /^slower than the p95 \(.+\) of \d+ `.+` spans$/);
  await screenshot(page, 'waterfall-p95-markers');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a trace with 1,000 repeated calls shows one folded row that expands in place', async () => {
  const page = await loaded([tempFile('loop-1000.zipkin.json', loopTrace(1000))]);
  await page.waitForSelector('.wf-row');
  await page.evaluate(() => document.querySelector('.waterfall').scrollIntoView());
  assert.equal(await rowCount(page), 3);
  const folded = page.locator('.wf-row.wf-fold');
  assert.equal(await folded.count(), 1);
  assert.equal(await folded.getAttribute('data-count'), '1000');
  assert.equal(await folded.getAttribute('aria-expanded'), 'false');
  assert.match(await folded.locator('.wf-name').innerText(), /orders\s+select stock\s+×1,000/);
  // 2.0 to 2.6 ms in 0.1 ms steps: total 2.2997 s, nearest-rank median 2.3 ms, max 2.6 ms.
  assert.equal(await folded.locator('.wf-label').innerText(), 'total 2.30s, p50 2.30ms, max 2.60ms');
  assert.ok(await folded.locator('.wf-band').count() === 1);
  assert.equal(await folded.locator('.wf-error-mark').count(), 1, 'the deadlock shows on the folded row');
  await screenshot(page, 'waterfall-folded');
  // Its toggle unfolds it in place; the first member folds it again.
  await folded.locator('.wf-fold-toggle').click();
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '1002');
  assert.equal(await page.locator('.wf-row.wf-fold').count(), 0);
  const handle = page.locator('.wf-fold-toggle.unfolded');
  assert.match(await handle.innerText(), /×1,000/);
  await screenshot(page, 'waterfall-unfolded');
  await handle.click();
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '3');

  // The keyboard treats the folded row as one row; Right unfolds it, Left on a member folds it.
  await page.locator('.wf-scroll').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('.wf-row.wf-fold.selected');
  assert.equal(await rowCount(page), 3);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '1002');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '3');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('.wf-row.selected .wf-span-name:has-text("render")');

  // A search reaches a folded span: jumping to the match unfolds its group and shows it.
  await page.fill('.search-bar input[type=search]', 'deadlock');
  await page.press('.search-bar input[type=search]', 'Enter');
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '1002');
  await page.waitForSelector('.wf-row.focus.error');
  assert.match(await page.locator('.wf-row.focus').getAttribute('title'), /select stock[\s\S]*error: deadlock/);
  await screenshot(page, 'waterfall-search-in-fold');

  // The switch turns folding off (and on again, folded).
  await page.fill('.search-bar input[type=search]', '');
  await page.press('.search-bar input[type=search]', 'Enter');
  await page.getByLabel('Fold repeats').uncheck();
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '1002');
  assert.equal(await page.locator('.wf-fold-toggle').count(), 0);
  await page.getByLabel('Fold repeats').check();
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '3');
  assert.equal(await page.locator('.wf-row.wf-fold').count(), 1);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('critical path only keeps the spans on the critical path and their ancestors', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '?demo');
  await page.waitForSelector('.wf-row');
  await page.evaluate(() => document.querySelector('.waterfall').scrollIntoView());
  assert.equal(await rowCount(page), 43);
  await page.getByLabel('Critical path', { exact: true }).check();
  await page.getByLabel('Critical path only').check();
  await page.waitForFunction(() => Number(document.querySelector('.wf-scroll').getAttribute('aria-rowcount')) < 43);
  const kept = await rowCount(page);
  assert.ok(kept > 1, `${kept} rows`);
  // Every row is on the critical path or an ancestor of a row that is.
  const rows = await page.locator('.wf-row').evaluateAll((els) => els.map((e) => ({
    level: Number(e.getAttribute('aria-level')),
    critical: e.querySelectorAll('.wf-critical').length > 0,
  })));
  rows.forEach((row, i) => {
    const next = rows[i + 1];
    assert.ok(row.critical || (next && next.level > row.level), `row ${i + 1} is neither on the path nor an ancestor`);
  });
  await screenshot(page, 'waterfall-critical-only');
  // It combines with "matches only".
  await page.fill('.search-bar input[type=search]', 'service:payment');
  await page.getByLabel('Matches only').check();
  await page.waitForFunction((k) => Number(document.querySelector('.wf-scroll').getAttribute('aria-rowcount')) < k, kept);
  await page.getByLabel('Matches only').uncheck();
  await page.getByLabel('Critical path only').uncheck();
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '43');
  assert.deepEqual(page.problems, []);
  await page.close();
});
