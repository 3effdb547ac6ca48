// The trainer's dashboard for a live session: start/end, slide navigation with a preview of the
// next slide, participants with online state and minutes present, raised hands, chat with
// delete and mute, quizzes with a live histogram of the tally, and the rotating check-in QR code.
import { api } from '../api.js';
import { clear, h, minutes } from '../dom.js';
import { errorText, t } from '../i18n.js';
import { trainerAudio } from '../audio/trainer_audio.js';
import { LiveClient } from '../live.js';
import { reactionFeed } from '../widgets/reactions.js';
import { renderMarkdown } from '../markdown.js';
import { chatBox } from '../widgets/chat.js';
import { deckEditor } from '../widgets/deck_editor.js';
import { pageView } from '../widgets/page_view.js';
import { penTools } from '../widgets/pen.js';
import { renderSlide } from '../widgets/slide.js';
import { recordingCard } from '../widgets/recording_card.js';
import { takingPart } from '../widgets/taking_part.js';
import { staffTools } from '../widgets/taking_part_staff.js';

// Widths through the CSSOM: the CSP forbids inline style attributes.
function barOf(percent) {
  const bar = h('span', { class: 'bar' });
  bar.style.width = `${percent}%`;
  return bar;
}

function histogram(question, counts) {
  const labels =
    question.type === 'single' || question.type === 'multiple'
      ? question.options.map((o) => o.text)
      : question.type === 'true_false'
        ? [t('true_'), t('false_')]
        : ['✓', '✗'];
  const values = Array.isArray(counts)
    ? counts
    : question.type === 'true_false'
      ? [counts?.true || 0, counts?.false || 0]
      : [counts?.correct || 0, counts?.incorrect || 0];
  const max = Math.max(1, ...values);
  return h(
    'div',
    { class: 'histogram', dataset: { question: question.id } },
    h('p', { class: 'prompt' }, question.prompt),
    labels.map((label, i) =>
      h(
        'div',
        { class: 'bar-row' },
        h('span', { class: 'bar-label' }, label),
        barOf(Math.round(((values[i] || 0) * 100) / max)),
        h('span', { class: 'bar-value', dataset: { count: values[i] || 0 } }, String(values[i] || 0)),
      ),
    ),
  );
}

// Nothing live any more: the session's recording (to replay or delete, once ready) and the
// training's report.
function endedView(view, s, sessionId) {
  const ended = recordingCard(sessionId);
  ended.ended();
  clear(
    view,
    h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back'))),
    h('h2', null, s.title),
    h('p', { class: 'muted', id: 'ended-note', role: 'status' }, t('session_over')),
    ended.el,
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button', id: 'open-report', href: `#/reports/${s.training_id}` }, t('open_report')),
      h(
        'a',
        { class: 'button secondary', id: 'open-participation', href: `#/participation/${sessionId}` },
        t('open_participation'),
      ),
    ),
  );
  return () => ended.stop();
}

// A refusal of the server shown above the dashboard.
function errorLine() {
  const el = h('p', { class: 'error', role: 'alert', hidden: true });
  return {
    el,
    show(e) {
      el.textContent = errorText(e);
      el.hidden = false;
    },
  };
}

// Participants: names and online state from welcome/presence at once, minutes from roster.
function rosterPanel() {
  const list = h('ul', { class: 'roster', id: 'roster' });
  const people = new Map();
  const draw = () =>
    clear(
      list,
      [...people.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((p) =>
          h(
            'li',
            { class: p.online ? 'online' : 'offline', dataset: { user: p.user_id } },
            h('span', { class: 'dot' }),
            p.name,
            ' — ',
            `${minutes(p.seconds_present)} ${t('minutes')}`,
            ' ',
            h('span', { class: 'muted' }, p.status || ''),
          ),
        ),
    );
  return {
    el: h('section', { class: 'card' }, h('h3', null, t('participants')), list),
    online(all) {
      const trainees = (all || []).filter((p) => !p.staff); // trainees only, like the roster
      const ids = new Set(trainees.map((p) => p.user_id));
      for (const p of trainees)
        if (!people.has(p.user_id)) people.set(p.user_id, { user_id: p.user_id, name: p.name, seconds_present: 0 });
      for (const p of people.values()) p.online = ids.has(p.user_id);
      draw();
    },
    roster(participants) {
      for (const p of participants) people.set(p.user_id, { ...p });
      draw();
    },
  };
}

// Raised hands, each with "give the floor" while audio is on.
function handsPanel(audio) {
  const list = h('ul', { class: 'hands', id: 'hands' });
  const raised = new Map();
  const draw = () =>
    clear(
      list,
      [...raised.entries()].map(([userId, name]) =>
        h(
          'li',
          { dataset: { user: userId } },
          name,
          audio().audioOn()
            ? h(
                'button',
                { type: 'button', class: 'link give-floor', onclick: () => audio().giveFloor(userId) },
                t('give_floor'),
              )
            : null,
        ),
      ),
    );
  return {
    el: h('section', { class: 'card' }, h('h3', null, t('hands')), list),
    draw,
    welcome(participants) {
      raised.clear();
      for (const p of participants || []) if (p.hand_up) raised.set(p.user_id, p.name);
      draw();
    },
    hand(m) {
      if (m.up) raised.set(m.user_id, m.name);
      else raised.delete(m.user_id);
      draw();
    },
  };
}

// The training's quizzes to open, and the open one's live histogram.
function quizPanel(client, quizzes, error) {
  const area = h('div', { id: 'tally' });
  let open = null;
  const draw = (counts, answered = 0, closed = false) => {
    if (!open) return;
    const q = open;
    clear(
      area,
      h('h4', null, `${q.title} — ${answered} ${t('answered')}`),
      q.questions.map((question) => histogram(question, counts[String(question.id)])),
      closed
        ? h('p', { class: 'muted' }, t('quiz_closed_msg'))
        : h(
            'button',
            {
              type: 'button',
              onclick: () => client.request({ type: 'close_quiz', quiz_id: q.quiz_id }).catch(() => {}),
            },
            t('close_quiz'),
          ),
    );
  };
  const select = h(
    'select',
    { name: 'quiz', 'aria-label': t('quiz') },
    quizzes.map((q) => h('option', { value: q.id }, `${q.title} (${t(`kind_${q.kind}`)})`)),
  );
  const duration = h('input', {
    type: 'number',
    name: 'duration',
    min: 10,
    max: 3600,
    value: 120,
    'aria-label': t('duration'),
  });
  const launch = h('button', { type: 'button', id: 'launch-quiz' }, t('launch_quiz'));
  launch.addEventListener('click', () =>
    client
      .request({ type: 'open_quiz', quiz_id: Number(select.value), duration_s: Number(duration.value) })
      .catch((e) => error.show(e)),
  );
  return {
    el: h(
      'section',
      { class: 'card' },
      h('h3', null, t('quiz')),
      h('div', { class: 'actions' }, select, duration, launch),
      area,
    ),
    opened(q) {
      open = q;
      draw({});
    },
    tally(m) {
      if (open && m.quiz_id === open.quiz_id) draw(m.counts, m.answered);
    },
    closed(m) {
      if (!open || m.quiz_id !== open.quiz_id) return;
      const counts = {};
      for (const r of m.results) counts[r.question_id] = r.counts;
      draw(counts, m.answered, true);
      open = null;
    },
  };
}

// The rotating check-in code (sessions held in person, in part), refreshed every 15 s.
function checkinQr(sessionId, mode) {
  const el = h('div', { class: 'qr' });
  if (mode === 'online') return { el, stop() {} };
  const refresh = async () => {
    const code = await api('GET', `/api/v1/sessions/${sessionId}/checkin-code`);
    if (code.status !== 200) {
      clear(el);
      return;
    }
    clear(
      el,
      h('h3', null, t('checkin_code')),
      h('p', { class: 'code' }, code.data.code),
      h('img', {
        alt: t('checkin_code'),
        src: `/api/v1/sessions/${sessionId}/checkin-code?format=svg&t=${Date.now()}`,
        width: 200,
        height: 200,
      }),
    );
  };
  refresh();
  const timer = setInterval(refresh, 15000);
  return { el, stop: () => clearInterval(timer) };
}

// The current slide, previous / next / end, and a preview of the next slide.
function slideDeck(client, sessionId, slides, error) {
  const current = h('section', { class: 'card slide', id: 'slide' });
  const view = pageView();
  const pen = penTools(client, view, error);
  let shownIndex = -1;
  const preview = h('div', { class: 'preview muted' });
  let index = 0;
  const show = (i) => client.request({ type: 'show_slide', index: i }).catch((e) => error.show(e));
  const step = (id, label, to) =>
    h(
      'button',
      {
        type: 'button',
        id,
        onclick: () => {
          const i = to(index);
          if (i >= 0 && i < slides.length) show(i);
        },
      },
      t(label),
    );
  const end = h('button', { type: 'button', class: 'danger', id: 'end' }, t('end'));
  end.addEventListener('click', async () => {
    if (!window.confirm(t('end_confirm'))) return;
    const res = await api('POST', `/api/v1/sessions/${sessionId}/end`, {});
    if (res.status !== 200) error.show(res.error);
  });
  return {
    el: [
      current,
      pen.el,
      h(
        'div',
        { class: 'actions' },
        step('prev', 'prev', (i) => i - 1),
        step('next', 'next', (i) => i + 1),
        end,
      ),
      preview,
    ],
    shown(slide) {
      index = slide.index;
      shownIndex = slide.index;
      renderSlide(current, slide, view);
      pen.el.hidden = !slide.page;
      const next = slides[index + 1];
      clear(
        preview,
        next
          ? [
              h('strong', null, `${t('next')}: ${next.title}`),
              next.page
                ? h('img', {
                    src: next.page.small,
                    alt: '',
                    class: 'next-page',
                    width: 240,
                    height: Math.round((240 * next.page.height) / next.page.width),
                  })
                : renderMarkdown(next.body),
            ]
          : '',
      );
    },
    ink: (m) => m.slide === shownIndex && view.ink(m.stroke),
    clearInk: (m) => m.slide === shownIndex && view.clearInk(),
    // The deck changed (a conversion finished, the list was edited): take the new list.
    async reload() {
      const res = await api('GET', `/api/v1/sessions/${sessionId}`);
      if (res.status === 200) slides.splice(0, slides.length, ...(res.data.slides || []));
    },
  };
}

export async function render(view, args) {
  const sessionId = Number(args[0]);
  const info = await api('GET', `/api/v1/sessions/${sessionId}`);
  if (info.status !== 200) {
    clear(view, h('p', { class: 'error' }, errorText(info.error)));
    return null;
  }
  const s = info.data;
  if (s.delivery.status === 'ended') return endedView(view, s, sessionId);
  const state = h('div', { id: 'conn', class: 'conn', role: 'status' }, t('state_connecting'));
  const error = errorLine();
  const people = rosterPanel();
  let audio = null;
  const hands = handsPanel(() => audio);
  const recording = recordingCard(sessionId);
  if (s.delivery.status === 'live') recording.live();
  const handlers = {
    welcome(m) {
      audio.welcome(m);
      if (m.slide) deck.shown({ ...m.slide, ink: m.ink || m.slide.ink });
      hands.welcome(m.participants);
      people.online(m.participants);
      if (!m.resumed) chat.reset(m.chat || []);
      if (m.quiz) quiz.opened(m.quiz);
      part.message(m);
    },
    slide: (m) => deck.shown(m),
    ink: (m) => deck.ink(m),
    ink_clear: (m) => deck.clearInk(m),
    slides: () => deck.reload(),
    chat: (m) => chat.add(m),
    chat_deleted: (m) => chat.remove(m.chat_seq),
    hand: (m) => hands.hand(m),
    audio_state(m) {
      audio.state(m);
      hands.draw();
    },
    presence: (m) => m.participants && people.online(m.participants),
    roster: (m) => people.roster(m.participants),
    quiz_opened: (m) => quiz.opened(m),
    quiz_tally: (m) => quiz.tally(m),
    quiz_closed: (m) => quiz.closed(m),
    session_ended: () => finish(),
    reactions: (m) => feed.add(m),
  };
  for (const type of [
    'question',
    'question_votes',
    'question_answered',
    'question_hidden',
    'poll_opened',
    'poll_tally',
    'poll_closed',
  ])
    handlers[type] = (m) => part.message(m);
  // The end closes every live control: capture stops, and the page becomes the ended view.
  let stopEnded = null;
  function finish() {
    if (stopEnded) return;
    client.stop();
    audio.stop();
    feed.stop();
    qr.stop();
    recording.stop();
    editor.stop();
    stopEnded = endedView(view, s, sessionId);
  }
  const client = new LiveClient(sessionId, {
    onState(st) {
      state.textContent = t(`state_${st}`);
      state.dataset.state = st;
      if (st === 'ended') finish();
      else if (st === 'online') recording.live();
    },
    onMessage: (m) => handlers[m.type]?.(m),
  });
  audio = trainerAudio(client);
  const feed = reactionFeed({ staff: true });
  const chat = chatBox(client, {
    staff: true,
    onDelete: (m) => client.request({ type: 'delete_chat', seq: m.seq }).catch(() => {}),
    onMute: (m) => client.request({ type: 'mute', user_id: m.from.user_id, muted: true }).catch(() => {}),
  });
  const deck = slideDeck(client, sessionId, s.slides || [], error);
  const part = takingPart(client, { staff: staffTools, onError: (e) => error.show(e) });
  const quizzes = await api('GET', `/api/v1/trainings/${s.training_id}/quizzes`);
  const quiz = quizPanel(client, quizzes.data?.items || [], error);
  const qr = checkinQr(sessionId, s.delivery.mode);
  const editor = deckEditor(sessionId);
  const editorBox = h('details', { class: 'deck-box' }, h('summary', null, t('deck')), editor.el);
  clear(
    view,
    h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back')), state),
    h('h2', null, s.title),
    error.el,
    h(
      'div',
      { class: 'dash' },
      h('div', { class: 'dash-main' }, deck.el, quiz.el, part.el, editorBox),
      h('div', { class: 'dash-side' }, recording.el, audio.el, feed.el, people.el, hands.el, qr.el, chat.el),
    ),
  );
  client.connect();
  return () => {
    if (stopEnded) {
      stopEnded();
      return;
    }
    client.stop();
    qr.stop();
    audio.stop();
    feed.stop();
    recording.stop();
    editor.stop();
  };
}
