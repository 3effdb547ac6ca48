// Pengguna (users, admin): search by name, username, NIK, NIB, phone or e-mail, page by page;
// open a user to edit the profile, reset the password (the temporary one shown once) and
// deactivate or reactivate; create one user or import a CSV with per-line errors.
import { api, nextPage } from '../api.js';
import { adminNav } from '../admin_ui.js';
import { clear, h } from '../dom.js';
import { field, jsonForm } from '../forms.js';
import { errorText, t } from '../i18n.js';

const PROFILE = [
  'full_name',
  'phone',
  'email',
  'nik',
  'nib',
  'business_name',
  'business_sector',
  'region_code',
  'notify_channel',
  'language',
];
// The fields chosen from a list, with their choices.
const CHOICES = {
  notify_channel: () => [
    ['', t('channel_auto')],
    ['whatsapp', 'WhatsApp'],
    ['email', t('user_email')],
    ['none', t('channel_none')],
  ],
  language: () => [
    ['id', 'Bahasa Indonesia'],
    ['en', 'English'],
  ],
};

// One user's panel: profile form, password reset, (de)activation.
function userPanel(u, onChanged) {
  const panel = h(
    'section',
    { class: 'card', id: 'user-panel', dataset: { user: u.id } },
    h('h3', null, `${u.full_name} (${u.username})`),
  );
  const form = jsonForm(
    PROFILE.map((name) =>
      field(t(`user_${name}`), name, CHOICES[name] ? { options: CHOICES[name]() } : { value: u[name] ?? '' }),
    ),
    t('save'),
    async (v) => {
      const body = {};
      for (const name of PROFILE)
        if ((v[name] ?? '') !== (u[name] ?? '')) body[name] = v[name] === '' && name !== 'full_name' ? null : v[name];
      if (!Object.keys(body).length) return { status: 200 };
      const res = await api('PATCH', `/api/v1/users/${u.id}`, body);
      if (res.status === 200) {
        Object.assign(u, res.data);
        onChanged();
      }
      return res;
    },
  );
  form.id = 'user-form';
  for (const name of Object.keys(CHOICES))
    form.querySelector(`select[name=${name}]`).value = u[name] ?? (name === 'language' ? 'id' : '');
  const shown = h('p', { id: 'temporary-password', class: 'notice', hidden: true });
  const reset = h('button', { type: 'button', id: 'reset-password' }, t('reset_password'));
  reset.addEventListener('click', async () => {
    if (!window.confirm(t('reset_password_confirm'))) return;
    const res = await api('POST', `/api/v1/users/${u.id}/password-reset`, {});
    shown.hidden = false;
    shown.textContent =
      res.status === 200 ? `${t('temporary_password')}: ${res.data.temporary_password}` : errorText(res.error);
  });
  const toggle = h(
    'button',
    { type: 'button', id: 'toggle-active', class: u.active ? 'danger' : '' },
    t(u.active ? 'deactivate' : 'reactivate'),
  );
  toggle.addEventListener('click', async () => {
    const res = await api('PATCH', `/api/v1/users/${u.id}`, { active: !u.active });
    if (res.status === 200) {
      Object.assign(u, res.data);
      onChanged();
      clear(panel, userPanel(u, onChanged).childNodes);
    } else (shown.textContent = errorText(res.error)), (shown.hidden = false);
  });
  panel.append(
    form,
    h('div', { class: 'actions' }, reset, toggle),
    shown,
    u.active ? null : h('p', { class: 'muted' }, t('user_inactive')),
  );
  return panel;
}

function createForms(reload) {
  const create = jsonForm(
    [
      field(t('username'), 'username', { required: true }),
      field(t('password'), 'password', { type: 'password', required: true }),
      field(t('user_full_name'), 'full_name', { required: true }),
      field(t('role'), 'role', {
        options: [
          ['trainee', t('role_trainee')],
          ['trainer', t('role_trainer')],
          ['admin', t('role_admin')],
        ],
      }),
      field(t('user_phone'), 'phone'),
      field(t('user_email'), 'email'),
      field(t('user_nib'), 'nib'),
    ],
    t('create_user'),
    async (v) => {
      const body = { ...v, must_change_password: true };
      for (const k of ['phone', 'email', 'nib']) if (!body[k]) delete body[k];
      const res = await api('POST', '/api/v1/users', body);
      if (res.status === 201) reload();
      return res;
    },
  );
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': t('import_csv') });
  const lines = h('ul', { class: 'errors', id: 'import-errors' });
  const status = h('p', { role: 'status' });
  const upload = h('button', { type: 'button' }, t('import_csv'));
  upload.addEventListener('click', async () => {
    const f = file.files[0];
    if (!f) return;
    const res = await api('POST', '/api/v1/users/import', await f.text(), { contentType: 'text/csv' });
    status.textContent = res.status === 201 ? `${res.data.imported} ${t('imported')}` : errorText(res.error);
    clear(
      lines,
      (res.error?.lines || []).map((l) =>
        h('li', null, `${t('line')} ${l.line}: ${l.field ? `${t(`user_${l.field}`)} — ` : ''}${l.message}`),
      ),
    );
    if (res.status === 201) reload();
  });
  return h(
    'details',
    { class: 'card' },
    h('summary', null, t('add_users')),
    create,
    h('div', { class: 'actions' }, file, upload),
    status,
    lines,
  );
}

export async function render(view, args, session) {
  if (session.user.role !== 'admin') {
    location.hash = '#/';
    return null;
  }
  const search = h('input', {
    type: 'search',
    id: 'user-search',
    placeholder: t('user_search_hint'),
    'aria-label': t('search'),
  });
  const role = h(
    'select',
    { 'aria-label': t('role') },
    [
      ['', t('all_roles')],
      ['trainee', t('role_trainee')],
      ['trainer', t('role_trainer')],
      ['admin', t('role_admin')],
    ].map(([v, text]) => h('option', { value: v }, text)),
  );
  const body = h('tbody');
  const more = h('button', { type: 'button', id: 'more-users', hidden: true }, t('load_more'));
  const panelBox = h('div');
  let next = null;
  const row = (u) =>
    h(
      'tr',
      {
        dataset: { user: u.id },
        class: u.active ? '' : 'inactive',
        onclick: () =>
          clear(
            panelBox,
            userPanel(u, () => clear(body) || load()),
          ),
      },
      h('td', null, u.username),
      h('td', null, u.full_name),
      h('td', null, t(`role_${u.role}`)),
      h('td', null, u.phone || ''),
      h('td', null, u.nib || ''),
      h('td', null, u.active ? t('active') : t('inactive')),
    );
  async function page(path) {
    const res = await api('GET', path);
    if (res.status !== 200) {
      clear(body, h('tr', null, h('td', { colspan: 6, class: 'error' }, errorText(res.error))));
      return;
    }
    body.append(...res.data.map(row));
    next = nextPage(res.link);
    more.hidden = !next;
  }
  function load() {
    clear(body);
    const q = new URLSearchParams();
    if (search.value.trim()) q.set('q', search.value.trim());
    if (role.value) q.set('role', role.value);
    return page(`/api/v1/users?${q}`);
  }
  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(load, 300);
  });
  role.addEventListener('change', load);
  more.addEventListener('click', () => next && page(next));
  clear(
    view,
    adminNav('users'),
    h('h2', null, t('users_page')),
    h('div', { class: 'actions' }, search, role),
    h(
      'table',
      { class: 'report-table', id: 'users' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [t('username'), t('user_full_name'), t('role'), t('user_phone'), t('user_nib'), t('status')].map((c) =>
            h('th', null, c),
          ),
        ),
      ),
      body,
    ),
    more,
    panelBox,
    createForms(load),
  );
  await load();
  return () => clearTimeout(typing);
}
