// The trainee's live page: current slide, open quiz with a countdown (an answer shows "sent" only
// after the server's ack), chat, raise hand, own minutes present, and the connection state with
// automatic reconnect and resume. Audio flows only after the trainee taps listen. The end of the
// session closes every control and offers the replay once it is ready; a link that cannot work
// (ended, unknown, not enrolled, held in person) says why and offers the home page. Questions and
// polls (widgets/taking_part.js) load only when a poll opens or the trainee opens their box.
import { clear, h, minutes } from '../dom.js';
import { errorText, t } from '../i18n.js';
import { audioPanel } from '../audio/panel.js';
import { LiveClient } from '../live.js';
import { chatBox } from '../widgets/chat.js';
import { api } from '../api.js';
import { pageBytes, pageView, prefetcher } from '../widgets/page_view.js';
import { renderSlide } from '../widgets/slide.js';
import { reactionButtons, reactionFeed } from '../widgets/reactions.js';

function countdown(el, closesAt) {
  const tick = () => {
    const left = Math.max(0, Math.round((Date.parse(closesAt) - Date.now()) / 1000));
    el.textContent = `${t('closes_in')} ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  };
  tick();
  return setInterval(tick, 1000);
}

function quizPanel(client) {
  const box = h('section', { class: 'card quiz', id: 'quiz', hidden: true, role: 'region', 'aria-live': 'assertive' });
  let timer = null;
  let quiz = null;
  const answerStatus = new Map();

  function send(question, value, statusEl, buttons) {
    statusEl.textContent = t('sending');
    statusEl.className = 'answer-status sending';
    for (const b of buttons) b.classList.toggle('chosen', b.dataset.value === JSON.stringify(value));
    client
      .request({ type: 'answer', quiz_id: quiz.quiz_id, question_id: question.id, answer: value })
      .then(() => {
        statusEl.textContent = t('sent');
        statusEl.className = 'answer-status sent';
      })
      .catch((e) => {
        statusEl.textContent = errorText(e);
        statusEl.className = 'answer-status error';
      });
  }

  function questionView(q, mine) {
    const status = h('span', { class: 'answer-status' }, mine !== undefined ? t('sent') : '');
    if (mine !== undefined) status.classList.add('sent');
    answerStatus.set(q.id, status);
    const buttons = [];
    let control;
    if (q.type === 'single' || q.type === 'true_false') {
      const options =
        q.type === 'true_false'
          ? [
              { index: true, text: t('true_') },
              { index: false, text: t('false_') },
            ]
          : q.options;
      for (const o of options) {
        const b = h('button', { type: 'button', class: 'option', dataset: { value: JSON.stringify(o.index) } }, o.text);
        if (mine !== undefined && JSON.stringify(mine) === JSON.stringify(o.index)) b.classList.add('chosen');
        b.addEventListener('click', () => send(q, o.index, status, buttons));
        buttons.push(b);
      }
      control = h('div', { class: 'options' }, buttons);
    } else if (q.type === 'multiple') {
      const checks = q.options.map((o) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', value: o.index, checked: Array.isArray(mine) && mine.includes(o.index) }),
          o.text,
        ),
      );
      const submit = h('button', { type: 'button' }, t('submit'));
      submit.addEventListener('click', () => {
        const chosen = checks
          .map((c) => c.firstChild)
          .filter((i) => i.checked)
          .map((i) => Number(i.value))
          .sort((a, b) => a - b);
        send(q, chosen, status, []);
      });
      control = h('div', { class: 'options' }, checks, submit);
    } else {
      const input = h('input', {
        type: q.type === 'numeric' ? 'number' : 'text',
        step: 'any',
        value: mine ?? '',
        'aria-label': q.prompt,
      });
      const submit = h('button', { type: 'button' }, t('submit'));
      submit.addEventListener('click', () => {
        if (input.value.trim() === '') return;
        send(q, q.type === 'numeric' ? Number(input.value) : input.value, status, []);
      });
      control = h('div', { class: 'options' }, input, submit);
    }
    return h(
      'div',
      { class: 'question', dataset: { question: q.id } },
      h('p', { class: 'prompt' }, q.prompt),
      control,
      status,
    );
  }

  return {
    el: box,
    open(q, mine = {}) {
      quiz = q;
      clearInterval(timer);
      answerStatus.clear();
      const clock = h('span', { class: 'countdown' });
      clear(
        box,
        h('h3', null, `${t('quiz')}: ${q.title}`),
        clock,
        q.questions.map((question) => questionView(question, mine[String(question.id)])),
      );
      box.hidden = false;
      timer = countdown(clock, q.closes_at);
      // On a phone the quiz opens below the slide: bring it into sight.
      if (box.getBoundingClientRect().top > window.innerHeight - 80) box.scrollIntoView({ block: 'start' });
    },
    closed(m) {
      clearInterval(timer);
      if (!quiz || quiz.quiz_id !== m.quiz_id) return;
      clear(
        box,
        h('h3', null, `${t('quiz_closed_msg')}: ${quiz.title}`),
        h('p', { class: 'muted' }, `${m.answered} ${t('answered')}`),
      );
      quiz = null;
    },
    score(m) {
      box.append(h('p', { class: 'score' }, `${t('your_score')}: ${m.score}/${m.max_score}`));
    },
    stop() {
      clearInterval(timer);
    },
    // The session ended: an open quiz can no longer be answered.
    end() {
      clearInterval(timer);
      if (quiz) box.hidden = true;
      quiz = null;
    },
  };
}

// Connection states after which this page can do nothing more (before any welcome the link
// itself cannot work, and the empty live view is hidden too).
const FINAL = new Set(['ended', 'not_found', 'not_enrolled', 'not_online', 'refused', 'signed_out', 'removed']);
const TAKING_PART = new Set([
  'question',
  'question_votes',
  'question_answered',
  'question_hidden',
  'poll_opened',
  'poll_closed',
]);
const PENDING_LIMIT = 2000; // messages kept for the questions box until it loads

// The questions box, its widget loaded on first need; until then its messages wait (a welcome
// starts them afresh).
function takingPartBox(client) {
  const el = h('details', { class: 'handouts-toggle', id: 'live-questions' }, h('summary', null, t('questions_title')));
  let widget = null;
  let loading = null;
  let ended = false;
  let pending = [];
  const load = () => {
    loading ??= import('../widgets/taking_part.js').then(({ takingPart }) => {
      widget = takingPart(client);
      for (const m of pending) widget.message(m);
      pending = [];
      if (ended) widget.end();
      el.append(widget.el);
    });
    return loading;
  };
  el.addEventListener('toggle', () => el.open && load());
  return {
    el,
    take(m) {
      if (widget) widget.message(m);
      else if (m.type === 'welcome') pending = [m];
      else if (pending.length < PENDING_LIMIT) pending.push(m);
      if (m.type === 'poll_opened' || (m.type === 'welcome' && m.poll)) {
        el.open = true;
        load();
      }
    },
    end() {
      ended = true;
      widget?.end();
    },
  };
}
// Asking whether the recording is ready: at the end, a second later (it usually is ready within
// seconds), then twice as long each time up to every 10 s, for three minutes at most.
const REPLAY_POLL_FIRST_MS = 1000;
const REPLAY_POLL_MAX_MS = 10000;
const REPLAY_POLL_FOR_MS = 3 * 60 * 1000;

// The card that replaces the live controls: what happened, and what the trainee can do next.
function endCard(sessionId) {
  const el = h('section', { class: 'card ended', id: 'ended', role: 'alert', hidden: true });
  let timer = null;
  const home = () => h('a', { class: 'button', href: '#/', id: 'to-home' }, t('to_home'));
  async function replayOffer(line, delay, waited) {
    const res = await api('GET', `/api/v1/sessions/${sessionId}`);
    if (res.status === 200 && res.data.recording_ready) {
      clear(line, h('a', { class: 'button', id: 'watch-replay', href: `#/replay/${sessionId}` }, t('watch_replay')));
    } else if (waited < REPLAY_POLL_FOR_MS) {
      const next = Math.min(delay * 2, REPLAY_POLL_MAX_MS);
      timer = setTimeout(() => replayOffer(line, next, waited + delay), delay);
    }
  }
  return {
    el,
    show(state) {
      clearTimeout(timer);
      el.hidden = false;
      el.dataset.state = state;
      if (state !== 'ended') {
        clear(el, h('p', { class: 'ended-text' }, t(`state_${state}`)), h('div', { class: 'actions' }, home()));
        return;
      }
      const line = h('p', { class: 'muted', id: 'replay-offer' }, t('replay_when_ready'));
      clear(el, h('h3', null, t('session_over')), line, h('div', { class: 'actions' }, home()));
      replayOffer(line, REPLAY_POLL_FIRST_MS, 0);
    },
    hide() {
      el.hidden = true;
    },
    stop: () => clearTimeout(timer),
  };
}

export async function render(view, args) {
  const sessionId = Number(args[0]);
  const state = h('div', { id: 'conn', class: 'conn', role: 'status' }, t('state_connecting'));
  const slide = h('section', { class: 'card slide', id: 'slide' });
  const present = h('span', { id: 'present' }, '');
  const online = h('span', { id: 'online' }, '');
  const meter = h('span', { id: 'data-meter' }, '');
  const title = h('h2', { id: 'session-title' });
  let handUp = false;
  let me = null;
  const hand = h('button', { type: 'button', id: 'hand' }, t('raise_hand'));
  const notice = h('p', { class: 'notice', hidden: true });
  const quiz = { el: null };
  let audio = null;
  let pageBox = null;
  let shown = null;
  // The session's slides (for fetching the next pages ahead), reloaded when their count changes.
  let slides = [];
  const ahead = prefetcher(() => !!pageBox && !pageBox.el.hidden && !pageBox.el.querySelector('img')?.complete);
  async function loadSlides() {
    const res = await api('GET', `/api/v1/sessions/${sessionId}`);
    if (res.status === 200) slides = res.data.slides || [];
  }
  async function showSlide(m) {
    shown = m;
    renderSlide(slide, m, pageBox);
    // The list serves only to fetch the next deck pages ahead: a slide of text needs none.
    if (!m.page) return;
    if (m.count !== slides.length) await loadSlides();
    if (audio.saverOn()) return;
    const next = slides.slice(m.index + 1, m.index + 3).filter((s) => s.page);
    ahead.want(next.map((s) => s.page));
  }
  const ended = endCard(sessionId);
  const body = h('div', { class: 'live-body' });
  let over = false;
  let joined = false;
  // Every live control closes; capture and playback stop; the card says what comes next.
  function finish(s) {
    if (over) return;
    over = true;
    hand.disabled = true;
    for (const b of reactions.querySelectorAll('button')) b.disabled = true;
    feed.stop();
    chat.close();
    quiz.panel.end();
    part.end();
    audio.end();
    body.hidden = !joined;
    ended.show(s);
  }
  const client = new LiveClient(sessionId, {
    audio: false,
    onState(s) {
      state.textContent = t(`state_${s}`);
      state.dataset.state = s;
      if (FINAL.has(s)) finish(s);
      else if (s === 'not_started') {
        body.hidden = true;
        ended.show(s);
      } else if (s === 'online' && !over) {
        body.hidden = false;
        ended.hide();
      }
    },
    onBinary(buffer) {
      audio.binary(buffer);
    },
    onMessage(m) {
      switch (m.type) {
        case 'welcome':
          joined = true;
          audio.welcome(m);
          title.textContent = m.title;
          showSlide({ ...m.slide, ink: m.ink || m.slide?.ink });
          online.textContent = `${m.online} ${t('online_count')}`;
          me = m.you?.user_id ?? null;
          handUp = !!m.you?.hand_up;
          hand.textContent = handUp ? t('lower_hand') : t('raise_hand');
          notice.hidden = !m.you?.muted;
          notice.textContent = t('muted_notice');
          if (!m.resumed) chat.reset(m.chat || []);
          if (m.quiz) quiz.panel.open(m.quiz, m.quiz.your_answers || {});
          part.take(m);
          break;
        case 'slide':
          showSlide(m);
          break;
        case 'ink':
          if (shown && m.slide === shown.index) pageBox.ink(m.stroke);
          break;
        case 'ink_clear':
          if (shown && m.slide === shown.index) pageBox.clearInk();
          break;
        case 'pointer':
          if (shown && m.slide === shown.index) pageBox.pointer(m);
          break;
        case 'chat':
          chat.add(m);
          break;
        case 'chat_deleted':
          chat.remove(m.chat_seq);
          break;
        case 'presence':
          online.textContent = `${m.online} ${t('online_count')}`;
          break;
        case 'attendance':
          present.textContent = `${t('present_for')} ${minutes(m.seconds_present)} ${t('minutes')}`;
          break;
        case 'quiz_opened':
          quiz.panel.open(m);
          break;
        case 'quiz_closed':
          quiz.panel.closed(m);
          break;
        case 'quiz_score':
          quiz.panel.score(m);
          break;
        case 'muted':
          if (m.user_id === me) notice.hidden = !m.muted;
          break;
        case 'audio_state':
          audio.state(m);
          break;
        case 'session_ended':
          finish('ended');
          break;
        case 'reactions':
          feed.add(m);
          break;
        default:
          if (TAKING_PART.has(m.type)) part.take(m);
          break;
      }
    },
  });
  const part = takingPartBox(client);
  const chat = chatBox(client);
  const reactions = reactionButtons(client);
  const feed = reactionFeed();
  audio = audioPanel(client, { onSaver: () => shown && renderSlide(slide, shown, pageBox) });
  pageBox = pageView({ saver: () => audio.saverOn(), local: (url) => ahead.local(url) });
  quiz.panel = quizPanel(client);
  // The data meter: kilobytes received on the live socket and as deck pages this visit (1 kB =
  // 1,000 bytes).
  const drawMeter = () => {
    meter.textContent = `${t('data_used')} ${Math.round((client.bytesReceived + pageBytes()) / 1000)} kB`;
  };
  drawMeter();
  const meterTimer = setInterval(drawMeter, 1000);
  // The training's handouts, with their sizes, listed only when opened (and counted by the data
  // meter when downloaded).
  const handouts = h('details', { class: 'handouts-toggle', id: 'live-handouts' }, h('summary', null, t('handouts')));
  handouts.addEventListener('toggle', async () => {
    if (!handouts.open || handouts.dataset.loaded) return;
    handouts.dataset.loaded = '1';
    const info = await api('GET', `/api/v1/sessions/${sessionId}`);
    const { handoutList } = await import('../widgets/handouts.js');
    if (info.status === 200) handouts.append(handoutList(info.data.training_id).el);
  });
  hand.addEventListener('click', () => {
    client
      .request({ type: 'hand', up: !handUp })
      .then(() => {
        handUp = !handUp;
        hand.textContent = handUp ? t('lower_hand') : t('raise_hand');
      })
      .catch(() => {});
  });
  body.append(
    title,
    h('div', { class: 'live-meta' }, present, ' · ', online, ' · ', meter),
    audio.saverEl,
    notice,
    audio.el,
    slide,
    quiz.panel.el,
    h('div', { class: 'actions' }, hand),
    reactions,
    feed.el,
    part.el,
    chat.el,
    handouts,
  );
  clear(view, h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back')), state), ended.el, body);
  client.connect();
  return () => {
    client.stop();
    quiz.panel.stop();
    audio.stop();
    ended.stop();
    feed.stop();
    clearInterval(meterTimer);
  };
}
