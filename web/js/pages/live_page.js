// The trainee's live page: current slide, open quiz with a countdown (an answer shows "sent" only
// after the server's ack), chat, raise hand, own minutes present, and the connection state with
// automatic reconnect and resume.
import { clear, h, minutes } from '../dom.js';
import { errorText, t } from '../i18n.js';
import { audioPanel } from '../audio/panel.js';
import { LiveClient } from '../live.js';
import { chatBox } from '../widgets/chat.js';
import { api } from '../api.js';
import { handoutList } from '../widgets/handouts.js';
import { pageBytes, pageView, prefetcher } from '../widgets/page_view.js';
import { renderSlide } from '../widgets/slide.js';

function countdown(el, closesAt) {
  const tick = () => {
    const left = Math.max(0, Math.round((Date.parse(closesAt) - Date.now()) / 1000));
    el.textContent = `${t('closes_in')} ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  };
  tick();
  return setInterval(tick, 1000);
}

function quizPanel(client) {
  const box = h('section', { class: 'card quiz', id: 'quiz', hidden: true });
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
    if (m.count !== slides.length) await loadSlides();
    if (audio.saverOn()) return;
    const next = slides.slice(m.index + 1, m.index + 3).filter((s) => s.page);
    ahead.want(next.map((s) => s.page));
  }
  const client = new LiveClient(sessionId, {
    onState(s) {
      state.textContent = t(`state_${s}`);
      state.dataset.state = s;
    },
    onBinary(buffer) {
      audio.binary(buffer);
    },
    onMessage(m) {
      switch (m.type) {
        case 'welcome':
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
        default:
          break;
      }
    },
  });
  const chat = chatBox(client);
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
  clear(
    view,
    h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back')), state),
    title,
    h('div', { class: 'live-meta' }, present, ' · ', online, ' · ', meter),
    audio.saverEl,
    notice,
    audio.el,
    slide,
    quiz.panel.el,
    h('div', { class: 'actions' }, hand),
    chat.el,
    handouts,
  );
  client.connect();
  return () => {
    client.stop();
    quiz.panel.stop();
    audio.stop();
    clearInterval(meterTimer);
  };
}
