// The trainer's voice in Chromium against the demo server: the trainer's fake microphone (a
// 400 Hz beep) is encoded with WebCodecs and sent; two trainee phones tap once to listen and
// decode it (WebCodecs), a third without AudioDecoder uses the WebAssembly fallback; the decoded
// signal's dominant frequency is the tone's. A trainee receives under 160 kB (1 kB = 1,000
// bytes) a minute of 16 kbit/s audio on the live socket (measured over 20 s), counted from the
// CDP's WebSocket frame events; the data saver stops audio bytes and switching it off brings them back; a dropped
// connection resumes audio by itself. After the session, the replay page plays the recording:
// the slide changes at its moment in the audio, speed, and the position resumes after a reload;
// what was played shows as seconds replayed in the training's reports. The trainer's dashboard
// shows "recording" while live, and afterwards the recording with a delete button that works.
// No page may log a console error.
import { startDemo, launchBrowser, watchConsole, assert, artifacts, signInPage, apiClient } from './harness.mjs';
import path from 'node:path';

const binary = process.argv[2];
const server = await startDemo(binary, { deck: false });
const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
const errors = [];
const phone = { viewport: { width: 360, height: 740 } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const signIn = (context, username, password) => signInPage(server, errors, context, username, password);
const apiAs = (username, password) => apiClient(server, username, password);
// Counts what the page's live socket receives, from Chromium's own frame events (CDP).
async function frameCounter(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const counter = { bytes: 0, binaryFrames: 0 };
  cdp.on('Network.webSocketFrameReceived', ({ response }) => {
    if (response.opcode === 2) {
      counter.binaryFrames++;
      counter.bytes += Buffer.from(response.payloadData, 'base64').length;
    } else if (response.opcode === 1) {
      counter.bytes += Buffer.byteLength(response.payloadData, 'utf8');
    }
  });
  return counter;
}

// The dominant frequency (Hz) of the last second the page decoded, over its loudest 4096
// samples (the fake microphone beeps), by a Goertzel scan from 100 to 2000 Hz.
function dominantFrequency(page) {
  return page.evaluate(() => {
    const all = window.__daringAudio.player.recentSamples();
    const n = 4096;
    let best = 0;
    let bestEnergy = -1;
    for (let at = 0; at + n <= all.length; at += 512) {
      let e = 0;
      for (let i = at; i < at + n; i++) e += all[i] * all[i];
      if (e > bestEnergy) {
        bestEnergy = e;
        best = at;
      }
    }
    const x = all.subarray(best, best + n);
    let peak = 0;
    let peakPower = -1;
    for (let f = 100; f <= 2000; f += 2) {
      const w = (2 * Math.PI * f) / 48000;
      const c = 2 * Math.cos(w);
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const s0 = x[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      const power = s1 * s1 + s2 * s2 - c * s1 * s2;
      if (power > peakPower) {
        peakPower = power;
        peak = f;
      }
    }
    return { hz: peak, rms: Math.sqrt(bestEnergy / n) };
  });
}

const stats = (page) => page.evaluate(() => ({ ...window.__daringAudio.player.stats }));

try {
  const admin = server.logins.admin;
  const api = await apiAs(admin.username, admin.password);
  const trainings = await api('GET', '/api/v1/trainings');
  const packaging = trainings.find((t) => t.title.startsWith('Desain Kemasan'));
  const session = (await api('GET', `/api/v1/trainings/${packaging.id}`)).sessions[0];
  const trainerApi = await apiAs(server.logins.trainer.username, server.logins.trainer.password);
  const started = await trainerApi('POST', `/api/v1/sessions/${session.id}/start`, {});
  assert(started.delivery?.status === 'live', `the session went live: ${JSON.stringify(started).slice(0, 200)}`);

  // The trainer's dashboard, microphone on at 16 kbit/s.
  const trainerContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const trainer = await signIn(trainerContext, server.logins.trainer.username, server.logins.trainer.password);
  await trainer.goto(`${server.url}/#/dashboard/${session.id}`);
  await trainer.waitForSelector('#conn[data-state="online"]');
  await trainer.waitForSelector('#recording-indicator');
  assert((await trainer.inputValue('#bitrate')) === '16000', 'the default bitrate is 16 kbit/s');

  // Trainees: two with WebCodecs, one whose browser lacks AudioDecoder.
  const listeners = [];
  for (const [name, wasm] of [
    ['peserta01', false],
    ['peserta03', false],
    ['peserta05', true],
  ]) {
    const context = await browser.newContext(phone);
    if (wasm)
      await context.addInitScript(() => {
        delete window.AudioDecoder;
      });
    const page = await signIn(context, name, 'peserta-daring');
    const frames = await frameCounter(context, page);
    await page.goto(`${server.url}/#/live/${session.id}`);
    await page.waitForSelector('#conn[data-state="online"]').catch(async (e) => {
      throw new Error(`${name}'s live page: ${await page.textContent('#view')} ${errors.join('\n')} ${e.message}`);
    });
    assert(await page.isHidden('#audio'), 'no audio controls while audio is off');
    listeners.push({ name, wasm, context, page, frames });
  }

  await trainer.click('#mic');
  await trainer.waitForFunction(() => window.__daringAudio?.sender?.stats.packets > 0);
  assert((await trainer.textContent('#speaker')).length > 0, 'the trainer sees who speaks');
  const audioStart = Date.now();
  const startBytes = [];
  // Pages that have not tapped listen are connected with ?audio=off: no audio byte reaches them.
  for (const l of listeners) await l.page.waitForSelector('#audio:not([hidden])');
  const silentFrom = listeners.map((l) => l.frames.binaryFrames);
  await sleep(2000);
  listeners.forEach((l, i) =>
    assert(
      l.frames.binaryFrames === silentFrom[i],
      `${l.name} got ${l.frames.binaryFrames - silentFrom[i]} audio frames before tapping listen`,
    ),
  );
  for (const l of listeners) {
    startBytes.push(l.frames.bytes);
    assert(
      (await l.page.textContent('#recorded-notice')).includes('direkam'),
      'the recording notice is shown in Bahasa Indonesia',
    );
    await l.page.click('#listen'); // the one tap
  }
  // The three phones decode side by side: two seconds each, then one more for the analysis.
  await Promise.all(
    listeners.map((l) =>
      l.page.waitForFunction(() => window.__daringAudio.player?.stats.samples > 48000 * 2, null, {
        timeout: 20000,
      }),
    ),
  );
  for (const l of listeners) {
    const s = await stats(l.page);
    assert(s.decoder === (l.wasm ? 'wasm' : 'webcodecs'), `${l.name} decodes with ${s.decoder}`);
  }
  await sleep(1000);
  for (const l of listeners) {
    const f = await dominantFrequency(l.page);
    console.log(`${l.name} (${l.wasm ? 'wasm' : 'webcodecs'}): dominant ${f.hz} Hz, rms ${f.rms.toFixed(4)}`);
    assert(f.rms > 0.005, `${l.name} hears something (rms ${f.rms})`);
    assert(Math.abs(f.hz - 400) <= 20, `${l.name} hears the 400 Hz tone, not ${f.hz} Hz`);
  }
  await listeners[0].page.screenshot({ path: path.join(artifacts, 'audio-trainee.png') });
  await trainer.screenshot({ path: path.join(artifacts, 'audio-trainer.png') });

  // "Stop listening" on the second phone: no audio bytes until listen is tapped again.
  const quiet = listeners[1];
  // Silence: not one frame in 1.5 s (the speaker sends about 20 a second), after 300 ms for
  // frames already on the way.
  const silence = async (what) => {
    await sleep(300);
    const before = quiet.frames.binaryFrames;
    await sleep(1500);
    assert(quiet.frames.binaryFrames === before, `no audio ${what} (${quiet.frames.binaryFrames - before} frames)`);
  };
  const flows = async (what) => {
    const from = quiet.frames.binaryFrames;
    const end = Date.now() + 5000;
    while (quiet.frames.binaryFrames <= from + 10 && Date.now() < end) await sleep(100);
    assert(quiet.frames.binaryFrames > from + 10, `audio flows again ${what}`);
  };
  await quiet.page.click('#stop-listening');
  await quiet.page.waitForSelector('#listen:not([hidden])');
  await silence('after stop listening');
  await quiet.page.click('#listen');
  await flows('after listen');
  // The data saver stops listening too and keeps listen unavailable while on.
  await quiet.page.check('#data-saver');
  await quiet.page.waitForFunction(() => document.querySelector('#audio-status').textContent.includes('Hemat data'));
  assert(await quiet.page.isDisabled('#listen'), 'listen waits while the data saver is on');
  await silence('while saving data');
  await quiet.page.uncheck('#data-saver');
  await silence('after the data saver until listen is tapped');
  await quiet.page.click('#listen');
  await flows('after the data saver and a tap on listen');

  // A slide change during the audio, for the replay.
  await trainer.click('#next');
  await listeners[0].page.waitForFunction(() =>
    document.querySelector('.slide-no')?.textContent.startsWith('Materi 2'),
  );

  // 20 s of audio at 16 kbit/s, counted from the audio start on the first phone: the budget is
  // 160,000 bytes a minute (16 kbit/s is 120,000 of Opus, the rest framing and text).
  const windowMs = 20000;
  const waitLeft = windowMs - (Date.now() - audioStart);
  if (waitLeft > 0) await sleep(waitLeft);
  const received = listeners[0].frames.bytes - startBytes[0];
  const meter = await listeners[0].page.textContent('#data-meter');
  const budget = (160000 * windowMs) / 60000;
  console.log(`${windowMs / 1000} s of audio: ${received} bytes on the live socket; the page's meter says "${meter}"`);
  assert(received < budget, `a trainee received ${received} bytes in ${windowMs / 1000} s of audio (budget ${budget})`);
  assert(received > budget * 0.375, `a trainee received audio worth the name: ${received} bytes`);
  const sent = await trainer.evaluate(() => ({ ...window.__daringAudio.sender.stats }));
  console.log(`trainer sent ${sent.packets} packets, ${sent.bytes} bytes of Opus (${sent.skipped} skipped)`);

  // A dropped connection resumes audio by itself.
  const first = listeners[0];
  const before = (await stats(first.page)).records;
  await first.context.setOffline(true);
  await first.page.waitForSelector('#conn:not([data-state="online"])');
  await sleep(2000);
  await first.context.setOffline(false);
  await first.page.waitForSelector('#conn[data-state="online"]', { timeout: 30000 });
  await first.page.waitForFunction((n) => window.__daringAudio.player.stats.records > n + 25, before, {
    timeout: 15000,
  });

  await trainer.click('#mic'); // microphone off: audio stops for everyone
  await first.page.waitForSelector('#audio', { state: 'hidden' });

  // The replay, once the session ended and its recording is ready.
  await trainerApi('POST', `/api/v1/sessions/${session.id}/end`, {});
  const traineeApi = await apiAs('peserta01', 'peserta-daring');
  let rec = null;
  for (let i = 0; i < 50 && rec?.status !== 'ready'; i++) {
    rec = await traineeApi('GET', `/api/v1/sessions/${session.id}/recording`);
    if (rec.status !== 'ready') await sleep(200);
  }
  assert(
    rec.status === 'ready' && rec.audio,
    `the recording is ready with audio: ${JSON.stringify(rec).slice(0, 200)}`,
  );
  const change = rec.events.find((e) => e.type === 'slide' && e.index === 1);
  assert(change, 'the slide change is in the timeline');
  const replay = first.page;
  await replay.goto(`${server.url}/#/`);
  // The home page offers the replay and the offline file with its size.
  await replay.waitForSelector(`[data-session="${session.id}"] a.offline:not([hidden])`, { timeout: 15000 });
  const homeLabel = await replay.textContent(`[data-session="${session.id}"] a.offline`);
  assert(/± [0-9.,]+ (MB|kB)\)$/.test(homeLabel), `the home page shows the offline size: ${homeLabel}`);
  await replay.click(`[data-session="${session.id}"] a.replay`); // "Putar ulang" on the home page
  await replay.waitForSelector('#replay-audio');
  await replay.waitForFunction(() => document.querySelector('#replay-audio').readyState >= 1);
  const duration = await replay.evaluate(() => document.querySelector('#replay-audio').duration);
  console.log(`replay: ${duration.toFixed(2)} s of audio; the slide changed at ${change.at_ms} ms`);
  assert(
    Math.abs(duration * 1000 - rec.audio.duration_ms) < 500,
    `the audio lasts ${duration} s, the recording says ${rec.audio.duration_ms} ms`,
  );
  const seek = (ms) =>
    replay.evaluate((s) => {
      document.querySelector('#replay-audio').currentTime = s;
    }, ms / 1000);
  await seek(change.at_ms - 3000);
  await replay.waitForFunction(() => document.querySelector('#slide').dataset.index === '0');
  await seek(change.at_ms + 2000);
  await replay.waitForFunction(() => document.querySelector('#slide').dataset.index === '1');
  await replay.click('[data-speed="1.5"]');
  assert(
    (await replay.evaluate(() => document.querySelector('#replay-audio').playbackRate)) === 1.5,
    'the speed is 1.5x',
  );
  await seek(12300);
  await replay.evaluate(() => document.querySelector('#replay-audio').dispatchEvent(new Event('pause')));
  await replay.reload();
  await replay.waitForFunction(() => {
    const a = document.querySelector('#replay-audio');
    return a && a.readyState >= 1 && Math.abs(a.currentTime - 12.3) < 0.5;
  });
  await replay.screenshot({ path: path.join(artifacts, 'audio-replay.png') });

  // The offline file: its size shown before the download; saved, then opened from file://
  // with the network off, it plays and shows the slides.
  const label = await replay.textContent('#offline');
  assert(/± [0-9.,]+ (MB|kB)\)$/.test(label), `the offline size is shown: ${label}`);
  const download = replay.waitForEvent('download');
  await replay.click('#offline');
  const saved = path.join(artifacts, 'offline-recording.html');
  await (await download).saveAs(saved);
  const offlineContext = await browser.newContext({ ...phone, offline: true });
  const offlinePage = await offlineContext.newPage();
  watchConsole(offlinePage, errors);
  await offlinePage.goto('file://' + saved);
  await offlinePage.waitForFunction(
    (seconds) =>
      document.querySelector('#audio')?.readyState >= 1 && document.querySelector('#audio').duration > seconds,
    windowMs / 1000,
  );
  await offlinePage.evaluate(
    (s) => {
      document.querySelector('#audio').currentTime = s;
    },
    (change.at_ms + 2000) / 1000,
  );
  await offlinePage.waitForFunction(() => document.querySelector('#slide').dataset.index === '1');
  assert((await offlinePage.textContent('#slide h2')).length > 0, 'the offline page shows the slide');
  await offlineContext.close();

  // Replay progress: about ten seconds played at 2x reach the reports as seconds replayed.
  await replay.click('[data-speed="2"]'); // also the user gesture that lets the page play
  await seek(0);
  await replay.evaluate(() => document.querySelector('#replay-audio').play());
  await replay.waitForFunction(() => document.querySelector('#replay-audio').currentTime > 10, null, {
    timeout: 20000,
  });
  await replay.evaluate(() => document.querySelector('#replay-audio').pause());
  let replayed = 0;
  for (let i = 0; i < 50 && replayed < 8; i++) {
    const mine = await traineeApi('GET', `/api/v1/sessions/${session.id}/recording`);
    replayed = mine.mine.seconds_replayed;
    if (replayed < 8) await sleep(100);
  }
  assert(replayed >= 8 && replayed <= 14, `about ten seconds replayed: ${replayed}`);
  await trainer.goto(`${server.url}/#/reports/${packaging.id}`);
  await trainer.waitForSelector('#replay-table .seconds-replayed');
  const shown = await trainer.textContent('#replay-table .seconds-replayed'); // "0:10"
  const [mm, ss] = shown.split(':').map(Number);
  assert(mm * 60 + ss === replayed, `the report shows ${shown} replayed, the server counted ${replayed} seconds`);

  // The dashboard of the ended session: the recording and its delete button.
  await trainer.goto(`${server.url}/#/dashboard/${session.id}`);
  await trainer.waitForSelector('#delete-recording');
  trainer.once('dialog', (dialog) => dialog.accept());
  await trainer.click('#delete-recording');
  await trainer.waitForSelector('#recording-deleted');
  const gone = await traineeApi('GET', `/api/v1/sessions/${session.id}/recording`);
  assert(gone.error?.code === 'not_found', `the deleted recording is gone: ${JSON.stringify(gone)}`);
  assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  console.log('audio e2e: ok');
} finally {
  await browser.close();
  await server.stop();
}
