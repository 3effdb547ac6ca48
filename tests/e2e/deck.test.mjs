// The trainer's own deck in Chromium against the demo server: the demo's live session presents
// its deck (converted from the .fodp at start); the trainer uploads a PDF on the deck page and
// watches its progress; presents page 3, points and draws; two trainees on 360 px phones see
// page 3 with the stroke, the next page already fetched ahead (in paced pieces) before the switch
// (Resource Timing); the data saver shows the page's text with a tap for the picture; the
// replay shows page and stroke. Screenshots go to build/e2e-artifacts.
import { startDemo, launchBrowser, assert, artifacts, signInPage, apiClient } from './harness.mjs';
import path from 'node:path';

// A small PDF: `pages` pages with a heading and a bar chart each (a correct xref table).
function makePdf(pages, title) {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '', '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  const kids = [];
  for (let n = 1; n <= pages; n++) {
    const pageObj = objects.length + 1;
    kids.push(`${pageObj} 0 R`);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 960 540] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageObj + 1} 0 R >>`,
    );
    let content = '';
    for (let i = 0; i < 8; i++)
      content += `0.${2 + i} 0.5 0.3 rg ${80 + i * 100} 60 60 ${40 + ((i * 37 + n * 53) % 300)} re f\n`;
    content += `BT /F1 44 Tf 0 0 0 rg 80 460 Td (${title} ${n}) Tj ET`;
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// Generous: the demo deck goes through LibreOffice at start while other browser tests share the
// two cores (a conversion of a few seconds alone took over a minute so).
const until = async (what, check, ms = 180000) => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

const binary = process.argv[2];
const server = await startDemo(binary);
const browser = await launchBrowser();
const errors = [];
const phone = { viewport: { width: 360, height: 740 } };
try {
  const admin = server.logins.admin;
  const api = await apiClient(server, admin.username, admin.password);
  const trainings = await api('GET', '/api/v1/trainings');
  const packaging = trainings.find((t) => t.title.startsWith('Desain Kemasan'));
  const session = (await api('GET', `/api/v1/trainings/${packaging.id}`)).sessions[0];
  // 1. The demo deck, converted through LibreOffice at start, is in the session's slides.
  const demoPages = await until('the demo deck', async () => {
    const s = await api('GET', `/api/v1/sessions/${session.id}`);
    const pages = s.slides.filter((sl) => sl.page);
    return pages.length >= 5 ? pages : null;
  });
  assert(demoPages[0].title === 'Desain Kemasan Produk UMKM', `the demo deck's first page: ${demoPages[0].title}`);

  // 2. The trainer uploads a PDF on the session's deck page and watches it convert.
  const trainerContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const trainer = await signInPage(
    server,
    errors,
    trainerContext,
    server.logins.trainer.username,
    server.logins.trainer.password,
  );
  await trainer.click(`li[data-session="${session.id}"] a.deck-link`);
  await trainer.waitForSelector('#deck-list li');
  const before = await trainer.locator('#deck-list li').count();
  await trainer.setInputFiles('#deck-file', {
    name: 'kemasan.pdf',
    mimeType: 'application/pdf',
    buffer: makePdf(4, 'Uji kemasan'),
  });
  await trainer.waitForFunction(
    () =>
      document.querySelector('#deck-status').textContent.includes('Mengonversi') ||
      document.querySelector('#deck-status').textContent.startsWith('Siap'),
  );
  await trainer.waitForFunction((n) => document.querySelectorAll('#deck-list li').length === n + 4, before, {
    timeout: 60000,
  });
  assert((await trainer.textContent('#deck-status')).startsWith('Siap'), 'the deck is ready');
  await trainer.waitForFunction(() =>
    [...document.querySelectorAll('#deck-list img')].every((i) => i.complete && i.naturalWidth > 0),
  );
  await trainer.screenshot({ path: path.join(artifacts, 'deck-editor.png'), fullPage: true });
  // The uploaded deck's third page: its index in the session's slides.
  const slides = (await api('GET', `/api/v1/sessions/${session.id}`)).slides;
  const page3 = slides.findIndex((s) => s.title === 'Uji kemasan 3');
  assert(page3 > 0, 'page 3 of the upload is a slide');

  // 3. The session starts; two trainees join on phones; the trainer presents page 2, then 3.
  await api('POST', `/api/v1/sessions/${session.id}/start`, {});
  await trainer.goto(`${server.url}/#/dashboard/${session.id}`);
  await trainer.waitForSelector('#conn[data-state="online"]');
  const trainees = [];
  for (const username of ['peserta01', 'peserta02']) {
    const context = await browser.newContext(phone);
    const page = await signInPage(server, errors, context, username, server.logins.trainee.password);
    await page.goto(`${server.url}/#/live/${session.id}`);
    await page.waitForSelector('#conn[data-state="online"]');
    trainees.push(page);
  }
  // Steps with the dashboard's own buttons to slide `index`.
  const show = async (index) => {
    for (;;) {
      const shown = await trainer.evaluate(
        () => Number(document.querySelector('#slide .slide-no').textContent.split(' ')[1].split('/')[0]) - 1,
      );
      if (shown === index) break;
      await trainer.click(shown < index ? '#next' : '#prev');
      await trainer.waitForFunction(
        (s) => Number(document.querySelector('#slide .slide-no').textContent.split(' ')[1].split('/')[0]) - 1 !== s,
        shown,
      );
    }
  };
  await show(page3 - 1);
  for (const p of trainees) await p.waitForSelector('#slide img.page-img');
  // Before the switch, the next page's picture is already fetched ahead (in paced pieces).
  const nextSmall = slides[page3].page.small;
  await until('the next page fetched ahead', () =>
    trainees[0].evaluate((url) => window.__daringAhead?.has(url), nextSmall),
  );
  const entries = (url) =>
    trainees[0].evaluate((u) => performance.getEntriesByType('resource').filter((e) => e.name.endsWith(u)).length, url);
  const requested = await entries(nextSmall);
  assert(requested >= 2, `fetched ahead in pieces (${requested} requests)`);
  await show(page3);
  for (const p of trainees) {
    await p.waitForFunction(() => document.querySelector('#slide img.page-img')?.complete);
  }
  // The switch needed no download: the picture came from what was fetched ahead.
  assert(
    (await trainees[0].evaluate(() => document.querySelector('#slide img.page-img').currentSrc)).startsWith('blob:'),
    'page 3 is shown from the picture fetched ahead',
  );
  assert((await entries(nextSmall)) === requested, 'no request for page 3 after the switch');

  // 4. The trainer points and draws; both trainees see the stroke over page 3.
  const frame = await trainer.locator('#slide .page-frame').boundingBox();
  await trainer.click('#pointer-mode');
  await trainer.mouse.move(frame.x + frame.width * 0.5, frame.y + frame.height * 0.5);
  await trainer.mouse.move(frame.x + frame.width * 0.6, frame.y + frame.height * 0.4, { steps: 5 });
  await trainees[0].waitForSelector('#slide .page-pointer:not([hidden])');
  await trainer.click('#pen-mode');
  await trainer.mouse.move(frame.x + frame.width * 0.2, frame.y + frame.height * 0.7);
  await trainer.mouse.down();
  await trainer.mouse.move(frame.x + frame.width * 0.5, frame.y + frame.height * 0.8, { steps: 10 });
  await trainer.mouse.move(frame.x + frame.width * 0.8, frame.y + frame.height * 0.6, { steps: 10 });
  await trainer.mouse.up();
  for (const p of trainees) await p.waitForSelector('#slide svg.page-ink polyline');
  await trainees[0].screenshot({ path: path.join(artifacts, 'deck-trainee-360.png'), fullPage: true });
  await trainer.screenshot({ path: path.join(artifacts, 'deck-dashboard.png'), fullPage: true });

  // 5. Data saver: the page's text and a tap for the picture.
  await trainees[1].check('#data-saver');
  await trainees[1].waitForSelector('#slide .page-text:not([hidden])');
  assert((await trainees[1].textContent('#slide .page-text')).includes('Uji kemasan 3'), "the page's text is shown");
  assert(await trainees[1].isVisible('#slide .page-load'), 'a tap loads the picture');
  await trainees[1].click('#slide .page-load');
  await trainees[1].waitForSelector('#slide img.page-img[src]');

  // 6. The replay shows the page and the stroke.
  await api('POST', `/api/v1/sessions/${session.id}/end`, {});
  await until(
    'the recording',
    async () => (await api('GET', `/api/v1/sessions/${session.id}/recording`)).status === 'ready',
  );
  const replay = trainees[0];
  await replay.goto(`${server.url}/#/replay/${session.id}`);
  await replay.waitForSelector('#replay-seek');
  const rec = await api('GET', `/api/v1/sessions/${session.id}/recording`);
  const inkAt = rec.events.find((e) => e.type === 'ink').at_ms;
  // No audio in this session: the timeline's slider moves to just after the stroke.
  await replay.evaluate((ms) => {
    const seek = document.querySelector('#replay-seek');
    seek.max = String(Math.max(Number(seek.max), ms + 100));
    seek.value = String(ms + 100);
    seek.dispatchEvent(new Event('input'));
  }, inkAt);
  await replay.waitForSelector('#slide img.page-img');
  await replay.waitForSelector('#slide svg.page-ink polyline');
  await replay.screenshot({ path: path.join(artifacts, 'deck-replay-360.png'), fullPage: true });
  assert(errors.length === 0, `console errors: ${errors.join('\n')}`);
  console.log('deck: ok');
} finally {
  await browser.close();
  await server.stop();
}
