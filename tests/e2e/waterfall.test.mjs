// End-to-end: the waterfall in Chromium (the served release build): rows and their tree
// attributes, collapsing, the critical path, zoom, keyboard navigation, and that a 100k-span trace
// keeps only the rows in view in the DOM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser, newPage, screenshot, repoRoot, artifactsDir, sample, frames } from './harness.mjs';

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

/** Opens the page with a trace loaded by `load`, shows its waterfall and returns the page. */
async function openWaterfall(load) {
  const page = await newPage(browser);
  await page.goto(server.url + (load === 'demo' ? '?demo' : ''));
  await page.waitForSelector('.topbar .brand');
  if (load !== 'demo') await load(page);
  await page.waitForSelector('tr.trace-row', { timeout: 120_000 });
  if ((await page.locator('.wf-row').count()) === 0) await page.click('tr.trace-row');
  await page.waitForSelector('.wf-row', { timeout: 120_000 });
  await page.evaluate(() => document.querySelector('.waterfall').scrollIntoView());
  return page;
}

const rowCount = (page) => page.locator('.wf-scroll').getAttribute('aria-rowcount').then(Number);

/** The box of `locator` once it stops moving (the page may still scroll the trace into view
 * or lay out deferred parts after a load): the same box in two frames in a row. */
async function settledBox(page, locator) {
  let last = null;
  for (let i = 0; i < 100; i++) {
    await frames(page);
    const box = await locator.boundingBox();
    if (box && last && ['x', 'y', 'width', 'height'].every((k) => box[k] === last[k])) return box;
    last = box;
  }
  return last;
}

test('the demo trace shows as a tree grid with a ruler and an overview', async () => {
  const page = await openWaterfall('demo');
  const grid = page.locator('.wf-scroll');
  assert.equal(await grid.getAttribute('role'), 'treegrid');
  assert.equal(await rowCount(page), 43);
  assert.match(await page.locator('.wf-count').innerText(), /^43 of 43 rows/);
  const first = page.locator('.wf-row').first();
  assert.match(await first.innerText(), /api-gateway/);
  assert.match(await first.innerText(), /POST \/api\/checkout/);
  assert.equal(await first.getAttribute('aria-level'), '1');
  assert.equal(await first.getAttribute('aria-expanded'), 'true');
  assert.equal(await first.getAttribute('aria-rowindex'), '1');
  assert.equal(await first.getAttribute('role'), 'row');
  // Every row has a bar positioned in time, and the ruler has labelled ticks.
  assert.equal(await page.locator('.wf-row .wf-bar').count(), await page.locator('.wf-row').count());
  assert.ok((await page.locator('.wf-ruler .wf-tick-label').count()) >= 3);
  assert.match(await page.locator('.wf-ruler').innerText(), /ms/);
  assert.equal(await page.locator('.wf-minimap canvas').count(), 1);
  // Error spans are marked; scrolling the grid to the bottom shows the last row.
  await grid.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForSelector('.wf-row[aria-rowindex="43"]');
  assert.ok((await page.locator('.wf-row.error').count()) >= 1);
  await screenshot(page, 'waterfall-demo');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('collapsing a row hides its descendants; expand and collapse all', async () => {
  const page = await openWaterfall('demo');
  // The first row at level 3 that has children.
  const row = page.locator('.wf-row[aria-level="3"][aria-expanded="true"]').first();
  const index = await row.getAttribute('data-span-index');
  const before = await rowCount(page);
  await row.locator('.wf-toggle').click();
  const collapsed = page.locator(`.wf-row[data-span-index="${index}"]`);
  assert.equal(await collapsed.getAttribute('aria-expanded'), 'false');
  const hidden = Number((await collapsed.locator('.wf-toggle').innerText()).replace(/\D/g, ''));
  assert.ok(hidden > 0, 'the toggle shows how many rows it hides');
  assert.equal(await rowCount(page), before - hidden);
  // The row after the collapsed one (if any) is no longer its descendant.
  const position = Number(await collapsed.getAttribute('aria-rowindex'));
  const next = page.locator(`.wf-row[aria-rowindex="${position + 1}"]`);
  if ((await next.count()) > 0) assert.ok(Number(await next.getAttribute('aria-level')) <= 3);
  assert.equal(page.url().includes('span='), false, 'the toggle does not select the row');
  await screenshot(page, 'waterfall-collapsed');

  await page.getByRole('button', { name: 'Collapse all' }).click();
  const roots = await page.locator('.wf-row[aria-level="1"]').count();
  assert.equal(await rowCount(page), roots);
  assert.equal(await page.locator('.wf-row').count(), roots);
  await page.getByRole('button', { name: 'Expand all' }).click();
  assert.equal(await rowCount(page), 43);
  await page.getByLabel('Expand to depth').selectOption('2');
  assert.equal(await page.locator('.wf-row[aria-level="3"]').count(), 0);
  assert.ok((await page.locator('.wf-row[aria-level="2"]').count()) > 0);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the critical-path toggle draws the critical path on the bars', async () => {
  const page = await openWaterfall('demo');
  assert.equal(await page.locator('.wf-critical').count(), 0);
  await page.getByLabel('Critical path', { exact: true }).check();
  await page.waitForSelector('.wf-critical');
  assert.ok((await page.locator('.wf-critical').count()) > 3);
  // The root's bar carries critical segments.
  assert.ok((await page.locator('.wf-row').first().locator('.wf-critical').count()) >= 1);
  await screenshot(page, 'waterfall-critical-path');
  await page.getByLabel('Critical path', { exact: true }).uncheck();
  assert.equal(await page.locator('.wf-critical').count(), 0);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('dragging across the ruler zooms in, and Reset zoom goes back', async () => {
  const page = await openWaterfall('demo');
  const reset = page.getByRole('button', { name: 'Reset zoom' });
  assert.equal(await reset.isDisabled(), true);
  const ruler = await settledBox(page, page.locator('.wf-ruler'));
  await page.mouse.move(ruler.x + ruler.width * 0.1, ruler.y + 10);
  await page.mouse.down();
  await page.mouse.move(ruler.x + ruler.width * 0.3, ruler.y + 10, { steps: 5 });
  await page.mouse.up();
  await page.waitForSelector('.wf-minimap-window');
  assert.equal(await reset.isDisabled(), false);
  assert.match(await page.locator('.wf-window-label').innerText(), /^Showing .+ of 1\.16s$/);
  await screenshot(page, 'waterfall-zoomed');
  await reset.click();
  assert.equal(await reset.isDisabled(), true);
  assert.equal(await page.locator('.wf-minimap-window').count(), 0);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the keyboard moves the selection through the tree', async () => {
  const page = await openWaterfall('demo');
  await page.locator('.wf-scroll').focus();
  const selected = () => page.locator('.wf-row.selected');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('.wf-row.selected');
  assert.equal(await selected().getAttribute('aria-rowindex'), '1');
  assert.equal(await selected().getAttribute('aria-selected'), 'true');
  assert.match(page.url(), /span=/);
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('.wf-row.selected[aria-rowindex="2"]');
  await page.keyboard.press('End');
  await page.waitForSelector('.wf-row.selected[aria-rowindex="43"]');
  await page.keyboard.press('Home');
  await page.waitForSelector('.wf-row.selected[aria-rowindex="1"]');
  // Left on an expanded row collapses it; Right expands it again, then goes to the first child.
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') !== '43');
  assert.equal(await selected().getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '43');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('.wf-row.selected[aria-level="2"]');
  assert.deepEqual(page.problems, []);
  await page.close();
});

/** A 100k-span synthetic OTLP trace, made once by the synth example. */
function bigTrace() {
  const file = path.join(artifactsDir, 'inputs', 'synth-otlp-100k.json');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const binary = path.join(repoRoot, 'target', 'release', 'examples', 'synth');
  if (fs.existsSync(binary)) {
    execFileSync(binary, ['otlp', '100000', file]);
  } else {
    execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'synth', '--', 'otlp', '100000', file], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  return file;
}

test('a 100k-span trace keeps only the rows in view in the DOM', async () => {
  const file = bigTrace();
  const page = await openWaterfall((p) => p.setInputFiles('input[type=file]', file));
  assert.equal(await rowCount(page), 100_000);
  assert.ok((await page.locator('.wf-row').count()) < 200, 'only the rows in view are rendered');
  // The bottom of the grid shows the last rows, still with a small DOM.
  await page.locator('.wf-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForSelector('.wf-row[aria-rowindex="100000"]');
  assert.ok((await page.locator('.wf-row').count()) < 200);
  await screenshot(page, 'waterfall-100k-bottom');
  // Collapse all and expand all are one pass each.
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await page.waitForFunction(() => Number(document.querySelector('.wf-scroll').getAttribute('aria-rowcount')) < 10);
  await page.getByRole('button', { name: 'Expand all' }).click();
  await page.waitForFunction(() => document.querySelector('.wf-scroll').getAttribute('aria-rowcount') === '100000');
  // Keyboard End jumps to the last row and scrolls it into view.
  await page.locator('.wf-scroll').focus();
  await page.keyboard.press('Home');
  await page.waitForSelector('.wf-row.selected[aria-rowindex="1"]');
  await page.keyboard.press('End');
  await page.waitForSelector('.wf-row.selected[aria-rowindex="100000"]');
  assert.ok((await page.locator('.wf-row').count()) < 200);
  const measures = await page.evaluate(() => performance.getEntriesByName('strand:waterfall:rows').length);
  assert.ok(measures >= 1, 'the row-list computation is measured with the User Timing API');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// A trace at or above the deferral size (200,000 spans; `defer-spans=` lowers it) gets its
// analysis, summary and fold groups on tasks of their own after a first render that says so.
// The page it ends with must be the one a small trace gets at once: same header, same folded
// rows, the overview drawn, and a click selects the same span.
test('a deferred trace (defer-spans=) ends as the same waterfall, overview and selection', async () => {
  const open = async (query) => {
    const page = await newPage(browser);
    // Every status text the page shows while it prepares, seen by an observer from the start.
    await page.addInitScript(() => {
      window.__statuses = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role=status]')) window.__statuses.push(el.textContent);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(server.url + query);
    await page.waitForSelector('.topbar .brand');
    await page.setInputFiles('input[type=file]', sample('otlp_hotrod-full-trace.json'));
    await page.waitForSelector('.wf-row');
    await page.waitForTimeout(300);
    const overviewPixels = await page.evaluate(() => {
      const canvas = document.querySelector('.wf-minimap canvas');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) drawn += data[i] > 0 ? 1 : 0;
      return drawn;
    });
    await page.locator('.wf-row').nth(4).click();
    await page.waitForSelector('aside.span-details');
    const seen = {
      header: await page.locator('.trace-header').innerText(),
      rows: await page.locator('.wf-scroll').innerText(),
      count: await page.locator('.wf-count').innerText(),
      details: await page.locator('aside.span-details .details-name').innerText(),
      search: new URL(page.url()).searchParams.get('span'),
      overviewPixels,
    };
    const statuses = await page.evaluate(() => window.__statuses.join(' | '));
    await page.close();
    return { seen, statuses };
  };
  const plain = await open('');
  const deferred = await open('?defer-spans=10');
  assert.match(deferred.statuses, /Preparing the trace's 40 spans/);
  assert.match(deferred.statuses, /Grouping the 40 spans/);
  assert.doesNotMatch(plain.statuses, /Preparing|Grouping/);
  assert.ok(plain.seen.overviewPixels > 0, 'the overview is drawn');
  assert.match(plain.seen.count, /of 40 rows/);
  assert.deepEqual(deferred.seen, plain.seen);
});
