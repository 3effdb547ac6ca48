// Replaying a recorded session on a phone: the audio with seek and speed, the slide shown at
// each moment, chat and quiz results as they came; playback resumes where it stopped (kept in
// this browser, else where the server last heard of it). Progress goes to the server every
// 20 s while playing and at every play, pause and seek, so reports can show the seconds
// replayed. Loaded only when a replay is opened.
import { api } from '../api.js';
import { clear, clock, h, number, size } from '../dom.js';
import { errorText, t } from '../i18n.js';
import { pageView } from '../widgets/page_view.js';
import { renderSlide } from '../widgets/slide.js';

const SPEEDS = [1, 1.25, 1.5, 2];
const PROGRESS_EVERY_MS = 20000;

// The slide shown at `ms`: the last slide event at or before it, else the session's first.
function slideAt(events, slides, ms) {
  let shown = null;
  for (const e of events) {
    if (e.at_ms > ms) break;
    if (e.type === 'slide') shown = e;
  }
  if (shown) return shown;
  const first = slides[0];
  return first ? { index: 0, count: slides.length, title: first.title, body: first.body } : null;
}

// The pen and pointer on slide `index` at `ms`: the strokes drawn and not cleared, and the
// pointer's last place when it moved within the last three seconds.
function drawingAt(events, index, ms) {
  let strokes = [];
  let pointer = null;
  for (const e of events) {
    if (e.at_ms > ms) break;
    if (e.slide !== index) continue;
    if (e.type === 'ink') strokes.push(e.stroke);
    else if (e.type === 'ink_clear') strokes = [];
    else if (e.type === 'pointer') pointer = e;
  }
  if (pointer && ms - pointer.at_ms > 3000) pointer = null;
  return { strokes, pointer };
}

function eventLine(e) {
  const time = `${Math.floor(e.at_ms / 60000)}:${String(Math.floor(e.at_ms / 1000) % 60).padStart(2, '0')}`;
  if (e.type === 'chat' && e.hidden) {
    return h(
      'li',
      { dataset: { at: e.at_ms } },
      h('span', { class: 'muted' }, `${time} `),
      h('em', { class: 'muted' }, t('chat_hidden_line')),
    );
  }
  if (e.type === 'chat') {
    return h(
      'li',
      { dataset: { at: e.at_ms } },
      h('span', { class: 'muted' }, `${time} `),
      h('strong', null, e.from?.name || ''),
      ': ',
      e.deleted ? h('em', { class: 'muted' }, t('chat_deleted')) : e.text,
    );
  }
  if (e.type === 'question' && !e.question.hidden) {
    return h(
      'li',
      { class: 'replay-question', dataset: { at: e.at_ms } },
      h('span', { class: 'muted' }, `${time} `),
      h('strong', null, `${t('questions_title')}: `),
      e.question.text,
    );
  }
  if (e.type === 'quiz_closed') {
    return h(
      'li',
      { dataset: { at: e.at_ms } },
      h('span', { class: 'muted' }, `${time} `),
      `${t('quiz_closed_msg')}: ${e.answered} ${t('answered')}`,
    );
  }
  return null;
}

// Reports progress: the position and whether it plays; the answer's seconds replayed goes to
// `shown`. A seek first reports the position left (not playing), so the jump is never counted.
// Reports go one at a time, in the order they happened: the server counts what was played
// between two consecutive reports, so a later one must never overtake an earlier one.
function progressReporter(sessionId, player, shown) {
  let last = player.currentTime;
  let queue = Promise.resolve();
  const post = (body) =>
    api('POST', `/api/v1/sessions/${sessionId}/recording/progress`, body).then(
      (res) => {
        if (res.status === 200) shown.textContent = `${t('replayed_so_far')}: ${clock(res.data.seconds_replayed)}`;
      },
      () => {},
    );
  const send = (position, playing) => {
    const body = { position_ms: Math.round(position * 1000), playing };
    queue = queue.then(() => post(body));
    return queue;
  };
  const report = () => send(player.currentTime, !player.paused && !player.ended);
  player.addEventListener('timeupdate', () => {
    if (!player.seeking) last = player.currentTime;
  });
  player.addEventListener('seeking', () => send(last, false));
  player.addEventListener('seeked', () => {
    last = player.currentTime;
    report();
  });
  for (const name of ['play', 'pause', 'ended']) player.addEventListener(name, report);
  const timer = setInterval(() => {
    if (!player.paused) report();
  }, PROGRESS_EVERY_MS);
  return () => {
    clearInterval(timer);
    send(player.currentTime, false);
  };
}

// "Hide my chat lines in this recording": the server drops their text and name for everyone.
function chatPrivacy(sessionId, hidden) {
  const box = h('input', { type: 'checkbox', id: 'hide-my-chat', checked: hidden });
  const note = h('span', { class: 'muted', role: 'status' });
  box.addEventListener('change', async () => {
    const res = await api('PUT', `/api/v1/sessions/${sessionId}/recording/my-chat`, { hidden: box.checked });
    note.textContent = res.status === 200 ? t(box.checked ? 'my_chat_hidden' : 'my_chat_shown') : errorText(res.error);
  });
  return h('p', null, h('label', null, box, ' ', t('hide_my_chat')), ' ', note);
}

export async function render(view, args) {
  const sessionId = Number(args[0]);
  const [rec, info] = await Promise.all([
    api('GET', `/api/v1/sessions/${sessionId}/recording`),
    api('GET', `/api/v1/sessions/${sessionId}`),
  ]);
  const back = h('a', { href: '#/' }, t('back'));
  if (rec.status !== 200) {
    clear(view, back, h('p', { class: 'error', id: 'replay-missing' }, t('no_recording')));
    return null;
  }
  const r = rec.data;
  const slides = info.data?.slides || [];
  const title = info.data?.title || '';
  if (r.status !== 'ready') {
    clear(view, back, h('h2', null, title), h('p', { class: 'muted', id: 'replay-pending' }, t('recording_pending')));
    return null;
  }
  const events = r.events || [];
  const slide = h('section', { class: 'card slide', id: 'slide' });
  const lines = h('ul', { class: 'chat-list', id: 'replay-events' });
  const items = events.map((e) => ({ e, el: eventLine(e) })).filter((x) => x.el);
  const key = `daring.replay.${sessionId}`;
  let shownIndex = null;
  let inkShown = -1;
  const pageBox = pageView();
  const draw = (ms) => {
    const s = slideAt(events, slides, ms);
    const index = s ? s.index : null;
    if (index !== shownIndex) {
      shownIndex = index;
      inkShown = -1;
      renderSlide(slide, s && { ...s, ink: [] }, pageBox);
      slide.dataset.index = index ?? '';
    }
    if (s?.page) {
      const { strokes, pointer } = drawingAt(events, index, ms);
      if (strokes.length !== inkShown) {
        pageBox.clearInk();
        for (const st of strokes) pageBox.ink(st);
        inkShown = strokes.length;
      }
      pageBox.pointer(pointer || { visible: false });
    }
    clear(
      lines,
      items.filter((x) => x.e.at_ms <= ms).map((x) => x.el),
    );
  };
  const player = r.audio
    ? h('audio', { id: 'replay-audio', controls: true, preload: 'metadata', src: r.audio.url })
    : null;
  const speeds = h(
    'div',
    { class: 'actions speeds' },
    SPEEDS.map((v) =>
      h(
        'button',
        {
          type: 'button',
          class: v === 1 ? 'speed chosen' : 'speed',
          'aria-pressed': String(v === 1),
          dataset: { speed: v },
          onclick: (event) => {
            if (player) player.playbackRate = v;
            for (const b of speeds.children) {
              b.classList.toggle('chosen', b === event.currentTarget);
              b.setAttribute('aria-pressed', String(b === event.currentTarget));
            }
          },
        },
        `${number(v, 2)}×`,
      ),
    ),
  );
  let saver = null;
  let stopReports = null;
  const replayed = h(
    'p',
    { class: 'muted', id: 'replayed' },
    `${t('replayed_so_far')}: ${clock(r.mine?.seconds_replayed || 0)}`,
  );
  if (player) {
    const now = () => player.currentTime * 1000;
    player.addEventListener('timeupdate', () => draw(now()));
    player.addEventListener('seeked', () => draw(now()));
    player.addEventListener('loadedmetadata', () => {
      const saved = Number(localStorage.getItem(key) || 0) || (r.mine?.position_ms || 0) / 1000;
      if (saved > 0 && saved < player.duration) player.currentTime = saved;
    });
    const save = () => localStorage.setItem(key, String(player.currentTime));
    player.addEventListener('pause', save);
    saver = setInterval(save, 5000);
    stopReports = progressReporter(sessionId, player, replayed);
  }
  // Without audio, a slider walks the timeline.
  const seek = player
    ? null
    : h('input', {
        type: 'range',
        id: 'replay-seek',
        min: 0,
        max: Math.max(0, r.duration_ms),
        step: 100,
        value: 0,
        'aria-label': t('duration_label'),
        oninput: (e) => draw(Number(e.target.value)),
      });
  draw(0);
  // The offline file's size before the download: the audio in base64 (4/3), the slides, the player.
  const slideBytes = slides.reduce((n, s) => n + (s.title?.length || 0) + (s.body?.length || 0), 0);
  const offlineBytes = (r.audio ? (r.audio.bytes * 4) / 3 : 0) + slideBytes + 20000;
  const offline = h(
    'a',
    { class: 'button', id: 'offline', href: r.offline_url, download: `rekaman-sesi-${sessionId}.html` },
    `${t('save_offline')} (± ${size(offlineBytes)})`,
  );
  clear(
    view,
    back,
    h('h2', null, `${t('replay')}: ${title}`),
    offline,
    player ?? [h('p', { class: 'muted' }, t('no_audio')), seek],
    player ? speeds : null,
    h('p', { class: 'muted', id: 'replay-duration' }, `${t('duration_label')}: ${clock(r.duration_ms / 1000)}`),
    replayed,
    slide,
    h('section', { class: 'card chat' }, h('h3', null, t('chat')), lines),
    chatPrivacy(sessionId, Boolean(r.mine?.chat_hidden)),
  );
  return () => {
    clearInterval(saver);
    if (player) {
      localStorage.setItem(key, String(player.currentTime));
      player.pause();
    }
    stopReports?.();
  };
}
