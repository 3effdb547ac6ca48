// Sign-in: sign in as the demo admin in Bahasa Indonesia, switch to English,
// sign out; no console errors; the CSP holds (no inline script is needed). A trainee whose
// password an administrator reset signs in with the temporary one and is held on the forced
// change screen until they chose their own; then their page opens, and the old one is refused.
import { startDemo, launchBrowser, watchConsole, assert, artifacts, apiClient } from './harness.mjs';
import path from 'node:path';

const binary = process.argv[2];
const server = await startDemo(binary, { deck: false });
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

  // A wrong link: the error is Indonesian, not the server's English.
  await page.goto(server.url + '/#/quizzes/99999');
  await page.waitForSelector('.page .error');
  const wrongLink = await page.textContent('.page .error');
  assert(
    wrongLink.startsWith('Tidak ditemukan') && !/No such|not found/i.test(wrongLink),
    `the error speaks Indonesian: ${wrongLink}`,
  );
  // Chromium logs the 404 itself as a failed resource; that one is expected.
  for (let i = errors.length - 1; i >= 0; i--) if (errors[i].includes('status of 404')) errors.splice(i, 1);
  await page.goto(server.url + '/#/');
  await page.waitForSelector('a[href="#/admin"]');

  // The other language's texts load on the switch (one language at a time): wait for them.
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('#logout').textContent === 'Sign out', null, {
    timeout: 5000,
  });
  assert((await page.textContent('#logout')) === 'Sign out', 'English is one click away');
  await page.reload();
  await page.waitForSelector('#logout:not([hidden])');
  assert(
    (await page.textContent('#logout')) === 'Sign out',
    'the language choice is remembered and the session survives a reload',
  );

  await page.screenshot({ path: path.join(artifacts, 'login-360.png') });
  await page.click('#logout');
  await page.waitForSelector('#login');
  assert(errors.length === 0, 'no console errors: ' + errors.join('\n'));

  // The administrator finds a trainee by NIB on the Pengguna page and resets the password.
  await page.click('#lang'); // Bahasa Indonesia again
  await page.waitForFunction(() => document.querySelector('#lang').textContent === 'English');
  const admin = await apiClient(server, server.logins.admin.username, server.logins.admin.password);
  const trainee = (await admin('GET', '/api/v1/users?q=peserta02'))[0];
  await admin('PATCH', `/api/v1/users/${trainee.id}`, { nib: '9120001234567' });
  await page.fill('input[name=username]', server.logins.admin.username);
  await page.fill('input[name=password]', server.logins.admin.password);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('a[href="#/users"]');
  await page.click('a[href="#/users"]');
  await page.waitForSelector('#users tbody tr');
  await page.fill('#user-search', '9120001234567');
  await page.waitForFunction(
    () =>
      document.querySelectorAll('#users tbody tr').length === 1 &&
      document.querySelector('#users tbody tr').textContent.includes('peserta02'),
  );
  await page.click('#users tbody tr');
  await page.waitForSelector('#user-panel');
  // A bad NIB is refused in Indonesian, next to the field.
  await page.fill('#user-form input[name=nib]', '123');
  await page.click('#user-form button[type=submit]');
  await page.waitForFunction(
    () => document.querySelector('#user-form .field-error[data-for="nib"]').textContent.length > 0,
  );
  const nibError = await page.textContent('#user-form .field-error[data-for="nib"]');
  assert(!/must|digits/.test(nibError), `the field error is not English: ${nibError}`);
  for (let i = errors.length - 1; i >= 0; i--) if (errors[i].includes('status of 422')) errors.splice(i, 1); // that refusal
  await page.fill('#user-form input[name=nib]', '9120001234567');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('#reset-password');
  await page.waitForSelector('#temporary-password:not([hidden])');
  const temporary = (await page.textContent('#temporary-password')).split(': ').pop().trim();
  assert(temporary.length >= 12, `the temporary password is shown once: ${temporary}`);
  await page.screenshot({ path: path.join(artifacts, 'users-page.png') });
  await page.click('#logout');
  await page.waitForSelector('#login');
  await page.fill('input[name=username]', 'peserta02');
  await page.fill('input[name=password]', temporary);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#forced-change');
  assert(
    (await page.textContent('#forced-change h2')) === 'Buat kata sandi Anda sendiri',
    'the forced change is a screen of its own',
  );
  await page.fill('#password-form input[name=current]', temporary);
  await page.fill('#password-form input[name=new]', 'kata-sandi-saya');
  await page.fill('#password-form input[name=again]', 'kata-sandi-lain');
  await page.click('#password-form button[type=submit]');
  assert(
    (await page.textContent('#password-status')) === 'Kedua kata sandi baru tidak sama.',
    'a mismatch is explained in Indonesian',
  );
  await page.fill('#password-form input[name=again]', 'kata-sandi-saya');
  await page.click('#password-form button[type=submit]');
  await page.waitForSelector('#my-account'); // the trainee's own page
  assert(!(await page.$('#forced-change')), 'the forced screen is gone');
  const relogin = await fetch(server.url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'peserta02', password: temporary }),
  });
  assert(relogin.status === 401, 'the temporary password no longer works');
  // Her own page: she chooses to get messages by e-mail, in English.
  await page.click('#my-account summary');
  await page.waitForSelector('#preferences-form');
  await page.selectOption('#preferences-form select[name=notify_channel]', 'email');
  await page.selectOption('#preferences-form select[name=language]', 'en');
  await page.click('#preferences-form button[type=submit]');
  await page.waitForFunction(
    () => document.querySelector('#preferences-form .form-status').textContent === 'Tersimpan',
  );
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert(me.notify_channel === 'email' && me.language === 'en', `the preferences are stored: ${JSON.stringify(me)}`);
  await page.screenshot({ path: path.join(artifacts, 'forced-change-360.png') });
  assert(errors.length === 0, 'no console errors after the forced change: ' + errors.join('\n'));
  console.log('e2e login: ok');
} finally {
  await browser.close();
  await server.stop();
}
