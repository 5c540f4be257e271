// Starts Strand. A static module script instead of the inline one Trunk would inject, so that
// the app runs under a strict Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`,
// no inline script). Trunk builds with `filehash = false` (Trunk.toml), so the names are fixed.
import init from './strand.js';

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
