// Screenshots of the main states at three sizes in both themes, for looking at (not a test):
// node tests/e2e/shots.mjs [outdir]
import { serveStatic, launchBrowser, sample } from './harness.mjs';
import path from 'node:path';
import fs from 'node:fs';

const out = process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts', 'shots');
fs.mkdirSync(out, { recursive: true });
const server = await serveStatic();
const browser = await launchBrowser();
const sizes = (process.env.SIZES ?? '1600x1000,1366x768,1000x700').split(',').map((s) => s.split('x').map(Number));
const themes = (process.env.THEMES ?? 'light,dark').split(',');
const files = ['otlp_hotrod-full-trace.json', 'zipkin-v2_yelp.json', 'jaeger-ui_genai-trace.json', 'zipkin-v2_skew.json',
  'otlp_otel-demo-error-timeout.json', 'zipkin-v2_messaging-kafka.json'].map(sample);
for (const theme of themes) {
  for (const [width, height] of sizes) {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: theme });
    const page = await context.newPage();
    const tag = `${theme}-${width}x${height}`;
    await page.goto(server.url);
    await page.waitForSelector('.dropzone');
    await page.screenshot({ path: path.join(out, `home-${tag}.png`) });
    await page.setInputFiles('input[type=file]', files);
    await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length >= 6, null, { timeout: 60_000 });
    await page.waitForSelector('.wf-row');
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(out, `traces-${tag}.png`) });
    await page.locator('.wf-row').nth(3).click();
    await page.waitForSelector('.span-details');
    await page.screenshot({ path: path.join(out, `details-${tag}.png`) });
    await page.keyboard.press('l');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, `collapsed-${tag}.png`) });
    await page.keyboard.press('l');
    await page.click('button.page-link[data-page=map]');
    await page.waitForSelector('.map-node');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(out, `map-${tag}.png`) });
    await page.click('button.page-link[data-page=analytics]');
    await page.waitForSelector('.analytics-table');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(out, `analytics-${tag}.png`) });
    await page.click('button.settings-button');
    await page.screenshot({ path: path.join(out, `settings-${tag}.png`) });
    await context.close();
  }
}
await browser.close();
await server.close();
console.log(out);
