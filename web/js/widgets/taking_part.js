// Questions with upvotes and quick polls, on the trainee's live page (loaded when first needed)
// and on the trainer's dashboard, where `staff` (widgets/taking_part_staff.js) adds who asked,
// answering, hiding, and opening and closing polls with the live tally. The server sends a
// question's author only to trainers and admins; votes and tallies arrive coalesced, at most four
// times a second.
import { clear, h } from '../dom.js';
import { errorText, t, withTexts } from '../i18n.js';

await withTexts('part');

// Widths through the CSSOM: the CSP forbids inline style attributes.
function barRow(label, count, max) {
  const bar = h('span', { class: 'bar' });
  bar.style.width = `${Math.round((count * 100) / Math.max(1, max))}%`;
  return h(
    'div',
    { class: 'bar-row' },
    h('span', { class: 'bar-label' }, label),
    bar,
    h('span', { class: 'bar-value', dataset: { count } }, String(count)),
  );
}

export function results(options, counts, answered) {
  const max = Math.max(1, ...counts);
  return h(
    'div',
    { class: 'histogram poll-results' },
    options.map((o, i) => barRow(o, counts[i] || 0, max)),
    h('p', { class: 'muted' }, `${answered} ${t('answered')}`),
  );
}

// Not hidden first, unanswered first, most votes first, oldest first (as the server orders).
const order = (a, b) =>
  Number(a.hidden) - Number(b.hidden) || Number(a.answered) - Number(b.answered) || b.votes - a.votes || a.id - b.id;

export function takingPart(client, { staff = null, onError = () => {} } = {}) {
  const questions = new Map();
  let poll = null; // the open poll as this page knows it
  let closedPoll = null; // the last closed one, with results when shown
  let over = false;
  const list = h('ol', { class: 'questions', id: 'questions', 'aria-live': 'polite' });
  const count = h('span', { class: 'muted', id: 'question-count' });
  const pollBox = h('div', { class: 'poll', id: 'poll' });
  const fail = (e, el) => {
    if (el) {
      el.textContent = errorText(e);
      el.className = 'answer-status error';
    } else onError(e);
  };

  function act(message, el) {
    return client.request(message).catch((e) => {
      fail(e, el);
      throw e;
    });
  }

  function questionItem(q) {
    const author = q.author ? q.author.name : t('anonymous');
    const status = h('span', { class: 'answer-status' });
    const vote = h(
      'button',
      {
        type: 'button',
        class: 'vote secondary',
        disabled: q.voted || over,
        'aria-pressed': q.voted ? 'true' : 'false',
      },
      `▲ ${q.voted ? t('voted') : t('vote')}`,
    );
    vote.addEventListener('click', () => {
      vote.disabled = true;
      act({ type: 'vote', question_id: q.id }, status)
        .then(() => {
          q.voted = true;
          draw();
        })
        .catch((e) => {
          if (e.code === 'already_voted') q.voted = true;
          else vote.disabled = false;
        });
    });
    const tools = staff && !over ? staff.tools(q, act) : [];
    return h(
      'li',
      {
        class: `question-item${q.answered ? ' answered' : ''}${q.hidden ? ' hidden-question' : ''}`,
        dataset: { id: q.id },
      },
      h('p', { class: 'question-text' }, q.text),
      h(
        'p',
        { class: 'muted small' },
        q.anonymous && staff ? `${author} (${t('anonymous')})` : author,
        ' · ',
        h('span', { class: 'votes', dataset: { votes: q.votes } }, `${q.votes} ${t('votes')}`),
        q.answered ? h('span', { class: 'badge answered-badge' }, t('answered_badge')) : null,
        q.hidden ? h('span', { class: 'badge' }, t('hidden_badge')) : null,
      ),
      q.answer ? h('p', { class: 'written-answer' }, q.answer) : null,
      h('div', { class: 'question-tools' }, vote, tools, status),
    );
  }

  function draw() {
    const shown = [...questions.values()].filter((q) => staff || !q.hidden).sort(order);
    count.textContent = shown.length ? `(${shown.length})` : '';
    clear(list, shown.length ? shown.map(questionItem) : h('li', { class: 'muted' }, t('no_questions')));
    drawPoll();
  }

  // Trainees: the choices while a poll is open; the results once published.
  function traineePoll() {
    if (poll) {
      const status = h('span', { class: 'answer-status' }, poll.your_choices ? t('poll_sent') : '');
      const inputs = poll.options.map((o, i) =>
        h(
          'label',
          { class: 'check' },
          h('input', {
            type: poll.multiple ? 'checkbox' : 'radio',
            name: 'poll-choice',
            value: i,
            checked: (poll.your_choices || []).includes(i),
            disabled: over,
          }),
          o,
        ),
      );
      const send = h('button', { type: 'button', id: 'poll-send', disabled: over }, t('send_choice'));
      send.addEventListener('click', () => {
        const choices = inputs
          .map((l) => l.firstChild)
          .filter((i) => i.checked)
          .map((i) => Number(i.value));
        if (!choices.length) return;
        status.textContent = t('sending');
        act({ type: 'poll_answer', poll_id: poll.poll_id, choices }, status)
          .then(() => {
            poll.your_choices = choices;
            status.textContent = t('poll_sent');
            status.className = 'answer-status sent';
          })
          .catch(() => {});
      });
      return [h('h4', null, poll.question), h('div', { class: 'options' }, inputs), send, status];
    }
    if (!closedPoll) return [];
    return [
      h('h4', null, closedPoll.question),
      closedPoll.results
        ? results(closedPoll.options, closedPoll.results.counts, closedPoll.results.answered)
        : h('p', { class: 'muted' }, t('poll_closed_msg')),
    ];
  }

  function drawPoll() {
    const parts = staff ? staff.poll({ poll, closedPoll, over }, act) : traineePoll();
    clear(pollBox, parts.length ? [h('h3', null, t('poll')), parts] : []);
  }

  // Trainees ask (optionally without their name shown to other trainees).
  function askForm() {
    const text = h('textarea', {
      name: 'question',
      maxlength: 500,
      rows: 2,
      'aria-label': t('ask_placeholder'),
      placeholder: t('ask_placeholder'),
    });
    const anonymous = h('input', { type: 'checkbox', name: 'anonymous' });
    const status = h('span', { class: 'answer-status' });
    const form = h(
      'form',
      { class: 'ask-form', id: 'ask-form' },
      text,
      h('label', { class: 'check' }, anonymous, t('ask_anonymous')),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('ask')), status),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      status.textContent = t('sending');
      act({ type: 'question', text: value, anonymous: anonymous.checked }, status)
        .then(() => {
          text.value = '';
          status.textContent = t('sent');
          status.className = 'answer-status sent';
        })
        .catch(() => {});
    });
    return form;
  }

  const ask = staff ? null : askForm();
  const handlers = {
    welcome(m) {
      questions.clear();
      for (const q of m.questions || []) questions.set(q.id, q);
      poll = m.poll || null;
    },
    question(m) {
      const known = questions.get(m.question.id);
      questions.set(m.question.id, { voted: false, ...known, ...m.question });
    },
    question_votes(m) {
      const q = questions.get(m.question_id);
      if (q) q.votes = m.votes;
    },
    question_answered(m) {
      const q = questions.get(m.question_id);
      if (q) Object.assign(q, { answered: true, answer: m.text });
    },
    question_hidden(m) {
      const q = questions.get(m.question_id);
      if (q) q.hidden = true;
    },
    poll_opened(m) {
      poll = { ...m, your_choices: null, counts: m.options.map(() => 0), answered: 0 };
    },
    poll_tally(m) {
      if (poll && poll.poll_id === m.poll_id) Object.assign(poll, { counts: m.counts, answered: m.answered });
    },
    poll_closed(m) {
      if (poll && poll.poll_id === m.poll_id)
        closedPoll = { question: poll.question, options: poll.options, results: m.results };
      if (poll && poll.poll_id === m.poll_id) poll = null;
    },
  };
  draw();
  return {
    el: h(
      'section',
      { class: 'card taking-part', id: 'taking-part' },
      pollBox,
      h('h3', null, t('questions_title'), ' ', count),
      ask,
      list,
    ),
    // Handles a live message of taking part; false for any other type.
    message(m) {
      const handle = handlers[m.type];
      if (!handle) return false;
      handle(m);
      draw();
      return true;
    },
    hasPoll: () => !!poll,
    // The session ended: everything stays readable, nothing more can be sent.
    end() {
      over = true;
      if (ask) for (const control of ask.elements) control.disabled = true;
      draw();
    },
  };
}
