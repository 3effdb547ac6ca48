// The live chat as trainees and trainers see it: a line (with delete and mute for staff) and the
// box with its list and send form (a line shows once the server acknowledged it).
import { clear, h } from '../dom.js';
import { errorText, t } from '../i18n.js';

export function chatLine(m, { staff, onDelete, onMute } = {}) {
  return h(
    'li',
    { dataset: { seq: m.seq } },
    h('strong', null, m.from?.name || ''),
    ': ',
    h('span', { class: 'chat-text' }, m.text),
    staff
      ? h(
          'span',
          { class: 'chat-tools' },
          h('button', { type: 'button', class: 'link', onclick: () => onDelete(m) }, t('delete')),
          m.from?.role === 'trainee'
            ? h('button', { type: 'button', class: 'link', onclick: () => onMute(m) }, t('mute'))
            : null,
        )
      : null,
  );
}

export function chatBox(client, opts = {}) {
  const list = h('ul', { class: 'chat-list', 'aria-live': 'polite' });
  const input = h('input', { name: 'chat', maxlength: 500, autocomplete: 'off', 'aria-label': t('chat') });
  const form = h('form', { class: 'chat-form' }, input, h('button', { type: 'submit' }, t('send')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    client
      .request({ type: 'chat', text })
      .then(() => {
        input.value = '';
      })
      .catch((e) => {
        input.setCustomValidity(errorText(e));
        input.reportValidity();
      });
  });
  input.addEventListener('input', () => input.setCustomValidity(''));
  return {
    el: h('section', { class: 'card chat' }, h('h3', null, t('chat')), list, form),
    reset(messages) {
      clear(
        list,
        messages.map((m) => chatLine(m, opts)),
      );
    },
    add(m) {
      list.append(chatLine(m, opts));
      while (list.children.length > 100) list.firstChild.remove();
      list.scrollTop = list.scrollHeight;
    },
    remove(seq) {
      list.querySelector(`[data-seq="${seq}"]`)?.remove();
    },
    // The session ended: the history stays readable, nothing more can be sent.
    close() {
      for (const control of form.elements) control.disabled = true;
    },
  };
}
