// Starts Strand. A static module script instead of the inline one Trunk would inject, so that
// the app runs under a strict Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`,
// no inline script). Trunk builds with `filehash = false` (Trunk.toml), so the names are fixed.
import init from './strand.js';

// The theme before the first paint (the app applies it again from the same setting): the stored
// `theme=` line of Strand's settings, else the system's preference.
try {
  const line = (localStorage.getItem('strand.settings') || '').split('\n').find((l) => l.startsWith('theme='));
  const theme = line ? line.slice(6).trim() : 'system';
  const dark = theme === 'dark' || (theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
} catch (_) {
  // Storage may be blocked; the app sets the theme when it starts.
}

function showStartupError(error) {
  const banner = document.getElementById('panic-banner');
  const text = 'Strand could not start: ' + (error && error.message ? error.message : String(error)) +
    '. This browser needs WebAssembly; if a Content-Security-Policy is set, it must allow ' +
    "'wasm-unsafe-eval' in script-src. Reload to try again.";
  if (banner) {
    banner.textContent = text;
    banner.hidden = false;
  }
  const booting = document.querySelector('#app .booting');
  if (booting) booting.textContent = 'Strand did not start (see the message above).';
}

try {
  const wasm = await init({ module_or_path: new URL('./strand_bg.wasm', import.meta.url) });
  // The browser benchmark (bench/browser.mjs) reads WASM memory through this event.
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
} catch (error) {
  showStartupError(error);
}
