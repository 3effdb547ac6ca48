// A deck page as a slide: the small picture on a phone and the large one on a wide screen (the
// browser picks by width), its aspect kept, a tap to zoom; with the data saver on, the page's
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

// Fetches the pictures of `pages` one after another, at low priority and only when the link is
// otherwise idle (`busy()` false): a page switch then finds its picture in the cache.
export function prefetcher(busy) {
  const done = new Set();
  let queue = [];
  let running = false;
  const next = () => {
    if (running || !queue.length) return;
    if (busy()) {
      setTimeout(next, 500);
      return;
    }
    const url = queue.shift();
    if (done.has(url)) {
      next();
      return;
    }
    running = true;
    const img = new Image();
    img.fetchPriority = 'low';
    img.decoding = 'async';
    const finish = () => {
      done.add(url);
      running = false;
      next();
    };
    img.onload = finish;
    img.onerror = finish;
    img.src = url;
  };
  return {
    want(pages) {
      queue = pages.map((p) => (wantsLarge() ? p.large : p.small)).filter((u) => !done.has(u));
      next();
    },
    has: (url) => done.has(url),
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

// The page with its overlay. `saver()` tells whether the data saver is on.
export function pageView({ saver = () => false } = {}) {
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
    img.src = wantsLarge() ? page.large : page.small;
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
      img.srcset = `${page.small} 480w, ${page.large} 1280w`;
      img.sizes = '(min-width: 700px) 860px, 100vw';
      text.textContent = slide.body || '';
      if (saver()) {
        img.removeAttribute('src');
        img.removeAttribute('srcset');
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
