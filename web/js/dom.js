// Building the page without HTML strings: every piece of user-provided text goes in through
// textContent (Node.append of a string), never innerHTML.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const $ = (id) => document.getElementById(id);

// Local date and time for a region offset in minutes (WIB by default), "05/07/2021 09:00".
export function localTime(iso, offsetMinutes = 420) {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + offsetMinutes * 60000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

// A calendar date "2020-05-11" as "11/05/2020" (the UI's one date format).
export function localDate(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : ymd || '';
}

// Numbers as the UI's language writes them ("46,2" in Bahasa Indonesia), at most `digits`
// decimals.
const locale = () => (document.documentElement.lang === 'en' ? 'en-GB' : 'id-ID');
export function number(value, digits = 1) {
  return Number(value).toLocaleString(locale(), { maximumFractionDigits: digits });
}
// A size in bytes as "0,4 MB" or "12 kB" (1 kB = 1,000 bytes).
export function size(bytes) {
  return bytes >= 1e6 ? `${number(bytes / 1e6)} MB` : `${number(Math.max(1, Math.round(bytes / 1000)), 0)} kB`;
}
// A duration in seconds as "0:37" or "1:02:05".
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const p = (n) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${p(m)}:${p(s % 60)}` : `${m}:${p(s % 60)}`;
}

export function minutes(seconds) {
  return Math.floor((seconds || 0) / 60);
}
