// End-to-end: the analytics page on real samples (OTLP, Jaeger, Zipkin), checked against what
// `strand-cli stats --json` computes for the same files: table numbers per service and per
// operation, sorting and filtering, the histogram and its percentile markers for a selected
// operation, the jump to its slowest traces (filtered, sorted trace list with removable chips),
// a brushed time window on the RED charts, and the CSV and Prometheus exports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, launchBrowser, newPage, screenshot, sample, repoRoot } from './harness.mjs';

let server;
let browser;

const FILES = [
  sample('otlp_hotrod-full-trace.json'),
  sample('jaeger-api_jaeger-query-traces-response.json'),
  sample('zipkin-v2_yelp.json'),
  sample('otlp_jaeger-multi-trace-links-kinds.json'),
];

before(async () => {
  execFileSync('cargo', ['build', '-q', '--locked', '--bin', 'strand-cli'], { cwd: repoRoot, stdio: 'inherit' });
  server = await serveStatic();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs the CLI (the reference) on `files` and parses its JSON. */
function cli(command, ...files) {
  const bin = path.join(repoRoot, 'target', 'debug', 'strand-cli');
  return JSON.parse(execFileSync(bin, [command, '--json', ...files], { maxBuffer: 64 << 20 }).toString());
}

/** The duration format of `model::time::format_duration` (below a minute). */
function formatDuration(ns) {
  const abs = Math.abs(ns);
  const three = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const body = abs < 1e3 ? `${abs}ns` : abs < 1e6 ? `${three(abs / 1e3)}µs` : abs < 1e9 ? `${three(abs / 1e6)}ms` : `${three(abs / 1e9)}s`;
  return (ns < 0 ? '-' : '') + body;
}

async function openAnalytics(page, files = FILES) {
  await page.goto(server.url);
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', files);
  await page.waitForSelector('button[data-page=analytics]');
  await page.click('button[data-page=analytics]');
  await page.waitForSelector('.analytics-table tbody tr');
  await page.waitForSelector('svg.histogram');
}

/** The table as shown: one object per row with the text and raw value of every cell. */
async function tableRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.analytics-table tbody tr')].map((tr) => {
      const cells = {};
      for (const td of tr.querySelectorAll('td[data-column]')) {
        cells[td.dataset.column] = { text: td.textContent.trim(), value: td.dataset.value === undefined ? null : Number(td.dataset.value) };
      }
      return { service: tr.dataset.service, operation: tr.dataset.operation ?? null, kind: tr.dataset.kind ?? null, cells };
    }),
  );
}

function assertRowMatches(row, ref) {
  const s = ref;
  const label = `${row.service} ${row.operation ?? ''} ${row.kind ?? ''}`;
  assert.equal(row.cells.count.text, String(s.count), label);
  assert.equal(row.cells.errors.text, String(s.errors), label);
  assert.equal(row.cells['error-rate'].text, `${(s.error_rate * 100).toFixed(1)}%`, label);
  for (const p of ['p50', 'p90', 'p99']) {
    assert.equal(row.cells[p].value, s[`${p}_ns`], `${label} ${p}`);
    assert.equal(row.cells[p].text, formatDuration(s[`${p}_ns`]), `${label} ${p}`);
  }
  assert.equal(row.cells.max.value, s.max_ns, label);
  assert.ok(Math.abs(row.cells.throughput.value - s.throughput_per_s) < 1e-9 * s.throughput_per_s, label);
  assert.ok(Math.abs(row.cells.self.value - s.self_share) < 1e-12, label);
}

test('the tables show the CLI statistics per operation and per service', async () => {
  const { stats } = cli('stats', ...FILES);
  const page = await newPage(browser);
  await openAnalytics(page);
  // Operations first, in the analysis order (service, name, kind).
  const ops = await tableRows(page);
  assert.equal(ops.length, stats.operations.length);
  ops.forEach((row, i) => {
    const ref = stats.operations[i];
    assert.deepEqual([row.service, row.operation, row.kind], [ref.service, ref.operation, ref.kind]);
    assertRowMatches(row, ref);
  });
  assert.match(await page.textContent('.analytics-toolbar .totals'), new RegExp(`^${stats.span_count} spans · ${stats.error_count} errors`));
  // The whole-dataset summary above the charts.
  assert.equal(await page.textContent('.detail-facts [data-fact=count] dd'), String(stats.span_count));
  await screenshot(page, 'analytics-operations');

  await page.click('button[data-level=services]');
  await page.waitForSelector('.analytics-table[data-level=services]');
  const services = await tableRows(page);
  assert.deepEqual(services.map((r) => r.service), stats.services.map((s) => s.service));
  services.forEach((row, i) => assertRowMatches(row, stats.services[i]));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('sorting by a header and filtering rows', async () => {
  const { stats } = cli('stats', ...FILES);
  const page = await newPage(browser);
  await openAnalytics(page);
  await page.click('.analytics-table th[data-column=p99] button');
  await page.waitForFunction(() => location.search.includes('sort=p99-desc'));
  let rows = await tableRows(page);
  const p99s = rows.map((r) => r.cells.p99.value);
  assert.deepEqual(p99s, [...p99s].sort((a, b) => b - a));
  assert.equal(await page.getAttribute('.analytics-table th[data-column=p99]', 'aria-sort'), 'descending');
  await page.click('.analytics-table th[data-column=p99] button');
  await page.waitForFunction(() => location.search.includes('sort=p99-asc'));
  rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.cells.p99.value), [...p99s].sort((a, b) => a - b));
  await page.click('.analytics-table th[data-column=service] button');
  await page.waitForFunction(() => location.search.includes('sort=service-asc'));

  // Conditions and names.
  await page.fill('.analytics-filter', 'errors>0');
  rows = await tableRows(page);
  const withErrors = stats.operations.filter((o) => o.errors > 0);
  assert.equal(rows.length, withErrors.length);
  assert.ok(rows.every((r) => Number(r.cells.errors.text) > 0));
  await page.fill('.analytics-filter', 'redis p99>=20ms');
  rows = await tableRows(page);
  const expected = stats.operations.filter((o) => (o.service.includes('redis') || o.operation.toLowerCase().includes('redis')) && o.p99_ns >= 20e6);
  assert.deepEqual(rows.map((r) => r.operation), expected.map((o) => o.operation));
  assert.match(await page.textContent('.row-count'), new RegExp(`^${expected.length} of ${stats.operations.length} rows`));
  await page.fill('.analytics-filter', 'p99>quick');
  assert.match(await page.textContent('.filter-problems'), /not a duration/);
  await page.fill('.analytics-filter', 'no-such-thing');
  await page.waitForSelector('.analytics-empty');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('an operation shows its histogram and markers; its slowest traces open in the trace list', async () => {
  const { stats } = cli('stats', ...FILES);
  const perTrace = cli('trace-stats', '--group-by', 'operation', ...FILES);
  const traces = cli('traces', ...FILES);
  // The operation found in the most traces (then the busiest one).
  const tracesWith = (o) => perTrace.filter((t) => t.stats.groups.some((g) => g.service === o.service && g.operation === o.operation)).length;
  const op = [...stats.operations].sort((a, b) => tracesWith(b) - tracesWith(a) || b.count - a.count)[0];
  const page = await newPage(browser);
  await openAnalytics(page);
  await page.click(`.analytics-row[data-service="${op.service}"][data-operation="${op.operation}"][data-kind="${op.kind}"]`);
  await page.waitForFunction(() => location.search.includes('op='));
  const query = new URL(page.url()).searchParams;
  assert.deepEqual([query.get('service'), query.get('op'), query.get('kind')], [op.service, op.operation, op.kind]);
  await page.waitForFunction((title) => document.querySelector('.detail-title')?.textContent === title, `${op.service}: ${op.operation} [${op.kind}]`);
  assert.equal(await page.getAttribute('.analytics-row.selected', 'aria-selected'), 'true');

  // Bars: every non-empty bucket of the CLI histogram, with its count.
  const bars = await page.$$eval('.hist-bar', (rects) => rects.map((r) => [Number(r.dataset.bucket), Number(r.dataset.count)]));
  const shownCounts = Object.fromEntries(bars);
  op.histogram.counts.forEach((c, i) => {
    if (c > 0) assert.equal(shownCounts[i], c, `bucket ${i}`);
  });
  assert.equal(bars.reduce((a, [, c]) => a + c, 0), op.count);
  const markers = await page.$$eval('.hist-marker', (gs) => gs.map((g) => [g.dataset.label, Number(g.dataset.ns), g.textContent]));
  assert.deepEqual(markers.map(([l, ns]) => [l, ns]), [['p50', op.p50_ns], ['p90', op.p90_ns], ['p99', op.p99_ns]]);
  assert.equal(markers[2][2], `p99 ${formatDuration(op.p99_ns)}`);
  assert.equal(await page.textContent('.detail-facts [data-fact=p99] dd'), formatDuration(op.p99_ns));
  // Hovering a bar shows its range and count.
  await page.evaluate(() => document.querySelector('.analytics-detail').scrollIntoView());
  const bar = page.locator('.hist-bar:not([data-count="0"])').first();
  const box = await bar.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height - 2);
  await page.waitForSelector('.histogram-panel .chart-tooltip');
  assert.match(await page.textContent('.histogram-panel .chart-tooltip'), /^\S+ – \S+: \d+ spans? \(\d+\.\d%\)$/);
  // Hovering the rate chart shows the bucket's numbers with units.
  const rate = await page.locator('svg[data-chart=rate]').boundingBox();
  await page.mouse.move(rate.x + rate.width * 0.5, rate.y + rate.height / 2);
  await page.waitForSelector('.red-rate .chart-tooltip');
  assert.match(await page.textContent('.red-rate .chart-tooltip'), /\d+ spans?.*\d+ errors?/);
  await screenshot(page, 'analytics-operation');

  // Slowest traces: the list filtered to traces with that operation, longest first.
  await page.click('.analytics-row.selected .slowest-traces');
  await page.waitForSelector('.list-filter');
  const url = new URL(page.url()).searchParams;
  assert.equal(url.get('page'), null);
  assert.equal(url.get('sort'), 'duration-desc');
  const chips = await page.$$eval('.chip .chip-label', (els) => els.map((e) => e.textContent));
  assert.deepEqual(chips, [`service: ${op.service}`, `operation: ${op.operation}`]);
  const withOp = perTrace
    .filter((t) => t.stats.groups.some((g) => g.service === op.service && g.operation === op.operation))
    .map((t) => traces.find((x) => x.trace_id === t.trace_id))
    .sort((a, b) => b.duration_ns - a.duration_ns);
  const listed = await page.$$eval('tr.trace-row td.mono', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(listed, withOp.map((t) => t.trace_id));
  assert.equal(await page.getAttribute('th[aria-sort=descending] button', 'class'), 'sort-button');
  await screenshot(page, 'analytics-slowest-traces');
  // Removing the chips brings every trace back.
  await page.click('.chip[data-chip=operation] .chip-remove');
  await page.click('.chip[data-chip=service] .chip-remove');
  await page.waitForSelector('.list-filter', { state: 'detached' });
  assert.equal(await page.locator('tr.trace-row').count(), traces.length);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the slowest traces of a service: the list and the scatter plot show the same traces', async () => {
  const perTrace = cli('trace-stats', ...FILES);
  const traces = cli('traces', ...FILES);
  const page = await newPage(browser);
  await openAnalytics(page);
  await page.click('button[data-level=services]');
  await page.click('.analytics-row[data-service="service-x"] .slowest-traces');
  await page.waitForSelector('.chip[data-chip=service]');
  const expected = perTrace
    .filter((t) => t.stats.groups.some((g) => g.service === 'service-x'))
    .map((t) => traces.find((x) => x.trace_id === t.trace_id));
  assert.equal(expected.length, 2);
  const listed = await page.$$eval('tr.trace-row td.mono', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual([...listed].sort(), expected.map((t) => t.trace_id).sort());
  await page.waitForSelector('.scatter-dot');
  const dots = await page.$$eval('.scatter-dot', (cs) => cs.map((c) => Number(c.dataset.index)));
  assert.equal(dots.length, 2);
  // Sorting by a header keeps the filter and writes the sort to the address.
  await page.click('th:has-text("Spans") button');
  await page.waitForFunction(() => location.search.includes('sort=spans-desc') && location.search.includes('service=service-x'));
  assert.equal(await page.locator('tr.trace-row').count(), 2);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('brushing the rate chart lists the traces that start in the window', async () => {
  const traces = cli('traces', ...FILES);
  const page = await newPage(browser);
  await openAnalytics(page);
  await page.evaluate(() => document.querySelector('.analytics-detail').scrollIntoView());
  const box = await page.locator('svg[data-chart=rate]').boundingBox();
  // The right half of the plot: the window ends at the data's end (the 2026 HotROD trace).
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 5 });
  await page.waitForSelector('.chart-brush');
  await screenshot(page, 'analytics-brush');
  await page.mouse.move(box.x + box.width - 10, box.y + box.height / 2, { steps: 3 });
  await page.mouse.up();
  await page.waitForSelector('.chip[data-chip=window]');
  const [from, to] = new URL(page.url()).searchParams.get('window').split('~').map(BigInt);
  const inside = traces.filter((t) => BigInt(t.start_ns) >= from && BigInt(t.start_ns) <= to).map((t) => t.trace_id);
  assert.ok(inside.length >= 1 && inside.length < traces.length, `${inside.length} of ${traces.length}`);
  const listed = await page.$$eval('tr.trace-row td.mono', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(listed.sort(), inside.sort());
  assert.match(await page.textContent('.list-filter-count'), new RegExp(`^${inside.length} of ${traces.length} traces$`));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the CSV and Prometheus exports hold the CLI numbers', async () => {
  const { stats } = cli('stats', ...FILES);
  const page = await newPage(browser);
  await openAnalytics(page);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('button.export-csv')]);
  assert.equal(csvDownload.suggestedFilename(), 'strand-latency-stats.csv');
  const csv = fs.readFileSync(await csvDownload.path(), 'utf8');
  const lines = csv.split('\r\n');
  assert.equal(lines.pop(), '', 'CRLF after the last record');
  const records = lines.map(parseCsvLine);
  const header = records.shift();
  assert.deepEqual(header.slice(0, 8), ['level', 'service', 'operation', 'kind', 'count', 'errors', 'error_rate', 'throughput_per_s']);
  const col = (r, name) => r[header.indexOf(name)];
  const expected = [
    ...stats.services.map((s) => ['service', s.service, '', '', s]),
    ...stats.operations.map((o) => ['operation', o.service, o.operation, o.kind, o]),
  ];
  assert.equal(records.length, expected.length);
  records.forEach((r, i) => {
    const [level, service, operation, kind, s] = expected[i];
    assert.deepEqual(r.slice(0, 4), [level, service, operation, kind]);
    assert.equal(Number(col(r, 'count')), s.count);
    assert.equal(Number(col(r, 'errors')), s.errors);
    for (const k of ['min', 'p50', 'p75', 'p90', 'p95', 'p99', 'max']) {
      assert.equal(Number(col(r, `${k}_ns`)), s[`${k}_ns`], `${service} ${k}`);
      assert.ok(Math.abs(Number(col(r, `${k}_ms`)) - s[`${k}_ns`] / 1e6) < 1e-9, `${service} ${k}_ms`);
    }
    assert.equal(Number(col(r, 'self_time_ns')), s.self_time_ns);
    assert.equal(Number(col(r, 'error_rate')), s.error_rate);
    assert.equal(Number(col(r, 'throughput_per_s')), s.throughput_per_s);
  });

  const [promDownload] = await Promise.all([page.waitForEvent('download'), page.click('button.export-prometheus')]);
  assert.equal(promDownload.suggestedFilename(), 'strand-span-metrics.prom');
  const prom = fs.readFileSync(await promDownload.path(), 'utf8');
  const samples = parseExposition(prom);
  const key = (l) => `${l.service_name}|${l.span_name}|${l.span_kind}`;
  const calls = new Map();
  const errors = new Map();
  const counts = new Map();
  const buckets = new Map();
  for (const s of samples) {
    const k = key(s.labels);
    if (s.name === 'traces_span_metrics_calls_total') {
      calls.set(k, (calls.get(k) ?? 0) + s.value);
      if (s.labels.status_code === 'STATUS_CODE_ERROR') errors.set(k, (errors.get(k) ?? 0) + s.value);
    } else if (s.name === 'traces_span_metrics_duration_milliseconds_count') {
      counts.set(k, (counts.get(k) ?? 0) + s.value);
    } else if (s.name === 'traces_span_metrics_duration_milliseconds_bucket') {
      const byLe = buckets.get(k) ?? new Map();
      byLe.set(s.labels.le, (byLe.get(s.labels.le) ?? 0) + s.value);
      buckets.set(k, byLe);
    }
  }
  assert.equal(calls.size, stats.operations.length);
  for (const o of stats.operations) {
    const k = `${o.service}|${o.operation}|SPAN_KIND_${o.kind.toUpperCase()}`;
    assert.equal(calls.get(k), o.count, k);
    assert.equal(errors.get(k) ?? 0, o.errors, k);
    assert.equal(counts.get(k), o.count, k);
    // Cumulative buckets of the series of all statuses add up to the CLI's histogram.
    let cumulative = 0;
    const byLe = buckets.get(k);
    o.histogram.counts.forEach((c, i) => {
      cumulative += c;
      const le = i < stats.histogram_bounds_ns.length ? String(stats.histogram_bounds_ns[i] / 1e6) : '+Inf';
      assert.equal(byLe.get(le), cumulative, `${k} le=${le}`);
    });
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

/** One RFC 4180 record (no line breaks inside fields in these samples). */
function parseCsvLine(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      out.push(value);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}

/** Samples of the text exposition format; checks HELP/TYPE lines and label syntax on the way. */
function parseExposition(text) {
  const types = new Map();
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = line.match(/^# TYPE (\w+) (counter|histogram)$/);
    if (m) {
      types.set(m[1], m[2]);
      continue;
    }
    if (line.startsWith('#')) {
      assert.ok(!line.startsWith('# TYPE'), line);
      continue;
    }
    m = line.match(/^(\w+)\{(.*)\} (\S+)$/);
    assert.ok(m, `sample line: ${line}`);
    const labels = {};
    const re = /(\w+)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;
    let l;
    let consumed = 0;
    while ((l = re.exec(m[2])) !== null) {
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      consumed = re.lastIndex;
    }
    assert.equal(consumed, m[2].length, `labels of ${line}`);
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]) || types.get(family) === 'histogram', `declared: ${m[1]}`);
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}
