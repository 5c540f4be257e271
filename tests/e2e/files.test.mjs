// End-to-end: loading files (small ones on the page, larger ones in the import workers) —
// several at once, a bad one among them, pasting JSON, the progress bar, the size guard,
// cancelling, and a big file that loads while the page keeps reacting (counted in frames and
// key presses, not timed); no worker at all, and a worker that dies on a file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser, newPage, screenshot, sample, tempFile, repoRoot, artifactsDir } from './harness.mjs';

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

async function open(query = '') {
  const page = await newPage(browser);
  await page.goto(server.url + query);
  await page.waitForSelector('.topbar .brand');
  return page;
}

const noticeTexts = (page) => page.$$eval('.notice', (ns) => ns.map((n) => n.textContent));

/** A synthetic OTLP trace of `spans` spans (cached under the artifacts folder). */
function bigFile(spans) {
  const file = path.join(artifactsDir, 'inputs', `synth-${spans}.otlp.json`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const synth = path.join(repoRoot, 'target', 'release', 'examples', 'synth');
    if (fs.existsSync(synth)) execFileSync(synth, ['otlp', String(spans), '7', file]);
    else execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'synth', '--', 'otlp', String(spans), '7', file], { cwd: repoRoot });
  }
  return file;
}

test('several files at once load in order; a bad one in the middle only adds an error', async () => {
  const page = await open();
  const bad = tempFile('broken.json', '{"resourceSpans": [ {"resource": ');
  await page.setInputFiles('input[type=file]', [
    sample('otlp_hotrod-full-trace.json'),
    bad,
    sample('zipkin-v2_yelp.json'),
    sample('jaeger-ui_genai-trace.json'),
  ]);
  await page.waitForFunction(() => document.querySelectorAll('.notice').length >= 4, null, { timeout: 30_000 });
  await page.waitForSelector('.load-progress', { state: 'detached' });
  const notices = await noticeTexts(page);
  assert.match(notices[0], /otlp_hotrod-full-trace\.json: OTLP JSON — 40 spans in 1 new trace/);
  assert.match(notices[1], /broken\.json: the file ends early/);
  assert.match(notices[1], /what was loaded before is still here/);
  assert.match(notices[2], /zipkin-v2_yelp\.json: Zipkin v2 JSON — 16 spans/);
  assert.match(notices[3], /jaeger-ui_genai-trace\.json: Jaeger JSON — 57 spans/);
  assert.match(await page.textContent('.totals'), /3 traces · 113 spans/);
  await page.waitForSelector('.wf-row');
  assert.deepEqual(page.problems, []);
});

test('with several workers (workers=3) files load side by side and land as one after another would', async () => {
  const files = [
    sample('otlp_hotrod-full-trace.json'),
    tempFile('broken.json', '{"resourceSpans": [ {"resource": '),
    sample('zipkin-v2_yelp.json'),
    sample('jaeger-ui_genai-trace.json'),
    bigFile(20_000),
  ];
  const load = async (query) => {
    const page = await newPage(browser);
    let workers = 0;
    page.on('request', (r) => { if (r.url().endsWith('/worker.js')) workers += 1; });
    await page.goto(server.url + query);
    await page.waitForSelector('.topbar .brand');
    await page.setInputFiles('input[type=file]', files);
    // Five files' notices fold into one that counts them.
    await page.waitForFunction(() => /5 files: 4 loaded, 1 failed/.test(document.querySelector('.notices')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.waitForSelector('.load-progress', { state: 'detached' });
    await page.waitForSelector('.wf-row');
    const result = {
      notices: await noticeTexts(page),
      totals: await page.textContent('.totals'),
      traces: await page.$$eval('.trace-table tbody tr, [role=row]', (rows) => rows.length),
      url: new URL(page.url()).searchParams.get('trace'),
      problems: page.problems,
    };
    await page.close();
    return { result, workers };
  };
  // `page-import=0`: every file goes to a worker (by default the small ones load on the page).
  const one = await load('?page-import=0');
  const three = await load('?workers=3&page-import=0');
  assert.equal(three.workers, 3, 'three workers started with the page');
  assert.deepEqual(three.result, one.result);
  // The default: the four small files are imported on the page, the big one in a worker.
  const mixed = await load('');
  assert.deepEqual(mixed.result, one.result);
  // In the order the files were given, the broken one in its place.
  assert.match(one.result.notices.join('\n'), /hotrod-full-trace\.json: OTLP JSON — 40 spans in 1 new trace×broken\.json: the file ends early.*×zipkin-v2_yelp\.json: .*×jaeger-ui_genai-trace\.json: .*×synth-20000\.otlp\.json: OTLP JSON — 20,000 spans/);
  assert.match(one.result.totals, /4 traces · 20,113 spans/);
  assert.deepEqual(one.result.problems, []);
});

test('JSON pasted in the dialog or on the page loads; text fields keep their paste', async () => {
  const page = await open();
  const json = fs.readFileSync(sample('zipkin-v2_yelp.json'), 'utf8');
  await page.click('button.paste-open');
  await page.waitForSelector('[role=dialog][aria-label="Paste JSON"]');
  await page.click('button.paste-load');
  assert.match(await page.textContent('.paste-error'), /Paste a trace as JSON first/);
  await page.fill('.paste-text', json);
  await screenshot(page, 'files-paste-dialog');
  await page.click('button.paste-load');
  await page.waitForSelector('.notice-ok');
  assert.match((await noticeTexts(page))[0], /pasted JSON: Zipkin v2 JSON — 16 spans in 1 new trace/);
  assert.equal(await page.locator('.paste-dialog').count(), 0);

  // A paste event on the page (nothing focused) loads the clipboard's JSON…
  const otlp = fs.readFileSync(sample('otlp_hotrod-full-trace.json'), 'utf8');
  const paste = (text) => page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    (document.activeElement || document.body).dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  await page.evaluate(() => document.activeElement?.blur());
  await paste(otlp);
  await page.waitForFunction(() => document.querySelectorAll('.notice-ok').length === 2);
  assert.match((await noticeTexts(page))[1], /pasted JSON 2: OTLP JSON — 40 spans/);
  // …but not when typing in a field, and not when it is not JSON.
  await page.focus('.search-bar input, input[type=search], input[type=text]').catch(() => {});
  const focusedField = await page.evaluate(() => ['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName));
  if (focusedField) await paste(otlp);
  await page.evaluate(() => document.activeElement?.blur());
  await paste('hello, not a trace');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.notice').count(), 2);
  assert.deepEqual(page.problems, []);
});

test('a file too large for the tab is refused before reading, with what to do', async () => {
  // The test hook lowers the limit (1 GB) to 0.01 MB.
  const page = await open('?max-file-mb=0.01');
  await page.setInputFiles('input[type=file]', [sample('otlp_hotrod-full-trace.json'), sample('zipkin-v2_skew.json')]);
  await page.waitForFunction(() => document.querySelectorAll('.notice').length >= 2);
  const notices = await noticeTexts(page);
  assert.match(notices[0], /otlp_hotrod-full-trace\.json is \d+\.\d kB; this tab loads files of up to 10\.0 kB/);
  assert.match(notices[0], /Split the file/);
  assert.match(notices[1], /zipkin-v2_skew\.json: Zipkin v2 JSON — 4 spans/);
  assert.deepEqual(page.problems, []);
});

test('a big file loads in the worker while the page keeps reacting; cancel stops a load', async () => {
  const file = bigFile(150_000);
  const page = await open();
  // Count animation frames from now on: a blocked main thread would stop them.
  await page.evaluate(() => {
    window.__frames = 0;
    const tick = () => { window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.setInputFiles('input[type=file]', file);
  await page.waitForSelector('.load-progress');
  const framesAtStart = await page.evaluate(() => window.__frames);
  // While it loads: the keyboard help opens and frames keep coming.
  await page.keyboard.press('?');
  await page.waitForSelector('.help-overlay');
  await page.waitForFunction((n) => window.__frames > n + 10, framesAtStart);
  const during = await page.evaluate(() => ({
    loading: !!document.querySelector('.load-progress'),
    phase: document.querySelector('.load-progress')?.dataset.phase,
  }));
  assert.ok(during.loading, 'the file was still loading while the page reacted');
  await screenshot(page, 'files-big-loading');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.notice-ok', { timeout: 120_000 });
  assert.match((await noticeTexts(page))[0], /150,000 spans in 1 new trace/);
  await page.waitForSelector('.wf-row');
  const measures = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => m.name));
  for (const phase of ['strand:read', 'strand:import', 'strand:encode', 'strand:merge']) {
    assert.ok(measures.includes(phase), `${phase} is recorded`);
  }

  // Cancel: the second load stops, the first trace stays.
  await page.setInputFiles('input[type=file]', file);
  await page.waitForSelector('.load-progress');
  await page.click('.load-cancel');
  await page.waitForSelector('.notice-error');
  assert.match((await noticeTexts(page)).at(-1), /Loading synth-150000\.otlp\.json was cancelled/);
  assert.equal(await page.locator('.load-progress').count(), 0);
  assert.match(await page.textContent('.totals'), /1 trace · 150,000 spans/);
  assert.deepEqual(page.problems, []);
});

test('without a worker (worker.js not served) files load on the main thread, with the same result', async () => {
  const page = await newPage(browser);
  await page.route('**/worker.js', (route) => route.fulfill({ status: 404, body: 'not here' }));
  const warnings = [];
  page.on('console', (msg) => { if (msg.type() === 'warning') warnings.push(msg.text()); });
  // Every file is meant for a worker (small ones would be imported on the page anyway).
  await page.goto(server.url + '?page-import=0');
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', [sample('otlp_hotrod-full-trace.json'), sample('zipkin-v2_skew.json')]);
  await page.waitForFunction(() => document.querySelectorAll('.notice-ok').length >= 2 && !document.querySelector('.load-progress'));
  const notices = await noticeTexts(page);
  assert.match(notices.join('\n'), /otlp_hotrod-full-trace\.json: OTLP JSON/);
  assert.match(notices.join('\n'), /zipkin-v2_skew\.json: Zipkin v2 JSON — 4 spans/);
  await page.waitForSelector('.wf-row');
  assert.ok(warnings.some((w) => /import worker did not start.*main thread/.test(w)), warnings.join('\n'));
  // The only console error is the browser's own line about the missing script.
  assert.deepEqual(page.problems.filter((p) => !/Failed to load resource|worker\.js/i.test(p)), []);
});

test('a worker that dies on a file: that file gets a clear error, a new worker loads the next', async () => {
  const page = await newPage(browser);
  // The first worker the page starts answers the first file with a crash (as a trap in the
  // module would); the replacement is the real worker.
  let served = 0;
  await page.route('**/worker.js', async (route) => {
    served += 1;
    if (served > 1) return route.continue();
    await route.fulfill({
      status: 200,
      contentType: 'text/javascript',
      body: `self.onmessage = (e) => {
        if (e.data && e.data.type === 'init') { self.postMessage({ type: 'ready' }); return; }
        self.postMessage({ type: 'crashed', id: e.data.id, error: 'RuntimeError: unreachable' });
      };`,
    });
  });
  // Every file goes to a worker (small ones would be imported on the page).
  await page.goto(server.url + '?page-import=0');
  await page.waitForSelector('.topbar .brand');
  await page.setInputFiles('input[type=file]', sample('zipkin-v2_skew.json'));
  await page.waitForSelector('.notice-error');
  const error = (await noticeTexts(page)).at(-1);
  assert.match(error, /zipkin-v2_skew\.json: the import stopped unexpectedly \(RuntimeError: unreachable\)/);
  assert.match(error, /please report it/);
  // The next file goes to a fresh, real worker and loads.
  await page.setInputFiles('input[type=file]', sample('otlp_hotrod-full-trace.json'));
  await page.waitForSelector('.notice-ok');
  assert.match((await noticeTexts(page)).join('\n'), /otlp_hotrod-full-trace\.json: OTLP JSON/);
  await page.waitForSelector('.wf-row');
  assert.equal(served, 2, 'the crashed worker was replaced once');
  assert.deepEqual(page.problems, []);
});

/** A Jaeger file of `count` copies of a sample trace, each with its own trace id (~10 kB each). */
function manyTraces(count) {
  const file = path.join(artifactsDir, 'inputs', `many-traces-${count}.json`);
  if (!fs.existsSync(file)) {
    const trace = JSON.parse(fs.readFileSync(sample('jaeger-ui_petclinic-short-ids.json'), 'utf8'));
    const text = JSON.stringify(trace);
    const id = trace.traceID;
    const copies = Array.from({ length: count }, (_, i) => text.replaceAll(id, id.slice(0, -5) + i.toString(16).padStart(5, '0')));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `{"data":[${copies.join(',')}],"total":0,"limit":0,"offset":0,"errors":null}`);
  }
  return file;
}

/** Loads `file` into a page opened with `query`, noting what the page showed while its preview
 * was up; with `cancel`, clicks Cancel the moment the preview is drawn. */
async function loadWatchingPreview(query, file, cancel = false) {
  const page = await open(query);
  await page.evaluate((cancel) => {
    window.__seen = [];
    new MutationObserver(() => {
      const preview = document.querySelector('.load-preview');
      if (!preview) return;
      window.__seen.push({
        text: preview.textContent, totals: document.querySelector('.totals')?.textContent ?? '',
        look: document.querySelector('.list-first-look')?.textContent ?? '',
        rows: document.querySelectorAll('.wf-row').length,
      });
      if (cancel && window.__seen.some((s) => s.rows > 0)) document.querySelector('.load-cancel')?.click();
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, cancel);
  await page.setInputFiles('input[type=file]', file);
  await page.waitForSelector(cancel ? '.notice-error' : '.notice-ok', { timeout: 60_000 });
  await page.waitForSelector('.load-progress', { state: 'detached' });
  return {
    page,
    seen: await page.evaluate(() => window.__seen),
    totals: await page.textContent('.totals').catch(() => ''),
    notices: await noticeTexts(page),
    rows: await page.locator('.wf-row').count(),
    header: await page.locator('.trace-header').first().textContent().catch(() => ''),
  };
}

test('a large file shows the traces of its first part while the rest loads, then exactly what loading it without that gives', async () => {
  const file = manyTraces(1200);
  const plain = await loadWatchingPreview('?preview-kb=0', file);
  assert.deepEqual(plain.seen, [], 'no preview when it is off');
  assert.match(plain.totals, /1,200 traces/);
  const previewed = await loadWatchingPreview('?preview-kb=1024', file);
  const drawn = previewed.seen.find((s) => s.rows > 0);
  assert.ok(drawn, `the preview's first trace was drawn: ${JSON.stringify(previewed.seen.slice(0, 3))}`);
  assert.match(drawn.text, /Showing the traces in its first \d+(\.\d)? MB while the rest loads/);
  // The trace list's bar (in view while the trace takes the screen) says it too.
  assert.match(drawn.look, /^first \d+(\.\d)? MB of 9\.5 MB, loading…$/);
  const shown = Number(drawn.totals.match(/([\d,]+) traces?/)?.[1].replace(/,/g, ''));
  assert.ok(shown > 0 && shown < 1200, `the preview holds part of the file: ${drawn.totals}`);
  // The preview went and the file's own import is what is loaded.
  assert.deepEqual(
    [previewed.totals, previewed.notices, previewed.rows, previewed.header],
    [plain.totals, plain.notices, plain.rows, plain.header],
  );
  assert.equal(await previewed.page.locator('.load-preview, .list-first-look').count(), 0);
  await screenshot(previewed.page, 'files-after-preview');
  assert.deepEqual([...plain.page.problems, ...previewed.page.problems], []);

  // Cancel while the preview is up: nothing of the file stays.
  const cancelled = await loadWatchingPreview('?preview-kb=1024', file, true);
  assert.ok(cancelled.seen.some((s) => s.rows > 0), 'the preview was drawn before the cancel');
  assert.match(cancelled.notices.at(-1), /Loading many-traces-1200\.json was cancelled/);
  assert.equal(cancelled.rows, 0);
  assert.doesNotMatch(cancelled.totals, /trace/);
  assert.deepEqual(cancelled.page.problems, []);
});
