// The trainer's dashboard for a live session: start/end, slide navigation with a preview of the
// next slide, participants with online state and minutes present, raised hands, chat with
// delete and mute, quizzes with a live histogram of the tally, and the rotating check-in QR code.
import { api } from '../api.js';
import { clear, h, minutes } from '../dom.js';
import { errorText, t } from '../i18n.js';
import { trainerAudio } from '../audio/trainer_audio.js';
import { LiveClient } from '../live.js';
import { renderMarkdown } from '../markdown.js';
import { chatBox, renderSlide } from './live_page.js';
import { recordingCard } from './recording_card.js';

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

export async function render(view, args) {
  const sessionId = Number(args[0]);
  const info = await api('GET', `/api/v1/sessions/${sessionId}`);
  if (info.status !== 200) {
    clear(view, h('p', { class: 'error' }, errorText(info.error)));
    return null;
  }
  const s = info.data;
  if (s.delivery.status === 'ended') {
    // Nothing live any more: the session's recording, to replay or delete.
    const ended = recordingCard(sessionId);
    ended.ended();
    clear(
      view,
      h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back'))),
      h('h2', null, s.title),
      h('p', { class: 'muted' }, t('state_ended')),
      ended.el,
    );
    return () => ended.stop();
  }
  const slides = s.slides || [];
  let index = 0;
  const state = h('div', { id: 'conn', class: 'conn', role: 'status' }, t('state_connecting'));
  const current = h('section', { class: 'card slide', id: 'slide' });
  const preview = h('div', { class: 'preview muted' });
  const roster = h('ul', { class: 'roster', id: 'roster' });
  const hands = h('ul', { class: 'hands', id: 'hands' });
  const quizArea = h('div', { id: 'tally' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const show = (i) =>
    client.request({ type: 'show_slide', index: i }).catch((e) => {
      error.textContent = errorText(e);
      error.hidden = false;
    });
  const showPreview = () => {
    const next = slides[index + 1];
    clear(preview, next ? [h('strong', null, `${t('next')}: ${next.title}`), renderMarkdown(next.body)] : '');
  };
  const handSet = new Map();
  // Participants: names and online state from welcome/presence at once, minutes from roster.
  const people = new Map();
  const drawRoster = () =>
    clear(
      roster,
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
  const online = (all) => {
    const list = (all || []).filter((p) => !p.staff); // trainees only, like the roster
    const ids = new Set(list.map((p) => p.user_id));
    for (const p of list)
      if (!people.has(p.user_id)) people.set(p.user_id, { user_id: p.user_id, name: p.name, seconds_present: 0 });
    for (const p of people.values()) p.online = ids.has(p.user_id);
    drawRoster();
  };
  const drawHands = () =>
    clear(
      hands,
      [...handSet.entries()].map(([userId, name]) =>
        h(
          'li',
          { dataset: { user: userId } },
          name,
          audio.audioOn()
            ? h(
                'button',
                { type: 'button', class: 'link give-floor', onclick: () => audio.giveFloor(userId) },
                t('give_floor'),
              )
            : null,
        ),
      ),
    );
  let audio = null;
  let openQuiz = null;
  const recording = recordingCard(sessionId);
  if (s.delivery.status === 'live') recording.live();
  const client = new LiveClient(sessionId, {
    onState(st) {
      state.textContent = t(`state_${st}`);
      state.dataset.state = st;
      if (st === 'ended') recording.ended();
      else if (st === 'online') recording.live();
    },
    onMessage(m) {
      switch (m.type) {
        case 'welcome':
          audio.welcome(m);
          if (m.slide) {
            index = m.slide.index;
            renderSlide(current, m.slide);
            showPreview();
          }
          handSet.clear();
          for (const p of m.participants || []) if (p.hand_up) handSet.set(p.user_id, p.name);
          drawHands();
          online(m.participants);
          if (!m.resumed) chat.reset(m.chat || []);
          if (m.quiz) {
            openQuiz = m.quiz;
            drawQuiz({});
          }
          break;
        case 'slide':
          index = m.index;
          renderSlide(current, m);
          showPreview();
          break;
        case 'chat':
          chat.add(m);
          break;
        case 'chat_deleted':
          chat.remove(m.chat_seq);
          break;
        case 'hand':
          if (m.up) handSet.set(m.user_id, m.name);
          else handSet.delete(m.user_id);
          drawHands();
          break;
        case 'audio_state':
          audio.state(m);
          drawHands();
          break;
        case 'presence':
          if (m.participants) online(m.participants);
          break;
        case 'roster':
          for (const p of m.participants) people.set(p.user_id, { ...p });
          drawRoster();
          break;
        case 'quiz_opened':
          openQuiz = m;
          drawQuiz({});
          break;
        case 'quiz_tally':
          if (openQuiz && m.quiz_id === openQuiz.quiz_id) drawQuiz(m.counts, m.answered);
          break;
        case 'quiz_closed':
          if (openQuiz && m.quiz_id === openQuiz.quiz_id) {
            const counts = {};
            for (const r of m.results) counts[r.question_id] = r.counts;
            drawQuiz(counts, m.answered, true);
            openQuiz = null;
          }
          break;
        default:
          break;
      }
    },
  });
  audio = trainerAudio(client);
  const chat = chatBox(client, {
    staff: true,
    onDelete: (m) => client.request({ type: 'delete_chat', seq: m.seq }).catch(() => {}),
    onMute: (m) => client.request({ type: 'mute', user_id: m.from.user_id, muted: true }).catch(() => {}),
  });
  function drawQuiz(counts, answered = 0, closed = false) {
    if (!openQuiz) return;
    const q = openQuiz;
    clear(
      quizArea,
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
  }

  // Quizzes of the training, to open.
  const quizzes = await api('GET', `/api/v1/trainings/${s.training_id}/quizzes`);
  const select = h(
    'select',
    { name: 'quiz', 'aria-label': t('quiz') },
    (quizzes.data?.items || []).map((q) => h('option', { value: q.id }, `${q.title} (${q.kind})`)),
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
      .catch((e) => {
        error.textContent = errorText(e);
        error.hidden = false;
      }),
  );

  const end = h('button', { type: 'button', class: 'danger', id: 'end' }, t('end'));
  end.addEventListener('click', async () => {
    const res = await api('POST', `/api/v1/sessions/${sessionId}/end`, {});
    if (res.status !== 200) {
      error.textContent = errorText(res.error);
      error.hidden = false;
    }
  });

  let qrTimer = null;
  const qr = h('div', { class: 'qr' });
  if (s.delivery.mode !== 'online') {
    const refreshQr = async () => {
      const code = await api('GET', `/api/v1/sessions/${sessionId}/checkin-code`);
      if (code.status !== 200) {
        clear(qr);
        return;
      }
      clear(
        qr,
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
    refreshQr();
    qrTimer = setInterval(refreshQr, 15000);
  }

  clear(
    view,
    h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back')), state),
    h('h2', null, s.title),
    error,
    h(
      'div',
      { class: 'dash' },
      h(
        'div',
        { class: 'dash-main' },
        current,
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              id: 'prev',
              onclick: () => {
                if (index > 0) show(index - 1);
              },
            },
            t('prev'),
          ),
          h(
            'button',
            {
              type: 'button',
              id: 'next',
              onclick: () => {
                if (index + 1 < slides.length) show(index + 1);
              },
            },
            t('next'),
          ),
          end,
        ),
        preview,
        h(
          'section',
          { class: 'card' },
          h('h3', null, t('quiz')),
          h('div', { class: 'actions' }, select, duration, launch),
          quizArea,
        ),
      ),
      h(
        'div',
        { class: 'dash-side' },
        recording.el,
        audio.el,
        h('section', { class: 'card' }, h('h3', null, t('participants')), roster),
        h('section', { class: 'card' }, h('h3', null, t('hands')), hands),
        qr,
        chat.el,
      ),
    ),
  );
  client.connect();
  return () => {
    client.stop();
    clearInterval(qrTimer);
    audio.stop();
    recording.stop();
  };
}
