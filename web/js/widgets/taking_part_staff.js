// What trainers and admins add to the questions and polls widget: answer a question (live or in
// writing), hide an abusive one (audited by the server), open a poll, watch its tally, close it
// with or without showing the results to trainees.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { results } from './taking_part.js';

function tools(q, act) {
  const out = [];
  if (!q.answered)
    out.push(
      h(
        'button',
        {
          type: 'button',
          class: 'link answer-live',
          onclick: () => act({ type: 'answer_question', question_id: q.id }).catch(() => {}),
        },
        t('answer_live'),
      ),
    );
  out.push(
    h(
      'button',
      {
        type: 'button',
        class: 'link answer-written',
        onclick: () => {
          const text = window.prompt(t('answer_prompt'), q.answer || '');
          if (text && text.trim())
            act({ type: 'answer_question', question_id: q.id, text: text.trim() }).catch(() => {});
        },
      },
      t('answer_written'),
    ),
  );
  if (!q.hidden)
    out.push(
      h(
        'button',
        {
          type: 'button',
          class: 'link danger hide-question',
          onclick: () =>
            window.confirm(t('hide_confirm')) && act({ type: 'hide_question', question_id: q.id }).catch(() => {}),
        },
        t('hide'),
      ),
    );
  return out;
}

// While a poll is open: its tally and the two ways to close it; otherwise the form to open one
// (after the last closed poll's results).
function poll({ poll: open, closedPoll, over }, act) {
  if (open) {
    const close = (publish) =>
      h(
        'button',
        {
          type: 'button',
          class: publish ? 'close-publish' : 'secondary close-hidden',
          disabled: over,
          onclick: () => act({ type: 'close_poll', poll_id: open.poll_id, publish }).catch(() => {}),
        },
        t(publish ? 'close_publish' : 'close_hidden'),
      );
    return [
      h('h4', null, open.question),
      results(open.options, open.counts || [], open.answered || 0),
      h('div', { class: 'actions' }, close(true), close(false)),
    ];
  }
  const question = h('input', {
    name: 'poll-question',
    maxlength: 300,
    'aria-label': t('poll_question'),
    placeholder: t('poll_question'),
  });
  const options = h('textarea', {
    name: 'poll-options',
    rows: 3,
    'aria-label': t('poll_options'),
    placeholder: t('poll_options'),
  });
  const multiple = h('input', { type: 'checkbox', name: 'poll-multiple' });
  const anonymous = h('input', { type: 'checkbox', name: 'poll-anonymous' });
  const status = h('span', { class: 'answer-status' });
  const openButton = h('button', { type: 'button', id: 'open-poll', disabled: over }, t('open_poll'));
  openButton.addEventListener('click', () => {
    const lines = options.value
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    act(
      {
        type: 'open_poll',
        question: question.value.trim(),
        options: lines,
        multiple: multiple.checked,
        anonymous: anonymous.checked,
      },
      status,
    ).catch(() => {});
  });
  return [
    closedPoll
      ? [
          h('h4', null, closedPoll.question),
          results(closedPoll.options, closedPoll.results.counts, closedPoll.results.answered),
        ]
      : null,
    question,
    options,
    h('label', { class: 'check' }, multiple, t('poll_multiple')),
    h('label', { class: 'check' }, anonymous, t('poll_anonymous')),
    h('div', { class: 'actions' }, openButton, status),
  ];
}

export const staffTools = { tools, poll };
