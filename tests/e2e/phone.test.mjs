// Every page as a trainee, the trainer and the administrator meet it on a 360 x 740 phone, in
// Bahasa Indonesia: no page scrolls sideways, no text falls back to its key, no raw code (a
// status, an audit action, a region code, an English word) shows. The live page's weight on a
// first visit and on a revisit (static files kept as immutable: no request but the shell); live
// links that cannot work say why; the end of a session closes every live control on both the
// trainee's and the trainer's page. Screenshots of each page go to build/e2e-artifacts/phone/,
// or to docs/screenshots/phone/ with DARING_UPDATE_SCREENSHOTS=1 (a test run leaves the tree clean).
import { startDemo, launchBrowser, watchConsole, assert, root, artifacts, signInPage, apiClient } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const shots =
  process.env.DARING_UPDATE_SCREENSHOTS === '1'
    ? path.join(root, 'docs', 'screenshots', 'phone')
    : path.join(artifacts, 'phone');
mkdirSync(shots, { recursive: true });
const FIRST_VISIT_BUDGET = 30 * 1000;
const REVISIT_STATIC_BUDGET = 2 * 1000;

// Raw codes and English that must not reach the Indonesian UI (each with what it means).
const RAW = [
  [/\b[a-z]+(?:_[a-z]+)+\b/, 'a snake_case code or text key'],
  [/\b(?:session|training|user|quiz|deck):\d+/, 'an audit target'],
  [/\b(?:session|training|user|auth)\.[a-z_]+\b/, 'an audit action'],
  [/\b6\d\.\d\d\b/, 'a region code'],
  [/\bpartial\b|\(poll\)|Value:|\bundefined\b|\bnull\b|NaN|\[object/, 'a raw value'],
  [/\b(?:Loading|Error|Save|Delete|Cancel|Submit|minutes|seconds|Present|Absent)\b/, 'an English word'],
  [/\d\.\d+ ?(?:MB|kB|%|poin)|\d,\d{3} ?(?:MB|kB)/, 'an English decimal'],
  [/\b\d{4}-\d{2}-\d{2}\b|\d{2}:\d{2}:\d{2}Z/, 'a date not written the Indonesian way (dd/mm/yyyy)'],
];

const binary = process.argv[2];
const server = await startDemo(binary);
const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
const errors = [];
const phone = { viewport: { width: 360, height: 740 } };
const signIn = (context, username, password) =>
  signInPage(server, errors, context, username, password, { onPage: track });

// What a page costs on the wire (CDP: headers and bodies of HTTP, WebSocket frames), and which
// static files it asked the network for (not from the cache).
async function wireMeter(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const meter = { bytes: 0, ws: 0, fetched: new Map(), cached: new Set(), urls: new Map() };
  cdp.on('Network.requestWillBeSent', (e) => meter.urls.set(e.requestId, e.request.url));
  cdp.on('Network.requestServedFromCache', (e) => meter.cached.add(e.requestId));
  cdp.on('Network.responseReceived', (e) => {
    if (e.response.fromDiskCache || e.response.fromPrefetchCache) meter.cached.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    meter.bytes += e.encodedDataLength;
    if (!meter.cached.has(e.requestId)) meter.fetched.set(e.requestId, e.encodedDataLength);
  });
  cdp.on('Network.webSocketFrameReceived', (e) => {
    meter.ws += e.response.payloadData.length;
  });
  meter.reset = () => {
    meter.bytes = 0;
    meter.ws = 0;
    meter.fetched.clear();
    meter.cached.clear();
  };
  // Static files fetched from the network: everything but the API.
  meter.list = () =>
    [...meter.fetched.entries()]
      .map(([id, bytes]) => `${meter.urls.get(id).replace(server.url, '')} ${bytes}`)
      .join(', ');
  meter.staticFetched = () =>
    [...meter.fetched.entries()]
      .map(([id, bytes]) => ({ url: meter.urls.get(id).replace(server.url, ''), bytes }))
      .filter((r) => !r.url.startsWith('/api/'));
  return meter;
}

// Requests in flight on each page (media streams and sockets aside: they stay open), so a page is
// checked once its data is in rather than after a fixed wait.
const inFlight = new WeakMap();
function track(page) {
  const open = new Set();
  inFlight.set(page, open);
  const lasting = new Set(['media', 'websocket', 'eventsource']);
  page.on('request', (r) => lasting.has(r.resourceType()) || open.add(r));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  return page;
}

// A page settled: drawn, nothing loading, the fonts and pictures in (lazy ones load as they
// scroll into view), for two checks in a row each two frames apart (a page that fetches in steps
// starts its next fetch within a frame).
async function settle(page) {
  assert(inFlight.has(page), 'settle() needs a tracked page');
  await page.waitForFunction(() => !document.querySelector('#view .page > p.muted:only-child'));
  await page.waitForLoadState('load');
  const frames = () =>
    page.evaluate(
      () =>
        new Promise((r) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() =>
              r(
                document.fonts.status === 'loaded' &&
                  [...document.images].every((i) => i.complete || i.loading === 'lazy'),
              ),
            ),
          ),
        ),
    );
  const giveUp = Date.now() + 10000;
  for (let quiet = 0; quiet < 2; ) {
    if (Date.now() >= giveUp) {
      const state = await page.evaluate(() => ({
        fonts: document.fonts.status,
        images: [...document.images].filter((i) => !i.complete).map((i) => i.outerHTML.slice(0, 160)),
      }));
      throw new Error(
        `${page.url()} still loading after 10 s: ${[...inFlight.get(page)].map((r) => r.url())} ${JSON.stringify(state)}`,
      );
    }
    const drawn = await frames();
    quiet = drawn && inFlight.get(page).size === 0 ? quiet + 1 : 0;
    if (!quiet) await page.waitForTimeout(50);
  }
}

// The checks every page passes (what fails is collected, so one run lists every page's
// problems), and its screenshot.
const problems = [];
const expect = (condition, message) => condition || problems.push(message);
async function checkPage(page, name) {
  await settle(page);
  const found = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    missing: [...(globalThis.__daringMissingTexts || [])],
    text: document.body.innerText,
    lang: document.documentElement.lang,
    // "Keluar" on the header's line (when signed in).
    headerLine: (() => {
      const out = document.querySelector('#logout:not([hidden])');
      return (
        !out ||
        Math.abs(out.getBoundingClientRect().top - document.querySelector('.brand').getBoundingClientRect().top) < 12
      );
    })(),
  }));
  expect(found.headerLine, `${name}: "Keluar" wrapped below the header's line`);
  expect(found.lang === 'id', `${name}: the page speaks Bahasa Indonesia (${found.lang})`);
  expect(found.scroll <= found.width, `${name}: ${found.scroll} px wide at ${found.width} px (scrolls sideways)`);
  expect(found.missing.length === 0, `${name}: texts missing in Bahasa Indonesia: ${found.missing.join(', ')}`);
  for (const [pattern, what] of RAW) {
    const m = pattern.exec(found.text);
    const around = m ? found.text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, ' ') : '';
    expect(!m, `${name}: ${what} shows: "${m?.[0]}" in …${around}…`);
  }
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function visit(page, hash, name) {
  await page.goto(`${server.url}/${hash}`);
  await checkPage(page, name);
}

try {
  const admin = server.logins.admin;
  const api = await apiClient(server, admin.username, admin.password);
  const trainerApi = await apiClient(server, server.logins.trainer.username, server.logins.trainer.password);
  const trainings = await api('GET', '/api/v1/trainings');
  const packaging = trainings.find((t) => t.title.startsWith('Desain Kemasan'));
  const history = trainings.find((t) => t.title.startsWith('Pemasaran Digital'));
  const session = (await api('GET', `/api/v1/trainings/${packaging.id}`)).sessions[0];
  const later = (await api('GET', `/api/v1/trainings/${packaging.id}`)).sessions[1];

  // The administrator's pages (before anything is live: the home page shows the late session).
  const adminContext = await browser.newContext(phone);
  const adminPage = await signIn(adminContext, admin.username, admin.password);
  await checkPage(adminPage, 'admin-home');
  for (const [hash, name] of [
    ['#/admin', 'admin-trainings'],
    [`#/training/${packaging.id}`, 'admin-training'],
    ['#/users', 'admin-users'],
    ['#/restrictions', 'admin-restrictions'],
    ['#/funding', 'admin-funding'],
    ['#/audit', 'admin-audit'],
    ['#/outbox', 'admin-outbox'],
    [`#/reports/${history.id}`, 'admin-reports'],
    [`#/quizzes/${history.id}`, 'admin-quizzes'],
  ])
    await visit(adminPage, hash, name);
  // Pembatasan opens on a region that has restrictions (Palangka Raya's 2020 PSBB), not the first.
  await adminPage.goto(`${server.url}/#/restrictions`);
  await adminPage.waitForSelector('#restriction-history tr');
  assert((await adminPage.inputValue('#restrictions select[name=region]')) === '62.71', 'Pembatasan opens on 62.71');
  // Pesan keluar says how to configure a channel that is not.
  await adminPage.goto(`${server.url}/#/outbox`);
  await adminPage.waitForSelector('#outbox-summary .channel-hint');
  assert(
    (await adminPage.textContent('#outbox-summary tr[data-channel="email"] .channel-hint')).includes('--smtp-url'),
    'the e-mail channel names its settings',
  );
  // Reports: axes named; a session not held yet is not counted (the note says so).
  await adminPage.goto(`${server.url}/#/reports/${packaging.id}`);
  await adminPage.waitForSelector('#chart-attendance .uplot');
  const chartText = await adminPage.textContent('#chart-attendance');
  const axes = await adminPage.getAttribute('#chart-attendance', 'aria-label');
  assert(axes === 'Sesi ke- / Jumlah peserta', `axes named: ${axes}`);
  assert(chartText.includes('belum diadakan tidak dihitung'), 'sessions not held are not absences');

  // The trainer: home (the demo session is 30 minutes late), start confirmed, the dashboard.
  const trainerContext = await browser.newContext(phone);
  const trainer = await signIn(trainerContext, server.logins.trainer.username, server.logins.trainer.password);
  await checkPage(trainer, 'trainer-home');
  // Their training's page: the sessions' content, not the schedule or the training's settings.
  await trainer.click(`[data-training="${packaging.id}"] a.training-link`);
  await checkPage(trainer, 'trainer-training');
  assert(await trainer.isVisible('#trainer-scope'), 'the trainer is told what they may change');
  assert((await trainer.locator('.session-form, .settings-form').count()) === 0, 'no schedule or settings forms');
  const editor = `li[data-session="${session.id}"] details.session-edit`;
  await trainer.click(`${editor} summary`);
  await trainer.waitForSelector(`${editor} .session-edit-form`);
  assert((await trainer.locator(`${editor} [name=starts_at]`).count()) === 0, 'no schedule fields for a trainer');
  await trainer.goto(`${server.url}/#/`);
  await trainer.waitForSelector(`[data-session="${session.id}"] .status`);
  const row = `[data-session="${session.id}"]`;
  assert(
    (await trainer.textContent(`${row} .status`)) === 'terlambat, belum dimulai',
    'a session past its start that nobody started reads late',
  );
  // Starting a session a week ahead warns first; declining leaves it scheduled.
  let asked = '';
  trainer.once('dialog', (d) => {
    asked = d.message();
    d.dismiss();
  });
  await trainer.click(`[data-session="${later.id}"] button.start`);
  assert(asked.includes('belum waktunya'), `starting early warns: ${asked}`);
  assert((await trainerApi('GET', `/api/v1/sessions/${later.id}`)).delivery.status === 'scheduled', 'declined');
  trainer.once('dialog', (d) => {
    asked = d.message();
    d.accept();
  });
  await trainer.click(`${row} button.start`);
  assert(asked.includes('Mulai sesi sekarang'), `starting asks first: ${asked}`);
  await trainer.waitForSelector('#conn[data-state="online"]');
  await checkPage(trainer, 'trainer-dashboard');
  for (const [hash, name] of [
    [`#/deck/${session.id}`, 'trainer-deck'],
    [`#/quizzes/${packaging.id}`, 'trainer-quizzes'],
    [`#/reports/${packaging.id}`, 'trainer-reports'],
  ])
    await visit(trainer, hash, name);
  await trainer.goto(`${server.url}/#/dashboard/${session.id}`);
  await trainer.waitForSelector('#conn[data-state="online"]');
  await trainer.click('#mic');
  await trainer.waitForSelector('#speaker:not(:empty)');

  // A trainee's first visit of the live page, signing in on the way, then a revisit.
  const traineeContext = await browser.newContext(phone);
  const trainee = track(await traineeContext.newPage());
  watchConsole(trainee, errors);
  const meter = await wireMeter(traineeContext, trainee);
  await trainee.goto(`${server.url}/#/live/${session.id}`);
  await trainee.fill('input[name=username]', 'peserta01');
  await trainee.fill('input[name=password]', 'peserta-daring');
  await trainee.click('#login button[type=submit]');
  await trainee.waitForSelector('#conn[data-state="online"]');
  await trainee.waitForSelector('#audio:not([hidden])');
  await trainee.waitForTimeout(1500);
  const first = meter.bytes + meter.ws;
  console.log(
    `live page, first visit: ${meter.bytes} bytes of HTTP + ${meter.ws} of WebSocket frames: ${meter.list()}`,
  );
  assert(first <= FIRST_VISIT_BUDGET, `the first visit costs ${first} bytes (budget ${FIRST_VISIT_BUDGET})`);
  await checkPage(trainee, 'trainee-live');
  await trainee.goto('about:blank');
  meter.reset();
  await trainee.goto(`${server.url}/#/live/${session.id}`);
  await trainee.waitForSelector('#conn[data-state="online"]');
  await trainee.waitForTimeout(1000);
  const fetched = meter.staticFetched();
  const staticBytes = fetched.reduce((sum, r) => sum + r.bytes, 0);
  console.log(
    `live page, revisit: ${fetched.map((r) => `${r.url} ${r.bytes}`).join(', ')}; all HTTP ${meter.bytes} bytes, WebSocket ${meter.ws}`,
  );
  assert(
    fetched.every((r) => r.url === '/' || r.url.startsWith('/#')),
    `a revisit asks only for the shell: ${fetched.map((r) => r.url).join(', ')}`,
  );
  assert(staticBytes <= REVISIT_STATIC_BUDGET, `a revisit costs ${staticBytes} bytes of static files`);

  // Live links that cannot work say why; a session that does not exist, one the trainee is not
  // enrolled in.
  await trainee.goto(`${server.url}/#/live/987654`);
  await trainee.waitForSelector('#ended[data-state="not_found"]');
  assert((await trainee.textContent('#ended')).includes('Sesi tidak ditemukan'), 'unknown session explained');
  assert(await trainee.isVisible('#to-home'), 'the way home is offered');
  const outsider = (await api('GET', '/api/v1/users?q=peserta15'))[0];
  await api('DELETE', `/api/v1/trainings/${packaging.id}/enrollments/${outsider.id}`);
  const outsiderContext = await browser.newContext(phone);
  const outsiderPage = await signIn(outsiderContext, 'peserta15', 'peserta-daring');
  await outsiderPage.goto(`${server.url}/#/live/${session.id}`);
  await outsiderPage.waitForSelector('#ended[data-state="not_enrolled"]');
  assert(
    (await outsiderPage.textContent('#ended')).includes('Anda tidak terdaftar di pelatihan ini'),
    'not enrolled explained',
  );
  assert(await outsiderPage.isHidden('.live-body'), 'no empty live view behind it');
  await checkPage(outsiderPage, 'trainee-not-enrolled');

  // The end, confirmed on the dashboard, closes everything on both pages.
  await trainee.goto(`${server.url}/#/live/${session.id}`);
  await trainee.waitForSelector('#conn[data-state="online"]');
  await trainee.click('#listen');
  await trainee.waitForSelector('#stop-listening:not([hidden])');
  // Reactions: a tap on the phone shows on the trainer's page; the signal stands out there only.
  await trainee.click('#reactions button.reaction[data-kind="like"]');
  await trainee.click('#reactions button.signal[data-kind="too_fast"]');
  await trainer.waitForSelector('#signals .signal-alert[data-kind="too_fast"]');
  assert((await trainer.textContent('#signals')).includes('Terlalu cepat: 1'), 'the signal is counted');
  await trainer.waitForSelector('#reaction-feed[data-kinds~="like"]', { state: 'attached' });
  await trainee.waitForSelector('#reaction-feed[data-kinds~="like"]', { state: 'attached' });
  assert(
    !(await trainee.getAttribute('#reaction-feed', 'data-kinds')).includes('too_fast'),
    'signals stay with the trainer',
  );
  trainer.once('dialog', (d) => {
    asked = d.message();
    d.accept();
  });
  await trainer.click('#end');
  assert(asked.includes('Akhiri sesi untuk semua peserta'), `ending asks first: ${asked}`);
  await trainer.waitForSelector('#ended-note');
  assert((await trainer.locator('#mic, #next, #end, #launch-quiz').count()) === 0, 'no live control left');
  assert(!(await trainer.textContent('#view')).includes('Anda sedang berbicara'), 'the trainer no longer "speaks"');
  assert(await trainer.isVisible('#open-report'), 'the report is offered');
  await trainee.waitForSelector('#ended[data-state="ended"]');
  assert((await trainee.textContent('#ended')).includes('Sesi sudah selesai'), 'the trainee is told');
  assert(await trainee.isDisabled('#hand'), 'the hand is down for good');
  assert(await trainee.isDisabled('.chat-form input'), 'chat is closed');
  assert(await trainee.isDisabled('#reactions button.reaction >> nth=0'), 'reactions are closed');
  assert(await trainee.isHidden('#audio'), 'the audio card is gone');
  assert(
    await trainee.evaluate(() => !window.__daringAudio.player || window.__daringAudio.player.context === null),
    'playback stopped',
  );
  await trainee.waitForSelector('#watch-replay', { timeout: 30000 });
  await checkPage(trainee, 'trainee-ended');
  await trainer.waitForSelector('#replay-link, #recording a.button', { timeout: 30000 });
  await checkPage(trainer, 'trainer-ended');
  await trainer.click('#open-participation');
  await trainer.waitForSelector('#participation tbody tr');
  await trainer.waitForSelector('#chart-activity canvas, #chart-activity p');
  await checkPage(trainer, 'trainer-participation');
  // A dead link to the ended session, opened fresh.
  await outsiderContext.close();
  await trainee.goto('about:blank');
  await trainee.goto(`${server.url}/#/live/${session.id}`);
  await trainee.waitForSelector('#ended[data-state="ended"]');
  await trainee.click('#watch-replay');
  await trainee.waitForSelector('#replay-duration');
  assert(/: \d+:\d\d$/.test(await trainee.textContent('#replay-duration')), 'the duration reads m:ss');
  await trainee.click('button.speed[data-speed="1.5"]');
  assert(
    (await trainee.getAttribute('button.speed[data-speed="1.5"]', 'aria-pressed')) === 'true' &&
      (await trainee.getAttribute('button.speed[data-speed="1"]', 'aria-pressed')) === 'false',
    'the chosen speed is marked',
  );
  await checkPage(trainee, 'trainee-replay');
  await visit(trainee, '#/', 'trainee-home');
  await visit(adminPage, `#/replay/${session.id}`, 'admin-replay');

  assert(problems.length === 0, `${problems.length} problems:\n${problems.join('\n')}`);
  // Chromium logs the deliberately refused upgrades (and the GET that asks why) of the dead links;
  // nothing else may be logged.
  const deliberate = /Unexpected response code: (404|403|409)|status of (404|403|409)/;
  const unexpected = errors.filter((e) => !deliberate.test(e));
  assert(unexpected.length === 0, 'no console errors: ' + unexpected.join('\n'));
  console.log('e2e phone: ok');
} finally {
  await browser.close();
  await server.stop();
}
