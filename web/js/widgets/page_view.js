// A deck page as a slide: the small picture on a phone and the large one on a wide screen, its
// aspect kept, a tap to zoom; with the data saver on, the page's
// text and a tap to load the picture. Over it, the trainer's pointer and pen strokes, drawn in
// page shares (0..1) so every screen draws them at its own size. Also: the next pages fetched
// ahead while the link is idle, and the page bytes this visit loaded.
import { h } from '../dom.js';
import { t } from '../i18n.js';

const svgNs = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs) => {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

// Bytes of deck pages and handouts this page loaded over the network (Resource Timing; what
// came from the cache counts 0).
export function pageBytes() {
  let total = 0;
  for (const e of performance.getEntriesByType('resource')) {
    if (e.name.includes('/api/v1/decks/') || e.name.includes('/api/v1/materials/')) total += e.transferSize || 0;
  }
  return total;
}

// Which picture this screen shows: the large one only where it is wider than the small.
export const wantsLarge = () => window.matchMedia('(min-width: 700px)').matches;

// Pages fetched ahead go in pieces of this size, one every PIECE_EVERY_MS (about 32 kbit/s):
// on a slow link shared with the trainer's voice, no piece stands long in front of the audio.
const PIECE_BYTES = 600;
const PIECE_EVERY_MS = 150;
const KEPT_AHEAD = 6; // pictures held as object URLs

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

// One picture in paced byte ranges; resolves with an object URL (null when it failed).
async function pacedPicture(url) {
  const parts = [];
  let at = 0;
  let size = Infinity;
  while (at < size) {
    if (!navigator.onLine) return null; // offline: try again with the next slide
    const res = await fetch(url, {
      credentials: 'same-origin',
      priority: 'low',
      headers: { Range: `bytes=${at}-${at + PIECE_BYTES - 1}` },
    }).catch(() => null);
    if (!res || (res.status !== 206 && res.status !== 200)) return null;
    parts.push(await res.blob());
    if (res.status === 200) break; // the whole, in one (no ranges)
    size = Number((res.headers.get('Content-Range') || '').split('/')[1]) || 0;
    at += PIECE_BYTES;
    if (at < size) await pause(PIECE_EVERY_MS);
  }
  return URL.createObjectURL(new Blob(parts, { type: 'image/webp' }));
}

// Fetches the pictures of `pages` ahead, one after another in paced pieces, while the picture
// on screen is not loading (`busy()`): a page switch then shows its picture at once.
export function prefetcher(busy) {
  const ready = new Map(); // url -> object URL
  let queue = [];
  let running = false;
  window.__daringAhead = ready; // read by the browser tests
  const next = async () => {
    if (running || !queue.length) return;
    if (busy()) {
      setTimeout(next, 500);
      return;
    }
    const url = queue.shift();
    if (ready.has(url)) {
      next();
      return;
    }
    running = true;
    const local = await pacedPicture(url);
    if (local) ready.set(url, local);
    while (ready.size > KEPT_AHEAD) {
      const [oldest, object] = ready.entries().next().value;
      URL.revokeObjectURL(object);
      ready.delete(oldest);
    }
    running = false;
    next();
  };
  return {
    want(pages) {
      queue = pages.map((p) => (wantsLarge() ? p.large : p.small)).filter((u) => !ready.has(u));
      next();
    },
    // The object URL of a picture fetched ahead, or undefined.
    local: (url) => ready.get(url),
  };
}

function strokePath(stroke, aspect) {
  const pts = stroke.points.map(([x, y]) => `${x.toFixed(4)},${(y * aspect).toFixed(4)}`).join(' ');
  return svg('polyline', {
    points: pts,
    fill: 'none',
    stroke: stroke.color,
    'stroke-width': stroke.width / 1000,
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
  });
}

// The page with its overlay. `saver()` tells whether the data saver is on; `local(url)` gives a
// picture already fetched ahead (an object URL).
export function pageView({ saver = () => false, local = () => undefined } = {}) {
  const img = h('img', { class: 'page-img', alt: '', decoding: 'async' });
  const overlay = svg('svg', { class: 'page-ink', preserveAspectRatio: 'none' });
  const pointer = h('span', { class: 'page-pointer', hidden: true });
  const frame = h('div', { class: 'page-frame' }, img, overlay, pointer);
  const text = h('pre', { class: 'page-text', hidden: true });
  const load = h('button', { type: 'button', class: 'page-load', hidden: true });
  const el = h('figure', { class: 'page', hidden: true }, frame, text, load);
  let page = null;
  let aspect = 0.5625;
  const showPicture = () => {
    const url = wantsLarge() ? page.large : page.small;
    img.src = local(url) || url;
    frame.hidden = false;
    load.hidden = true;
  };
  load.addEventListener('click', showPicture);
  img.addEventListener('click', () => el.classList.toggle('zoomed'));
  return {
    el,
    frame,
    get aspect() {
      return aspect;
    },
    show(slide) {
      page = slide?.page || null;
      el.hidden = !page;
      pointer.hidden = true;
      overlay.replaceChildren();
      if (!page) return;
      aspect = page.height / page.width;
      overlay.setAttribute('viewBox', `0 0 1 ${aspect}`);
      img.width = page.width;
      img.height = page.height;
      img.alt = slide.title || `${t('page_of_deck')} ${page.n}`;
      text.textContent = slide.body || '';
      if (saver()) {
        img.removeAttribute('src');
        frame.hidden = true;
        text.hidden = false;
        load.hidden = false;
        load.textContent = `${t('show_picture')} (${Math.ceil((wantsLarge() ? page.large_bytes : page.small_bytes) / 1000)} kB)`;
      } else {
        text.hidden = true;
        showPicture();
      }
      for (const s of slide.ink || []) this.ink(s);
    },
    ink(stroke) {
      if (page) overlay.append(strokePath(stroke, aspect));
    },
    clearInk() {
      overlay.replaceChildren();
    },
    pointer(m) {
      if (!page || m.visible === false) {
        pointer.hidden = true;
        return;
      }
      pointer.hidden = false;
      pointer.style.left = `${m.x * 100}%`;
      pointer.style.top = `${m.y * 100}%`;
    },
  };
}
