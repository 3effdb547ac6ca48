// Both languages of the web client (web/js/lang/) define the same texts, file by file: a key
// missing in English would show Indonesian to English readers, one missing in Bahasa Indonesia
// would show the key itself. Every text the pages a trainee can reach ask for by name is in the
// file every user loads (not only in the staff file a trainee never fetches). And server errors
// never reach the Indonesian UI in English.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const store = new Map();
globalThis.localStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, String(v)) };
globalThis.document = { documentElement: { lang: '' } };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const web = path.join(root, 'web');
const i18n = await import(pathToFileURL(path.join(web, 'js/i18n.js')).href);

let total = 0;
for (const part of ['', '_staff', '_part']) {
  const id = new Set(await i18n.keysOf(`id${part}`));
  const en = new Set(await i18n.keysOf(`en${part}`));
  const onlyId = [...id].filter((k) => !en.has(k));
  const onlyEn = [...en].filter((k) => !id.has(k));
  assert.deepEqual(onlyId, [], `id${part}: keys without English: ${onlyId.join(', ')}`);
  assert.deepEqual(onlyEn, [], `en${part}: keys without Bahasa Indonesia: ${onlyEn.join(', ')}`);
  total += id.size;
}
assert.ok(total > 300, `the dictionaries are read (${total} keys)`);

// The module graph a trainee's pages reach from app.js (the staff pages in its page table left
// out), and the texts those files name literally.
const traineePages = ['home.js', 'live_page.js', 'replay.js', 'password.js'].map((p) => path.join(web, 'js/pages', p));
const reach = new Set();
const stack = [path.join(web, 'app.js'), ...traineePages];
while (stack.length) {
  const file = stack.pop();
  if (reach.has(file)) continue;
  reach.add(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(/(?:from\s+|import\()\s*'(\.[^']+)'/g)) {
    const next = path.resolve(path.dirname(file), m[1]);
    if (next.includes(`${path.sep}pages${path.sep}`) && !traineePages.includes(next)) continue;
    if (!next.includes(`${path.sep}lang${path.sep}`)) stack.push(next);
  }
}
// A file may name a feature's texts (lang/id_part.js) when it loads them (withTexts('part')).
const core = new Set(await i18n.keysOf('id'));
const part = new Set(await i18n.keysOf('id_part'));
const lacking = [];
for (const file of reach) {
  const source = readFileSync(file, 'utf8');
  const loadsPart = source.includes("withTexts('part')");
  for (const m of source.matchAll(/\bt\(\s*'([a-z0-9_]+)'/g))
    if (!core.has(m[1]) && !(loadsPart && part.has(m[1]))) lacking.push(`${path.relative(web, file)}: ${m[1]}`);
}
assert.deepEqual(lacking, [], `texts a trainee's page needs that only the staff file has: ${lacking.join(', ')}`);
assert.ok(
  reach.size > 10 && readdirSync(path.join(web, 'js/lang')).filter((f) => f.endsWith('.js')).length === 6,
  'the graph and the files are read',
);

// Errors: a known code in the user's language; an unknown one never in the server's English.
assert.equal(i18n.language(), 'id');
assert.equal(
  i18n.errorText({ code: 'not_found', message: 'No such resource' }),
  'Tidak ditemukan (tautan salah, atau sudah dihapus).',
);
const unknown = i18n.errorText({ code: 'some_new_code', message: 'Something in English' });
assert.ok(!unknown.includes('English'), unknown);
assert.ok(unknown.includes('some_new_code'), unknown);
const field = i18n.errorText({ code: 'invalid_field', message: 'nib must be exactly 13 digits', field: 'nib' });
assert.ok(!field.includes('must be'), field);
// The staff texts arrive on request, in the language chosen, also after a switch.
assert.equal(i18n.t('act_session_end', { optional: true }), undefined);
await i18n.forStaff();
assert.equal(i18n.t('act_session_end'), 'mengakhiri sesi');
await i18n.setLanguage('en');
assert.equal(i18n.t('act_session_end'), 'ended a session');
assert.equal(i18n.errorText({ code: 'some_new_code', message: 'Something in English' }), 'Something in English');
console.log(`i18n: ${total} keys in both languages; ${reach.size} files a trainee can reach`);
