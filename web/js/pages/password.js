// Choosing one's own password: the screen a reset or an import forces at the next sign-in, and
// the form on everyone's own page. Loaded only when one of them shows.
import { api } from '../api.js';
import { h } from '../dom.js';
import { errorText, t } from '../i18n.js';

const MIN_LENGTH = 8;

// The form: current and new password (twice); `onDone` after the server accepted it.
export function passwordForm(onDone) {
  const status = h('p', { class: 'form-status', role: 'status', id: 'password-status' });
  const input = (name, label, autocomplete) =>
    h(
      'label',
      { class: 'field' },
      h('span', null, label),
      h('input', {
        name,
        type: 'password',
        autocomplete,
        required: true,
        minlength: name === 'current' ? 1 : MIN_LENGTH,
        maxlength: 128,
      }),
    );
  const form = h(
    'form',
    { class: 'grid-form password-form', id: 'password-form', novalidate: true },
    input('current', t('current_password'), 'current-password'),
    input('new', t('new_password'), 'new-password'),
    input('again', t('new_password_again'), 'new-password'),
    h('button', { type: 'submit' }, t('change_password')),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = Object.fromEntries(new FormData(form).entries());
    status.classList.add('error');
    if (v.new.length < MIN_LENGTH) {
      status.textContent = t('password_too_short');
      return;
    }
    if (v.new !== v.again) {
      status.textContent = t('passwords_differ');
      return;
    }
    const res = await api('POST', '/api/v1/me/password', { current: v.current, new: v.new });
    if (res.status === 204) {
      status.classList.remove('error');
      status.textContent = t('password_changed');
      form.reset();
      onDone?.();
      return;
    }
    status.textContent = errorText(res.error);
  });
  return form;
}

// How I am reached outside the app (WhatsApp, e-mail or not at all) and in which language.
export function preferencesForm(user) {
  const status = h('p', { class: 'form-status', role: 'status' });
  const select = (name, label, options, value) => {
    const el = h(
      'select',
      { name },
      options.map(([v, text]) => h('option', { value: v }, text)),
    );
    el.value = value;
    return h('label', { class: 'field' }, h('span', null, label), el);
  };
  const form = h(
    'form',
    { class: 'grid-form', id: 'preferences-form' },
    select(
      'notify_channel',
      t('notify_channel'),
      [
        ['', t('channel_auto')],
        ['whatsapp', 'WhatsApp'],
        ['email', t('user_email')],
        ['none', t('channel_none')],
      ],
      user.notify_channel || '',
    ),
    select(
      'language',
      t('message_language'),
      [
        ['id', 'Bahasa Indonesia'],
        ['en', 'English'],
      ],
      user.language || 'id',
    ),
    h('button', { type: 'submit' }, t('save')),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = Object.fromEntries(new FormData(form).entries());
    const res = await api('PATCH', '/api/v1/me', { notify_channel: v.notify_channel || null, language: v.language });
    status.textContent = res.status === 200 ? t('saved') : errorText(res.error);
    if (res.status === 200) Object.assign(user, res.data);
  });
  return form;
}

// The forced change: nothing else is reachable until it is done.
export function forcedChangePage(onDone) {
  return h(
    'section',
    { class: 'card', id: 'forced-change' },
    h('h2', null, t('forced_change_title')),
    h('p', null, t('forced_change_text')),
    passwordForm(onDone),
  );
}
