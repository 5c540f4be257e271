// End-to-end: the app under the strict Content-Security-Policy that README recommends for static
// hosting, and a trace full of script payloads. The app must start and work under the policy, and
// nothing from the trace may run: no payload flag set, no dialog, no script-src violation (which
// would mean markup from the trace reached the DOM and tried to run), no javascript:/data: links.
// The same trace is also opened without the policy: then an injection would simply execute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic, launchBrowser, newPage, screenshot, tempFile, distDir, navigate } from './harness.mjs';

// Keep in sync with README ("Security and hosting").
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src *; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'";

const PAYLOADS = [
  '<script>window.__xss=1;alert(1)</script>',
  '<img src=x onerror="window.__xss=1;alert(1)">',
  'javascript:window.__xss=1;alert(1)',
  '"><svg onload="window.__xss=1;alert(1)">',
  "'><iframe src=\"javascript:window.top.__xss=1\"></iframe>",
  'data:text/html,<script>window.__xss=1</script>',
];

const TRACE = 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5';
const spanId = (i) => (i + 1).toString(16).padStart(16, '0');
const str = (v) => ({ stringValue: v });
const kv = (key, value) => ({ key, value: str(value) });

/** One service per payload; each has a span named with it, carrying it in every field. */
function xssTrace() {
  const t0 = 1700000000000000000n;
  const resourceSpans = PAYLOADS.map((p, i) => ({
    resource: { attributes: [kv('service.name', p), kv('host.name', p)] },
    scopeSpans: [{
      scope: { name: p, version: p },
      spans: [{
        traceId: TRACE,
        spanId: spanId(i),
        parentSpanId: i === 0 ? undefined : spanId(i - 1),
        name: p,
        kind: i % 2 === 0 ? 2 : 3,
        startTimeUnixNano: String(t0 + BigInt(i) * 1000000n),
        endTimeUnixNano: String(t0 + 100000000n - BigInt(i) * 1000000n),
        attributes: [kv(p, p), kv('url.full', p), kv('http.url', 'https://example.com/?q=' + encodeURIComponent(p)), kv('note', p)],
        events: [{ timeUnixNano: String(t0 + BigInt(i) * 1000000n + 500n), name: p, attributes: [kv(p, p), kv('exception.message', p)] }],
        links: [{ traceId: TRACE, spanId: spanId((i + 1) % PAYLOADS.length), attributes: [kv(p, p)] }],
        status: { code: 2, message: p },
      }],
    }],
  }));
  return JSON.stringify({ resourceSpans });
}

let browser;
const servers = {};

before(async () => {
  servers.strict = await serveStatic(distDir, { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' });
  servers.open = await serveStatic(distDir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of Object.values(servers)) await s.close();
});

/** A page that records CSP violations and dialogs from before any script of the app runs. */
async function watchedPage() {
  const page = await newPage(browser);
  page.dialogs = [];
  page.on('dialog', async (d) => {
    page.dialogs.push(d.message());
    await d.dismiss();
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  return page;
}

/** Nothing ran and nothing from the trace became markup or a script link. */
async function assertNothingRan(page, where) {
  const state = await page.evaluate(() => ({
    xss: window.__xss,
    violations: window.__violations,
    badLinks: [...document.querySelectorAll('a[href], area[href]')]
      .map((a) => a.href)
      .filter((href) => !['http:', 'https:'].includes(new URL(href, location.href).protocol)),
    injected: document.querySelectorAll(
      'script:not([src]), iframe, object, embed, [onerror], [onload], [onclick], [onmouseover], svg script',
    ).length,
    frames: window.frames.length,
  }));
  assert.equal(state.xss, undefined, `${where}: a payload ran`);
  assert.deepEqual(page.dialogs, [], `${where}: a dialog opened`);
  assert.deepEqual(state.violations.filter((v) => v.directive.startsWith('script-src')), [], `${where}: script-src violations`);
  assert.deepEqual(state.violations, [], `${where}: CSP violations`);
  assert.deepEqual(state.badLinks, [], `${where}: only http(s) links`);
  assert.equal(state.injected, 0, `${where}: markup from the trace in the DOM`);
  assert.equal(state.frames, 0, `${where}: frames`);
}

test('the app starts and shows the demo under the strict CSP, with no violation', async () => {
  const page = await watchedPage();
  const response = await page.goto(servers.strict.url + '?demo');
  assert.equal(response.headers()['content-security-policy'], CSP);
  await page.waitForSelector('tr.trace-row');
  if ((await page.locator('.trace-page').count()) === 0) await page.click('tr.trace-row');
  await page.waitForSelector('.wf-row');
  assert.ok((await page.locator('.wf-row').count()) > 5, 'the waterfall renders');
  await page.click('button[data-tab=flame]');
  await page.waitForSelector('.flame-canvas');
  await assertNothingRan(page, 'demo');
  assert.equal(await page.locator('#panic-banner').isHidden(), true);
  assert.deepEqual(page.problems, [], 'no console errors (a CSP refusal is one)');
  await screenshot(page, 'security-demo-under-csp');
  await page.close();
});

for (const mode of ['strict', 'open']) {
  test(`a trace full of script payloads stays text everywhere (${mode === 'strict' ? 'under the CSP' : 'without a CSP'})`, async () => {
    const page = await watchedPage();
    await page.goto(servers[mode].url);
    await page.waitForSelector('.topbar .brand');
    await page.setInputFiles('input[type=file]', tempFile('xss.json', xssTrace()));
    await page.waitForSelector('tr.trace-row');
    // The list shows the root's service and name as text.
    const row = await page.locator('tr.trace-row').first().innerText();
    assert.ok(row.includes(PAYLOADS[0]) || row.includes('window.__xss'), `the list shows the payload as text: ${row}`);
    await assertNothingRan(page, 'trace list');

    await page.click('tr.trace-row');
    await page.waitForSelector('.wf-row');
    assert.ok((await page.locator('.wf-row').count()) >= PAYLOADS.length);
    const rows = await page.locator('.wf-row').allInnerTexts();
    for (const p of PAYLOADS) assert.ok(rows.some((r) => r.includes(p)), `waterfall shows ${p} as text`);
    await assertNothingRan(page, 'waterfall');
    if (mode === 'strict') await screenshot(page, 'security-xss-waterfall');

    // Every span's details: names, attributes, events, links, status.
    for (let i = 0; i < PAYLOADS.length; i++) {
      await navigate(page, `?trace=${TRACE}&span=${spanId(i)}`);
      const panel = page.locator('aside.span-details');
      await panel.waitFor();
      await page.waitForFunction((name) => document.querySelector('.span-details .details-name')?.textContent === name, PAYLOADS[i]);
      const text = await panel.innerText();
      assert.ok(text.includes(PAYLOADS[i]), `details of span ${i} show the payload`);
      // url.full holds a payload: it must not be a link. http.url is a real https URL: it is.
      const urlFull = panel.locator('.details-attrs .attr-row', { hasText: 'url.full' }).locator('.attr-value');
      assert.equal(await urlFull.locator('a').count(), 0, 'url.full with a payload is not a link');
      assert.match(await panel.locator('.details-attrs .attr-row', { hasText: 'http.url' }).locator('a').getAttribute('href'), /^https:\/\/example\.com\//);
      await assertNothingRan(page, `details of span ${i}`);
    }
    if (mode === 'strict') await screenshot(page, 'security-xss-details');

    for (const tab of ['flame', 'statistics', 'spans', 'map', 'json', 'waterfall']) {
      const button = page.locator(`button[data-tab=${tab}]`);
      if ((await button.count()) === 0) continue;
      await button.click();
      await page.waitForTimeout(300);
      if (tab === 'json') {
        const json = await page.locator('.trace-page').innerText();
        assert.ok(json.includes('onerror'), 'the JSON view shows the payloads as text');
      }
      if (tab === 'spans') {
        const text = await page.locator('.trace-page').innerText();
        assert.ok(text.includes(PAYLOADS[1]), 'the spans table shows names as text');
      }
      await assertNothingRan(page, `tab ${tab}`);
    }

    // Hover the flame graph so that its tooltip shows a payload.
    await page.click('button[data-tab=flame]');
    const canvas = page.locator('.flame-canvas');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + 60, box.y + 20 + 9);
    await page.waitForTimeout(200);
    await assertNothingRan(page, 'flame tooltip');

    for (const target of ['map', 'analytics', 'traces']) {
      const button = page.locator(`button[data-page=${target}]`);
      if ((await button.count()) === 0) continue;
      await button.click();
      await page.waitForTimeout(500);
      if (target !== 'traces') {
        const text = await page.locator('main, .shell').first().innerText();
        assert.ok(text.includes('window.__xss') || (await page.locator('svg text, canvas').count()) > 0, `${target} page renders`);
        if (mode === 'strict') await screenshot(page, `security-xss-${target}`);
      }
      await assertNothingRan(page, `page ${target}`);
    }

    // Search for a payload: the query itself is text too.
    await page.locator('button[data-page=traces]').click().catch(() => {});
    await navigate(page, `?trace=${TRACE}`);
    const search = page.locator('.search-bar input[type=search]');
    if ((await search.count()) > 0) {
      await search.fill('<img src=x onerror=window.__xss=1>');
      await page.waitForTimeout(300);
      await assertNothingRan(page, 'search');
    }
    assert.deepEqual(page.problems, [], 'no console errors');
    assert.equal(await page.locator('#panic-banner').isHidden(), true, 'no panic');
    await page.close();
  });
}

test('control: the checks do see markup that reaches the DOM', async () => {
  // If the app ever inserted trace text as HTML, this is what the checks above would catch.
  for (const mode of ['strict', 'open']) {
    const page = await watchedPage();
    await page.goto(servers[mode].url);
    await page.waitForSelector('.topbar .brand');
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.innerHTML = '<img src=x onerror="window.__xss=1">';
      document.body.append(div);
    });
    await page.waitForTimeout(300);
    const state = await page.evaluate(() => ({ xss: window.__xss, violations: window.__violations.map((v) => v.directive) }));
    if (mode === 'strict') {
      assert.equal(state.xss, undefined, 'the CSP blocks the inline handler');
      assert.ok(state.violations.some((d) => d.startsWith('script-src')), `a script-src violation is seen: ${state.violations}`);
    } else {
      assert.equal(state.xss, 1, 'without a CSP the handler runs');
    }
    await page.close();
  }
});
