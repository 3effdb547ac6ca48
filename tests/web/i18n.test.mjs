// Both languages of the web client (web/js/lang/) define the same texts: a key missing in English would show
// Indonesian to English readers, one missing in Bahasa Indonesia would show the key itself.
// And server errors never reach the Indonesian UI in English.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const store = new Map();
globalThis.localStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, String(v)) };
globalThis.document = { documentElement: { lang: '' } };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const i18n = await import(pathToFileURL(path.join(root, 'web/js/i18n.js')).href);

const id = new Set(await i18n.keysOf('id'));
const en = new Set(await i18n.keysOf('en'));
const onlyId = [...id].filter((k) => !en.has(k));
const onlyEn = [...en].filter((k) => !id.has(k));
assert.deepEqual(onlyId, [], `keys without English: ${onlyId.join(', ')}`);
assert.deepEqual(onlyEn, [], `keys without Bahasa Indonesia: ${onlyEn.join(', ')}`);
assert.ok(id.size > 200, `the dictionaries are read (${id.size} keys)`);

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
await i18n.setLanguage('en');
assert.equal(i18n.errorText({ code: 'some_new_code', message: 'Something in English' }), 'Something in English');
console.log(`i18n: ${id.size} keys in both languages`);
