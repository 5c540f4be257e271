// End-to-end: the workspace keeps the user's place. Reload restores what was loaded (kept in
// IndexedDB) and the selected span; a link to a trace that is not loaded says so and opens its
// file; Clear all can be undone; notices fold; the dark theme and time zones apply everywhere;
// "Copy link" copies the view; and axe-core finds no accessibility violation in the main states
// of both themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, launchBrowser, screenshot, sample, repoRoot } from './harness.mjs';

const HOTROD = 'otlp_hotrod-full-trace.json';
const HOTROD_TRACE = '1a4e4a7b270e9f2a0f716e3ee115218a';
const axeSource = fs.readFileSync(path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

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

/** A fresh browser profile (its own IndexedDB and local storage) and a page in it. */
async function freshPage({ width = 1366, height = 768, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  return { context, page };
}

async function open(page, query = '') {
  await page.goto(server.url + query);
  await page.waitForSelector('.topbar .brand');
}

async function loadFiles(page, names) {
  await page.setInputFiles('input[type=file]', names.map(sample));
  await page.waitForFunction((n) => document.querySelectorAll('tr.trace-row').length >= n, names.length, { timeout: 60_000 });
  await page.waitForSelector('.wf-row');
}

/** Waits until the workspace was written to IndexedDB (the `strand:keep` measure). */
async function waitKept(page, count = 1) {
  await page.waitForFunction((n) => performance.getEntriesByName('strand:keep').length >= n, count, { timeout: 30_000 });
}

/** The visible text of every absolute time the page shows. */
async function shownTimes(page) {
  return page.evaluate(() => ({
    header: document.querySelector('.trace-list th:nth-child(3)')?.textContent,
    row: document.querySelector('tr.trace-row.selected td:nth-child(3)')?.textContent,
    start: [...document.querySelectorAll('.facts div')].find((d) => d.querySelector('dt')?.textContent === 'Start')?.querySelector('dd')?.textContent,
    started: [...document.querySelectorAll('.span-details dt')].find((d) => d.textContent === 'Started')?.nextElementSibling?.textContent,
    caption: document.querySelector('.scatter-caption')?.textContent,
  }));
}

test('a reload restores the workspace and the selected span, scrolled into view', async () => {
  const { context, page } = await freshPage();
  await open(page);
  await loadFiles(page, [HOTROD, 'zipkin-v2_yelp.json']);
  await page.click(`tr.trace-row:has-text("frontend")`);
  // Every span a row (repeated Redis calls fold by default), then the last span of the trace,
  // so that the restored view has to scroll to it.
  await page.getByLabel('Fold repeats').uncheck();
  await page.waitForFunction(() => document.querySelector('[role=treegrid]')?.getAttribute('aria-rowcount') === '40');
  await page.locator('.wf-row').first().click();
  await page.press('.wf-scroll', 'End');
  await page.waitForFunction(() => document.querySelector('.wf-row.selected')?.getAttribute('aria-rowindex') === '40');
  await page.waitForSelector('.span-details');
  const url = page.url();
  assert.match(url, new RegExp(`trace=${HOTROD_TRACE}&span=`));
  await waitKept(page);
  await page.click('button.settings-button');
  const kept = await page.textContent('.settings-kept');
  assert.match(kept, /Kept now: 2 traces, 56 spans \([\d.]+ kB\)/);
  await page.click('.settings-panel button:has-text("Close")');

  await page.reload();
  await page.waitForSelector('.span-details');
  assert.equal(page.url(), url, 'the address is kept');
  assert.equal(await page.locator('tr.trace-row').count(), 2);
  const notice = await page.locator('.notice-workspace').innerText();
  assert.match(notice, /Restored 2 traces from your last session \([\d.]+ kB\)/);
  assert.match(notice, /Forget/);
  // The selected row is in the waterfall's viewport, and the waterfall in the page's.
  const inView = await page.evaluate(() => {
    const row = document.querySelector('.wf-row.selected');
    const scroll = document.querySelector('.wf-scroll');
    if (!row || !scroll) return 'missing';
    const r = row.getBoundingClientRect();
    const s = scroll.getBoundingClientRect();
    return r.top >= s.top && r.bottom <= s.bottom && s.top < innerHeight && r.bottom <= innerHeight ? 'yes' : `row ${r.top}-${r.bottom}, box ${s.top}-${s.bottom}, window ${innerHeight}`;
  });
  assert.equal(inView, 'yes');
  await screenshot(page, 'workspace-restored');

  // Forget deletes the kept copy: the next reload starts empty.
  await page.click('.notice-workspace button:has-text("Forget")');
  await page.waitForSelector('.notice-workspace:has-text("deleted")');
  await page.waitForTimeout(300);
  await page.goto(server.url);
  await page.waitForSelector('.dropzone');
  assert.equal(await page.locator('tr.trace-row').count(), 0);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('a workspace kept and restored a kilobyte per task (step-kb=1) is the one kept and restored at once', async () => {
  // What the kept copy holds and what a reload shows, with the default step (one step for
  // these files) and with steps of 1 kB (dozens of tasks each way).
  const keepAndRestore = async (query) => {
    const { context, page } = await freshPage();
    await open(page, query);
    await loadFiles(page, [HOTROD, 'zipkin-v2_yelp.json']);
    await waitKept(page);
    await page.click('button.settings-button');
    const kept = await page.textContent('.settings-kept');
    await page.click('.settings-panel button:has-text("Close")');
    await page.reload();
    await page.waitForSelector('.notice-workspace');
    await page.waitForSelector('.wf-row');
    const restored = {
      notice: (await page.locator('.notice-workspace').innerText()).split('\n')[0],
      traces: await page.locator('tr.trace-row').allInnerTexts(),
      rows: await page.getAttribute('[role=treegrid]', 'aria-rowcount'),
    };
    assert.deepEqual(page.problems, []);
    await context.close();
    return { kept, restored };
  };
  const whole = await keepAndRestore('');
  const stepped = await keepAndRestore('?step-kb=1');
  assert.match(whole.kept, /Kept now: 2 traces, 56 spans \(([\d.]+) kB\)/);
  const size = Number(/\(([\d.]+) kB\)/.exec(whole.kept)[1]);
  assert.ok(size > 10, `the kept copy (${size} kB) takes several 1 kB steps`);
  assert.deepEqual(stepped, whole);
  assert.match(stepped.restored.notice, /Restored 2 traces from your last session/);
});

test('a link to a trace that is not loaded says so and opens its file', async () => {
  const { context, page } = await freshPage();
  await open(page, `?trace=${HOTROD_TRACE}&span=deadbeef00000001`);
  await page.waitForSelector('.missing-trace');
  const text = await page.textContent('.missing-trace');
  assert.match(text, /This link's trace is not loaded/);
  assert.match(text, new RegExp(HOTROD_TRACE));
  await screenshot(page, 'workspace-missing-trace');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('.missing-trace button:has-text("Open its file")')]);
  await chooser.setFiles(sample(HOTROD));
  await page.waitForSelector('.trace-page');
  assert.equal(await page.locator('.missing-trace').count(), 0);
  assert.match(await page.textContent('.trace-header'), new RegExp(HOTROD_TRACE));
  assert.match(page.url(), new RegExp(`trace=${HOTROD_TRACE}`));
  await waitKept(page);

  // With other traces loaded, the panel stays above the list.
  await page.goto(server.url + '?trace=00000000000000000000000000000abc');
  await page.waitForSelector('.missing-trace');
  assert.equal(await page.locator('tr.trace-row').count(), 1, 'the kept workspace is there');
  assert.match(await page.textContent('.missing-trace'), /Show the 1 trace loaded/);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('Clear all can be undone, and the kept copy follows', async () => {
  const { context, page } = await freshPage();
  await open(page);
  await loadFiles(page, [HOTROD]);
  await page.locator('.wf-row').nth(2).click();
  const url = page.url();
  await waitKept(page);
  await page.click('button:has-text("Clear all")');
  await page.waitForSelector('.dropzone');
  const notice = page.locator('.notice-workspace', { hasText: 'Cleared 1 trace.' });
  await notice.waitFor();
  await screenshot(page, 'workspace-cleared');
  await notice.locator('button', { hasText: 'Undo' }).click();
  await page.waitForSelector('.span-details');
  assert.equal(page.url(), url, 'the view comes back too');
  assert.equal(await page.locator('tr.trace-row').count(), 1);
  await waitKept(page, 2);
  // Cleared and not undone: a reload finds nothing.
  await page.click('button:has-text("Clear all")');
  await page.waitForSelector('.dropzone');
  await page.waitForTimeout(300);
  await page.reload();
  await page.waitForSelector('.dropzone');
  assert.equal(await page.locator('.notice-workspace').count(), 0);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('a batch of files folds into one notice that stays with the list', async () => {
  const { context, page } = await freshPage();
  await open(page);
  await page.setInputFiles('input[type=file]', [HOTROD, 'zipkin-v2_yelp.json', 'zipkin-v2_skew.json', 'jaeger-ui_genai-trace.json',
    'otlp_otel-demo-error-timeout.json'].map(sample).concat([path.join(repoRoot, 'Cargo.toml')]));
  const summary = page.locator('.notice-summary');
  await summary.waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => /6 files: 5 loaded, 1 failed/.test(document.querySelector('.notice-summary')?.textContent ?? ''));
  assert.equal(await page.locator('.notices > .notice').count(), 1);
  await summary.locator('summary').click();
  assert.equal(await summary.locator('.notice-item').count(), 6);
  // On the map only the failure follows.
  await page.click('button.page-link[data-page=map]');
  await page.waitForSelector('.map-node');
  const onMap = await page.locator('.notices .notice').allInnerTexts();
  assert.equal(onMap.length, 1);
  assert.match(onMap[0], /Cargo\.toml: not valid JSON/);
  await page.click('button.page-link[data-page=traces]');
  await page.click('button:has-text("Dismiss all")');
  assert.equal(await page.locator('.notices .notice').count(), 0);
  await context.close();
});

test('dependency links alone open the service map', async () => {
  const { context, page } = await freshPage();
  await open(page);
  await page.setInputFiles('input[type=file]', sample('jaeger-deps_dependency-graph-large.json'));
  await page.waitForSelector('.map-node', { timeout: 60_000 });
  assert.match(page.url(), /page=map/);
  assert.equal(await page.locator('.list-empty').count(), 0);
  await context.close();
});

test('the dark theme follows the system, the switch overrides it, and it is kept', async () => {
  const { context, page } = await freshPage({ colorScheme: 'dark' });
  await open(page, '?demo');
  await page.waitForSelector('.wf-row');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  const background = () => page.evaluate(() => getComputedStyle(document.querySelector('.trace-page')).backgroundColor);
  assert.equal(await background(), 'rgb(22, 27, 36)');
  await screenshot(page, 'workspace-dark');
  await page.click('button.settings-button');
  await page.check('input[name=theme][value=light]');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal(await background(), 'rgb(255, 255, 255)');
  await page.reload();
  await page.waitForSelector('.wf-row');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light', 'the choice is kept');
  await context.close();
});

test('the time zone changes every absolute time shown, and its name is shown with them', async () => {
  const { context, page } = await freshPage();
  await open(page);
  await loadFiles(page, [HOTROD, 'zipkin-v2_yelp.json']);
  await page.click(`tr.trace-row:has-text("frontend")`);
  await page.locator('.wf-row').first().click();
  await page.waitForSelector('.span-details');
  const utc = await shownTimes(page);
  assert.match(utc.header, /^Start \(UTC\)/);
  assert.equal(utc.row, '2026-08-19 09:40:04.504');
  assert.equal(utc.start, '2026-08-19 09:40:04.504 UTC');
  assert.match(utc.started, /^2026-08-19 09:40:04\.504 UTC$/);
  assert.match(utc.caption, /start time \(UTC\)/);

  await page.click('button.settings-button');
  await page.selectOption('select.zone-kind', 'named');
  await page.fill('input.zone-name', 'Asia/Kolkata');
  await page.press('input.zone-name', 'Enter');
  await page.locator('input.zone-name').evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));
  await page.waitForFunction(() => document.querySelector('.trace-list th:nth-child(3)')?.textContent.startsWith('Start (Asia/Kolkata)'));
  const kolkata = await shownTimes(page);
  assert.equal(kolkata.row, '2026-08-19 15:10:04.504');
  assert.equal(kolkata.start, '2026-08-19 15:10:04.504 Asia/Kolkata');
  assert.equal(kolkata.started, '2026-08-19 15:10:04.504 Asia/Kolkata');
  assert.match(kolkata.caption, /start time \(Asia\/Kolkata\)/);
  // A zone with daylight saving time: New York is UTC-4 in August.
  await page.fill('input.zone-name', 'America/New_York');
  await page.locator('input.zone-name').evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));
  await page.waitForFunction(() => document.querySelector('.trace-list th:nth-child(3)')?.textContent.startsWith('Start (America/New_York)'));
  assert.equal((await shownTimes(page)).row, '2026-08-19 05:40:04.504');
  // An unknown zone is refused with a message, and the shown times stay. (The field keeps what
  // was typed: the applied New York setting arriving late must not overwrite it.)
  await page.fill('input.zone-name', 'Mars/Olympus');
  await page.locator('input.zone-name').evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));
  await page.waitForSelector('.settings-error', { timeout: 5000 });
  assert.equal(await page.inputValue('input.zone-name'), 'Mars/Olympus');
  assert.equal((await shownTimes(page)).row, '2026-08-19 05:40:04.504');
  // The workspace must be written before the reload can restore it (on a busy machine the
  // write can still be going).
  await waitKept(page);
  await page.reload();
  await page.waitForSelector('.span-details');
  assert.match((await shownTimes(page)).header, /^Start \(America\/New_York\)/, 'the setting is kept');
  await context.close();
});

test('Copy link copies the trace and span view', async () => {
  const { context, page } = await freshPage();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  await open(page, '?demo');
  await page.waitForSelector('.wf-row');
  await page.locator('.wf-row').nth(4).click();
  await page.waitForSelector('.span-details');
  await page.click('.span-details .copy-link');
  await page.waitForSelector('.span-details .copy-link:has-text("Link copied")');
  const spanLink = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(spanLink, page.url());
  assert.match(spanLink, /trace=.*&span=/);
  await page.click('.trace-header .copy-link');
  await page.waitForSelector('.trace-header .copy-link:has-text("Link copied")');
  const traceLink = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(traceLink, /trace=/);
  assert.doesNotMatch(traceLink, /span=/);
  await context.close();
});

test('the list folds away with L and stays folded', async () => {
  const { context, page } = await freshPage({ width: 1000, height: 700 });
  await open(page);
  await loadFiles(page, [HOTROD, 'zipkin-v2_yelp.json']);
  const topbar = await page.locator('.topbar').boundingBox();
  assert.ok(topbar.height <= 56, `the top bar is one line at 1000 px (${topbar.height}px)`);
  await page.keyboard.press('l');
  await page.waitForSelector('.list-panel', { state: 'detached' });
  await screenshot(page, 'workspace-folded-1000');
  const rows = await page.locator('.wf-scroll').boundingBox();
  assert.ok(rows.y + rows.height <= 700 && rows.height >= 240, `the waterfall's rows fill the screen (${rows.y}px, ${rows.height}px high)`);
  await page.click('.list-bar button:has-text("Previous")');
  await waitKept(page);
  await page.reload();
  await page.waitForSelector('.wf-row');
  assert.equal(await page.locator('.list-panel').count(), 0, 'the choice is kept');
  await page.click('.list-toggle');
  await page.waitForSelector('.list-panel');
  await context.close();
});

/** Runs axe-core on the page and returns its violations as readable lines. */
async function axe(page, state) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations.map((v) => `${state}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no violation in the main states (${colorScheme} theme)`, async () => {
    const { context, page } = await freshPage({ colorScheme });
    const found = [];
    const counts = {};
    const check = async (state) => {
      const lines = await axe(page, state);
      counts[state] = lines.length;
      found.push(...lines);
    };
    await open(page);
    await page.waitForSelector('.dropzone');
    await check('home');
    await page.click('button:has-text("Paste JSON")');
    await page.waitForSelector('[role=dialog][aria-label="Paste JSON"]');
    await check('paste dialog');
    await page.keyboard.press('Escape');
    await page.click('.paste-actions button:has-text("Cancel")').catch(() => {});
    await page.goto(server.url + '?trace=0000000000000abc');
    await page.waitForSelector('.missing-trace');
    await check('link to a trace not loaded');
    await page.goto(server.url + '?demo');
    await page.waitForSelector('.wf-row');
    await check('demo trace');
    await page.locator('.wf-row').nth(5).click();
    await page.waitForSelector('.span-details');
    await check('span details');
    await loadFiles(page, [HOTROD, 'zipkin-v2_yelp.json', 'otlp_otel-demo-error-timeout.json']);
    await check('trace list with scatter');
    for (const tab of ['flame', 'statistics', 'spans', 'map', 'json']) {
      const button = page.locator(`button.tab[data-tab=${tab}]`);
      if (await button.count()) {
        await button.click();
        await page.waitForTimeout(300);
        await check(`trace tab ${tab}`);
      }
    }
    await page.click('button.page-link[data-page=map]');
    await page.waitForSelector('.map-node');
    await check('service map');
    await page.locator('.map-node').first().click();
    await page.waitForSelector('.map-panel');
    await check('service map with a service selected');
    await page.click('button.page-link[data-page=analytics]');
    await page.waitForSelector('.analytics-table');
    await check('analytics');
    await page.click('button.settings-button');
    await check('settings dialog');
    await page.click('.settings-panel button:has-text("Close")');
    await page.click('button.help-button');
    await check('keyboard help');
    await page.keyboard.press('Escape');
    await page.click('button.page-link[data-page=traces]');
    await page.click('button:has-text("Clear all")');
    await page.waitForSelector('.notice-workspace');
    await check('cleared, with Undo');
    console.log(`axe (${colorScheme}):`, JSON.stringify(counts));
    assert.deepEqual(found, []);
    await context.close();
  });
}

test('log lines whose trace is not loaded are kept and come back after a reload', async () => {
  const { context, page } = await freshPage();
  await open(page);
  await page.setInputFiles('input[type=file]', path.join(repoRoot, 'tests', 'fixtures', 'logs', 'hotrod.json-logs.jsonl'));
  await page.waitForSelector('.unmatched-link');
  const before = await page.textContent('.unmatched-link');
  await waitKept(page);
  await page.click('button.settings-button');
  assert.match(await page.textContent(".settings-kept"), /Kept now: 5 log lines \(\d+ bytes\)/);
  await page.click('.settings-panel button:has-text("Close")');

  await page.reload();
  await page.waitForSelector('.notice-workspace');
  assert.match(await page.locator('.notice-workspace').innerText(), /Restored 5 log lines from your last session/);
  await page.waitForSelector('.unmatched-link');
  assert.equal(await page.textContent('.unmatched-link'), before);
  // Their trace loaded later: four lines join it, as they would have before the reload.
  await loadFiles(page, [HOTROD]);
  await page.waitForFunction(() => !document.querySelector('.load-progress'));
  assert.equal(before, '5 log lines match no loaded trace');
  assert.equal(await page.textContent('.unmatched-link'), '1 log line matches no loaded trace');
  assert.deepEqual(page.problems, []);
  await context.close();
});
