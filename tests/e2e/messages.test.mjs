// Messages outside the app in Chromium: the demo sends WhatsApp through a Cloud API stand-in
// that refuses the first message; a trainee opens the one-tap link of their "starting now"
// message on a phone, taps "Gabung" and lands on the live page signed in; the administrator
// sees the refusal with the provider's answer on Pesan keluar and sends it again.
import {
  startDemo,
  startHelper,
  freePort,
  launchBrowser,
  watchConsole,
  assert,
  artifacts,
  signInPage,
  apiClient,
  root,
} from './harness.mjs';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const binary = process.argv[2];
const recorded = mkdtempSync(path.join(tmpdir(), 'daring-wa-'));
const standin = await startHelper('/usr/bin/python3', [
  path.join(root, 'tests/support/whatsapp_standin.py'),
  recorded,
  '400',
]);
const port = await freePort();
const server = await startDemo(binary, {
  deck: false,
  listen: `127.0.0.1:${port}`,
  extraArgs: [
    '--public-url',
    `http://127.0.0.1:${port}`,
    '--whatsapp-api-url',
    `http://127.0.0.1:${standin.port}`,
    '--whatsapp-token',
    'token-uji',
    '--whatsapp-phone-number-id',
    '1098765',
    '--outbox-poll',
    '0.2',
  ],
});
const browser = await launchBrowser();
const errors = [];
const requests = () =>
  readdirSync(recorded)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(recorded, f), 'utf8')));
async function until(check, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

try {
  const admin = await apiClient(server, server.logins.admin.username, server.logins.admin.password);
  const trainer = await apiClient(server, server.logins.trainer.username, server.logins.trainer.password);
  const packaging = (await admin('GET', '/api/v1/trainings')).find((t) => t.title.startsWith('Desain Kemasan'));
  const session = (await admin('GET', `/api/v1/trainings/${packaging.id}`)).sessions[0];
  await trainer('POST', `/api/v1/sessions/${session.id}/start`, {});
  // Every demo trainee has a mobile number: 15 "starting now" messages, the first refused.
  const sent = await until(() => requests().length >= 15 && requests(), '15 WhatsApp requests');
  const ok = sent.find((r) => r.answer === '200');
  const link = ok.body.template.components[0].parameters[2].text;
  assert(link.startsWith(`http://127.0.0.1:${port}/j/`), `a one-tap link: ${link}`);

  // The trainee on a phone, not signed in: the link's page, then the live page.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await phone.newPage();
  watchConsole(page, errors);
  await page.goto(link);
  assert((await page.textContent('h1')) === 'Gabung ke sesi', 'the link shows the join page');
  await page.click('button');
  await page.waitForSelector('.slide-title');
  assert(page.url() === `${server.url}/#/live/${session.id}`, `landed on the live page: ${page.url()}`);
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert(me.role === 'trainee', 'signed in as the trainee');
  await page.screenshot({ path: path.join(artifacts, 'join-link-360.png') });
  const seen = errors.length;
  await page.goto(link);
  assert((await page.textContent('h1')) === 'Tautan ini sudah dipakai', 'the link works once');
  errors.splice(seen, errors.length - seen, ...errors.slice(seen).filter((e) => !e.includes('status of 410'))); // that one is the point

  // The administrator: the refusal with the provider's answer, sent again.
  const adminContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const adminPage = await signInPage(
    server,
    errors,
    adminContext,
    server.logins.admin.username,
    server.logins.admin.password,
  );
  await adminPage.goto(`${server.url}/#/outbox`);
  await adminPage.waitForSelector('#outbox tr[data-message] button.retry');
  const answer = await adminPage.textContent('#outbox tr[data-message] td.detail');
  assert(answer.includes('HTTP 400'), `the provider's answer shows: ${answer}`);
  assert(
    (await adminPage.textContent('#outbox-summary tr[data-channel="whatsapp"] td[data-state="failed"]')) === '1',
    'one failure counted',
  );
  await adminPage.screenshot({ path: path.join(artifacts, 'outbox.png'), fullPage: true });
  await adminPage.click('#outbox tr[data-message] button.retry');
  await until(
    async () => (await admin('GET', '/api/v1/outbox/summary')).counts.whatsapp.sent === 15,
    'the retried message to be sent',
  );
  assert(errors.length === 0, 'no console errors: ' + errors.join('\n'));
  console.log('e2e messages: ok');
} finally {
  await browser.close();
  await server.stop();
  standin.stop();
  rmSync(recorded, { recursive: true, force: true });
}
