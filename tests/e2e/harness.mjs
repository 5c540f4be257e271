// Shared end-to-end test harness: serves dist/ (the release build) from a tiny static server on
// a free loopback port and launches Debian's Chromium through playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
// STRAND_DIST lets several builds (e.g. one per work tree or branch) be tested side by side.
export const distDir = process.env.STRAND_DIST ? path.resolve(process.env.STRAND_DIST) : path.join(repoRoot, 'dist');
export const samplesDir = path.resolve(repoRoot, '..', 'shared', 'samples');
export const artifactsDir = path.join(here, 'artifacts');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** Serves `root` on 127.0.0.1 with an ephemeral port; `headers` are added to every response.
 * `answer(url)` may answer a request itself (`{ status, type, body }`; nothing: the file): for
 * requests a page's routes do not see, such as a worker's own workers. */
export async function serveStatic(root = distDir, headers = {}, answer = () => null) {
  if (root === distDir && !fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`${root}/index.html is missing: run "trunk build --release" first (scripts/test.sh does)`);
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const own = answer(url);
    if (own) {
      res.writeHead(own.status ?? 200, { 'content-type': own.type ?? 'text/plain', ...headers }).end(own.body ?? '');
      return;
    }
    let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', ...headers });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Launches headless Chromium with the flags this closed-network machine needs (playwright gives
 * every launch a fresh, empty profile). */
export async function launchBrowser(extraArgs = []) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs,
    ],
  });
  return browser;
}

/** A new page that records console errors and uncaught exceptions in `page.problems`. */
export async function newPage(browser, viewport = { width: 1400, height: 900 }) {
  const page = await browser.newPage({ viewport });
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  return page;
}

/** Goes to `query` as back/forward would (the app reads the address on popstate). */
export async function navigate(page, query) {
  await page.evaluate((q) => {
    history.pushState(null, '', q);
    dispatchEvent(new PopStateEvent('popstate'));
  }, query);
}

/** Waits for the page to render two more frames. */
export async function frames(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export function sample(name) {
  return path.join(samplesDir, name);
}

/** Writes a file under the artifacts folder (for upload tests) and returns its path. */
export function tempFile(name, content) {
  const dir = path.join(artifactsDir, 'inputs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
