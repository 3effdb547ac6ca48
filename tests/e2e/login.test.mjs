// Sign-in: sign in as the demo admin in Bahasa Indonesia, switch to English,
// sign out; no console errors; the CSP holds (no inline script is needed).
import { startDemo, launchBrowser, watchConsole, assert, artifacts } from './harness.mjs';
import path from 'node:path';

const binary = process.argv[2];
const server = await startDemo(binary);
const browser = await launchBrowser();
const errors = [];
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  watchConsole(page, errors);
  await page.goto(server.url + '/');
  assert((await page.textContent('h2')) === 'Masuk', 'the page speaks Bahasa Indonesia first');

  await page.fill('input[name=username]', server.logins.admin.username);
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#login-error:not([hidden])');
  assert((await page.textContent('#login-error')).includes('salah'), 'a failed login says why, in Indonesian');
  // Chromium logs the deliberate 401 as a failed resource; that one is expected.
  const unexpected = errors.filter((e) => !e.includes('status of 401'));
  assert(unexpected.length === 0, 'no console errors before signing in: ' + unexpected.join('\n'));
  errors.length = 0;

  await page.fill('input[name=password]', server.logins.admin.password);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#logout:not([hidden])');
  assert((await page.textContent('#who')).startsWith('Administrator'), 'the admin is signed in');
  await page.waitForSelector('a[href="#/admin"]');

  await page.click('#lang');
  assert((await page.textContent('#logout')) === 'Sign out', 'English is one click away');
  await page.reload();
  await page.waitForSelector('#logout:not([hidden])');
  assert((await page.textContent('#logout')) === 'Sign out', 'the language choice is remembered and the session survives a reload');

  await page.screenshot({ path: path.join(artifacts, 'login-360.png') });
  await page.click('#logout');
  await page.waitForSelector('#login');
  assert(errors.length === 0, 'no console errors: ' + errors.join('\n'));
  console.log('e2e login: ok');
} finally {
  await browser.close();
  await server.stop();
}
