// End-to-end: the search bar and the span details panel of the waterfall view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic, launchBrowser, newPage, screenshot, tempFile, navigate } from './harness.mjs';

const DEMO_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PAYMENT_CALL = '5a17c0de0003c863'; // the payment provider call that timed out

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

async function openApp(query = '') {
  const page = await newPage(browser);
  await page.goto(server.url + query);
  await page.waitForSelector('.topbar .brand');
  return page;
}

const param = (page, name) => new URL(page.url()).searchParams.get(name);

test('a span selected through the URL shows its details', async () => {
  const page = await openApp(`?demo&trace=${DEMO_TRACE}&span=${PAYMENT_CALL}`);
  const panel = page.locator('aside.span-details');
  await panel.waitFor();
  assert.equal(await panel.locator('.details-name').innerText(), 'POST https://api.payments.example/v1/charges');
  assert.match(await panel.locator('.details-service').innerText(), /payment/);
  assert.equal(await panel.locator('.details-kind').innerText(), 'client');
  assert.equal(await panel.locator('.details-status').innerText(), 'error');
  assert.match(await panel.locator('.details-status-message').innerText(), /Read timed out/);
  const facts = await panel.locator('.details-facts').innerText();
  assert.match(facts, /Duration\s+300ms/i);
  assert.match(facts, /Start\s+\+157ms/i);
  assert.match(facts, /of the trace/);
  assert.equal(await panel.locator('.details-ids code').first().innerText(), PAYMENT_CALL);

  // Copy puts the full id on the clipboard and says so.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  const copy = panel.getByRole('button', { name: 'Copy trace id' });
  await copy.click();
  await page.waitForFunction(() => document.querySelector('[aria-label="Copy trace id"]')?.textContent === 'Copied');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), DEMO_TRACE);

  // Attributes: plain values are text, the http(s) URL is a link that opens safely.
  const method = panel.locator('.details-attrs .attr-row', { hasText: 'http.request.method' });
  assert.equal(await method.locator('.attr-value').innerText(), 'POST');
  const url = panel.locator('.details-attrs .attr-row', { hasText: 'url.full' }).locator('.attr-value a');
  assert.equal(await url.getAttribute('href'), 'https://api.payments.example/v1/charges');
  assert.equal(await url.getAttribute('target'), '_blank');
  assert.equal(await url.getAttribute('rel'), 'noopener noreferrer');

  // The exception event, with its offset from the span's start and its attributes.
  const event = panel.locator('.details-events li').first();
  assert.equal(await event.locator('.event-offset').innerText(), '+300ms');
  assert.equal(await event.locator('.event-name').innerText(), 'exception');
  assert.match(await event.innerText(), /java\.net\.SocketTimeoutException/);
  await screenshot(page, 'details-payment-call');

  // "Go to" the parent, then close the panel.
  await panel.getByRole('button', { name: 'Go to' }).click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('span') === '5a17c0de000389e9');
  assert.equal(await panel.locator('.details-name').innerText(), 'POST /api/charges');
  await page.getByRole('button', { name: 'Close details' }).click();
  await page.waitForSelector('aside.span-details', { state: 'detached' });
  assert.equal(param(page, 'span'), null);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('typing a query counts matches and writes q= to the URL; "/" focuses the search', async () => {
  const page = await openApp(`?demo&trace=${DEMO_TRACE}`);
  const input = page.locator('.search-bar input[type=search]');
  const count = page.locator('.search-count');
  await input.waitFor();

  // "/" outside a text field focuses the search (and does not type a slash).
  await page.locator('.trace-header h2').click();
  await page.keyboard.press('/');
  assert.equal(await input.evaluate((el) => el === document.activeElement), true);
  assert.equal(await input.inputValue(), '');

  await input.fill('service:payment');
  await page.waitForFunction(() => document.querySelector('.search-count')?.textContent === '6 matches');
  // The address follows the render (an effect after it): on a loaded machine a moment later.
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'service:payment', null, { timeout: 5_000 });
  assert.equal(param(page, 'q'), 'service:payment');
  await input.press('Enter');
  assert.equal(await count.innerText(), '1 of 6');
  await input.press('Enter');
  assert.equal(await count.innerText(), '2 of 6');
  await input.press('Shift+Enter');
  await input.press('Shift+Enter');
  assert.equal(await count.innerText(), '6 of 6');
  await page.getByRole('button', { name: 'Next match' }).click();
  assert.equal(await count.innerText(), '1 of 6');

  // Typed fast and sent with Enter at once: the search runs and the first match is current.
  await input.fill('');
  await input.pressSequentially('error', { delay: 10 });
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelector('.search-count')?.textContent === '1 of 4');
  assert.equal(param(page, 'q'), 'error');

  // Terms combine; an unreadable one is explained.
  await input.fill('error >10xs');
  await page.waitForSelector('.search-error');
  assert.match(await page.locator('.search-error').innerText(), /"10xs" is not a duration/);
  assert.equal(await count.innerText(), '4 matches');
  await input.fill('nothing-has-this');
  await page.waitForFunction(() => document.querySelector('.search-count')?.textContent === 'no matches');
  assert.equal(await page.locator('.search-error').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Next match' }).isDisabled(), true);

  // "Matches only" is a labelled checkbox.
  await input.fill('checkout');
  await page.waitForFunction(() => /matches$/.test(document.querySelector('.search-count')?.textContent ?? ''));
  const matchesOnly = page.locator('.search-bar').getByLabel('Matches only');
  await matchesOnly.check();
  assert.equal(await matchesOnly.isChecked(), true);
  await screenshot(page, 'search-matches-only');

  // Escape clears the search and leaves the field.
  await input.focus();
  await input.press('Escape');
  assert.equal(await input.inputValue(), '');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('q'));
  assert.equal(await input.evaluate((el) => el === document.activeElement), false);
  assert.equal(await count.innerText(), '');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// Two traces: A's "producer" span links to a span of A, to a span of B, and to a span nobody
// loaded; its attributes include a javascript: URL and HTML that must stay text.
const LINKS_OTLP = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
      scopeSpans: [
        {
          scope: { name: 'test-scope', version: '0.1' },
          spans: [
            {
              traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'a000000000000001', name: 'place order', kind: 2,
              startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000',
            },
            {
              traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'a000000000000002', parentSpanId: 'a000000000000001',
              name: 'publish order', kind: 4,
              startTimeUnixNano: '1700000000010000000', endTimeUnixNano: '1700000000020000000',
              attributes: [
                { key: 'note', value: { stringValue: 'javascript:alert(document.domain)' } },
                { key: 'markup', value: { stringValue: '<img src=x onerror=alert(1)><b>bold</b>' } },
                { key: 'doc', value: { stringValue: 'data:text/html,<script>alert(1)</script>' } },
                { key: 'home', value: { stringValue: 'https://example.com/orders?id=7' } },
              ],
              links: [
                { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'a000000000000001' },
                { traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', spanId: 'b000000000000001' },
                { traceId: 'cccccccccccccccccccccccccccccccc', spanId: 'c000000000000001' },
              ],
            },
          ],
        },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', spanId: 'b000000000000001', name: 'bill order', kind: 5,
              startTimeUnixNano: '1700000005000000000', endTimeUnixNano: '1700000005050000000',
            },
          ],
        },
      ],
    },
  ],
});

test('attribute text is never markup or a script link; links navigate to loaded spans', async () => {
  const page = await openApp();
  await page.setInputFiles('input[type=file]', tempFile('links.json', LINKS_OTLP));
  await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 2);
  await navigate(page, '?trace=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&span=a000000000000002');
  const panel = page.locator('aside.span-details');
  await panel.waitFor();
  assert.equal(await panel.locator('.details-name').innerText(), 'publish order');

  const value = (key) => panel.locator('.details-attrs .attr-row', { hasText: key }).locator('.attr-value');
  assert.equal(await value('note').innerText(), 'javascript:alert(document.domain)');
  assert.equal(await value('note').locator('a').count(), 0, 'a javascript: value is not a link');
  assert.equal(await value('doc').locator('a').count(), 0, 'a data: value is not a link');
  assert.equal(await value('markup').innerText(), '<img src=x onerror=alert(1)><b>bold</b>');
  assert.equal(await value('markup').locator('img, b').count(), 0, 'values are text, never HTML');
  assert.equal(await value('home').locator('a').getAttribute('href'), 'https://example.com/orders?id=7');
  assert.equal(await panel.locator('a[href^="javascript:"], a[href^="data:"]').count(), 0);

  const links = panel.locator('.details-links > li');
  assert.equal(await links.count(), 3);
  assert.match(await links.nth(2).innerText(), /not loaded/);
  assert.match(await links.nth(2).innerText(), /cccccccccccccccccccccccccccccccc/);
  await screenshot(page, 'details-links');

  // A span of another loaded trace: its trace opens with it selected.
  await links.nth(1).getByRole('button').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('trace') === 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
  assert.equal(param(page, 'span'), 'b000000000000001');
  await page.waitForFunction(() => document.querySelector('.span-details .details-name')?.textContent === 'bill order');

  // Back, then the link within the same trace selects that span.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('.span-details .details-name')?.textContent === 'publish order');
  await page.locator('.details-links > li').nth(0).getByRole('button').click();
  await page.waitForFunction(() => document.querySelector('.span-details .details-name')?.textContent === 'place order');
  assert.equal(param(page, 'span'), 'a000000000000001');
  assert.deepEqual(page.problems, []);
  await page.close();
});
