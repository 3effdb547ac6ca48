// uPlot (served from /vendor, versioned by the shell's import map) and its style sheet, loaded
// once by the pages that draw charts.
import { h } from './dom.js';

function loadCss(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  document.head.append(h('link', { rel: 'stylesheet', href }));
}

function loadScript(src) {
  if (window.uPlot) return Promise.resolve();
  return new Promise((resolve, reject) => {
    document.head.append(
      h('script', { src, onload: resolve, onerror: () => reject(new Error(`${src} failed to load`)) }),
    );
  });
}

export async function loadUplot() {
  loadCss(import.meta.resolve('/vendor/uPlot.min.css'));
  await loadScript(import.meta.resolve('/vendor/uPlot.iife.min.js'));
  return window.uPlot;
}
