// Taking part in Chromium against the demo server: a trainee on a 360 px phone asks (hidden from
// other trainees), another upvotes, the trainer answers it live; the trainer opens a poll, a
// trainee's box opens by itself and the choice goes in, the trainer's tally moves and the
// published results reach the trainees; a reaction shows on the trainer's page; after the end the
// participation page shows each trainee's level in a sortable table and the activity chart.
// Screenshots go to build/e2e-artifacts; no page may log a console error or miss a text.
import { startDemo, launchBrowser, assert, artifacts, signInPage, apiClient } from './harness.mjs';
import path from 'node:path';

const binary = process.argv[2];
const server = await startDemo(binary, { deck: false });
const browser = await launchBrowser();
const errors = [];
const phone = { viewport: { width: 360, height: 740 } };
const signIn = (context, username, password) => signInPage(server, errors, context, username, password);

// Texts a page asked for that its language lacks (shown as keys).
async function noMissingTexts(page, name) {
  const missing = await page.evaluate(() => [...(globalThis.__daringMissingTexts || [])]);
  assert(missing.length === 0, `${name}: texts missing: ${missing.join(', ')}`);
}

try {
  const admin = server.logins.admin;
  const api = await apiClient(server, admin.username, admin.password);
  const packaging = (await api('GET', '/api/v1/trainings')).find((t) => t.title.startsWith('Desain Kemasan'));
  const session = (await api('GET', `/api/v1/trainings/${packaging.id}`)).sessions[0];
  const trainerApi = await apiClient(server, server.logins.trainer.username, server.logins.trainer.password);
  const started = await trainerApi('POST', `/api/v1/sessions/${session.id}/start`, {});
  assert(started.delivery?.status === 'live', `the session went live: ${JSON.stringify(started).slice(0, 200)}`);

  const trainerContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const trainer = await signIn(trainerContext, server.logins.trainer.username, server.logins.trainer.password);
  await trainer.goto(`${server.url}/#/dashboard/${session.id}`);
  await trainer.waitForSelector('#conn[data-state="online"]');
  await trainer.waitForSelector('#taking-part #questions');

  const trainees = [];
  for (const name of ['peserta01', 'peserta02']) {
    const page = await signIn(await browser.newContext(phone), name, 'peserta-daring');
    await page.goto(`${server.url}/#/live/${session.id}`);
    await page.waitForSelector('#conn[data-state="online"]');
    assert(!(await page.$('#taking-part')), 'the questions box loads only when needed');
    trainees.push(page);
  }
  const [ani, budi] = trainees;

  // 1. Ani asks, hiding her name from other trainees.
  await ani.click('#live-questions summary');
  await ani.waitForSelector('#ask-form');
  await ani.fill('#ask-form textarea[name=question]', 'Berapa ukuran kemasan yang ideal?');
  await ani.check('#ask-form input[name=anonymous]');
  await ani.click('#ask-form button[type=submit]');
  await ani.waitForSelector('#ask-form .answer-status.sent');
  await trainer.waitForSelector('#questions li.question-item');
  const staffLine = await trainer.textContent('#questions li.question-item');
  assert(staffLine.includes('Berapa ukuran kemasan'), `the trainer sees the question: ${staffLine}`);
  assert(staffLine.includes('(Anonim)') && !staffLine.startsWith('Anonim'), `the trainer sees who asked: ${staffLine}`);

  // 2. Budi sees it without her name and upvotes it; the trainer's count moves.
  await budi.click('#live-questions summary');
  await budi.waitForSelector('#questions li.question-item');
  const traineeLine = await budi.textContent('#questions li.question-item');
  assert(traineeLine.includes('Anonim'), `anonymous to other trainees: ${traineeLine}`);
  await budi.click('#questions li.question-item button.vote');
  await budi.waitForSelector('#questions li.question-item button.vote[aria-pressed="true"]');
  await trainer.waitForSelector('#questions li.question-item .votes[data-votes="1"]');

  // 3. The trainer answers it live: both trainees see it answered.
  await trainer.click('#questions li.question-item button.answer-live');
  for (const page of trainees) await page.waitForSelector('#questions li.question-item.answered .answered-badge');
  await ani.screenshot({ path: path.join(artifacts, 'taking-part-trainee-questions.png'), fullPage: true });
  for (const page of trainees) {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(wide <= 0, `the questions box fits a 360 px phone (${wide} px too wide)`);
  }

  // 4. A poll: the trainees' boxes show it, Budi's choice counts, the results are published.
  await trainer.fill('input[name=poll-question]', 'Bahan kemasan yang Anda pakai?');
  await trainer.fill('textarea[name=poll-options]', 'Kertas\nPlastik\nKaca');
  await trainer.click('#open-poll');
  await budi.waitForSelector('#poll input[type=radio]');
  await budi.check('#poll label:nth-of-type(2) input');
  await budi.click('#poll-send');
  await budi.waitForSelector('#poll .answer-status.sent');
  await trainer.waitForFunction(
    () => [...document.querySelectorAll('#poll .bar-value')].map((b) => b.dataset.count).join(',') === '0,1,0',
  );
  await trainer.screenshot({ path: path.join(artifacts, 'taking-part-trainer.png'), fullPage: true });
  await trainer.click('#poll button.close-publish');
  for (const page of trainees)
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('#poll .poll-results .bar-value')].map((b) => b.dataset.count).join(',') ===
        '0,1,0',
    );

  // 5. A reaction reaches the trainer's page.
  await ani.click('#reactions button.reaction[data-kind="clap"]');
  await trainer.waitForFunction(() => (document.querySelector('#reaction-feed')?.dataset.kinds || '').includes('clap'));

  // 6. After the end: the participation page.
  for (const page of trainees) await noMissingTexts(page, 'trainee live page');
  await noMissingTexts(trainer, 'dashboard');
  await trainerApi('POST', `/api/v1/sessions/${session.id}/end`, {});
  await trainer.waitForSelector('#open-participation');
  await trainer.click('#open-participation');
  await trainer.waitForSelector('#participation tbody tr');
  await trainer.waitForSelector('#chart-activity canvas');
  const levels = await trainer.$$eval('#participation tbody tr', (rows) => rows.map((r) => r.dataset.level));
  assert(levels.includes('cukup'), `the trainees who took part are not passive: ${levels.join(',')}`);
  // Sorting by a column orders the rows by it.
  await trainer.click('#participation th[data-column="votes"] button');
  const votes = await trainer.$$eval('#participation tbody td[data-column="votes"]', (cells) =>
    cells.map((c) => Number(c.textContent)),
  );
  assert(votes[0] >= votes[votes.length - 1] && votes[0] === 1, `sorted by upvotes, most first: ${votes.join(',')}`);
  await noMissingTexts(trainer, 'participation page');
  await trainer.screenshot({ path: path.join(artifacts, 'taking-part-participation.png'), fullPage: true });
  assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  console.log('taking part e2e: ok');
} finally {
  await browser.close();
  await server.stop();
}
