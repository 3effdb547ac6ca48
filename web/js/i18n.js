// Bahasa Indonesia first; English on request, remembered in localStorage. Only the chosen
// language's texts are loaded (lang/id.js or lang/en.js), and the texts of the staff pages
// (lang/<language>_staff.js) only once a trainer or administrator signed in (forStaff()); a
// feature's own texts (lang/<language>_part.js: questions, polls, participation) once a page
// needs them (withTexts('part')).
const load = (which) => import(`./lang/${which}.js`).then((m) => m.default);
const parts = new Set();
async function loadAll(which, staff) {
  const all = { ...(await load(which)) };
  if (staff) Object.assign(all, await load(`${which}_staff`));
  for (const part of parts) Object.assign(all, await load(`${which}_${part}`));
  return all;
}

let lang = localStorage.getItem('daring.lang') === 'en' ? 'en' : 'id';
let staffTexts = false;
let texts = await load(lang);
// Keys asked for that the language lacks (shown as the key itself): the browser tests read it.
const missing = new Set();
globalThis.__daringMissingTexts = missing;

export const language = () => lang;
export async function setLanguage(next) {
  texts = await loadAll(next, staffTexts);
  lang = next;
  localStorage.setItem('daring.lang', next);
  document.documentElement.lang = next;
}
// `optional`: undefined when the language lacks the key (the caller has its own fallback).
export function t(key, { optional = false } = {}) {
  const text = texts[key];
  if (text !== undefined || optional) return text;
  missing.add(key);
  return key;
}
// Adds the staff pages' texts (once; later languages load them too).
export async function forStaff() {
  if (staffTexts) return;
  texts = await loadAll(lang, true);
  staffTexts = true;
}
// Adds a feature's texts (once; later languages load them too).
const adding = new Map(); // part -> the promise of its texts merged
export function withTexts(part) {
  if (!adding.has(part))
    adding.set(
      part,
      load(`${lang}_${part}`).then((more) => {
        texts = { ...texts, ...more };
        parts.add(part);
      }),
    );
  return adding.get(part);
}
// A language file's keys ('id', 'id_staff', ...), for the test that both languages have the same.
export const keysOf = async (which) => Object.keys(await load(which));

// A server error in the user's language: the code's own text; else, in English, the server's
// message; else (Bahasa Indonesia) a sentence naming the field or the code, never the server's
// English.
export function errorText(error) {
  if (!error) return t('error_generic');
  if (error.code === 'network') return t('network');
  if (texts[error.code]) return texts[error.code];
  if (lang === 'en' && error.message) return error.message;
  if (error.field) return `${t('error_field')}: ${t(error.field)}`;
  return `${t('error_generic')} (${t('error_code')}: ${error.code})`;
}
document.documentElement.lang = lang;
