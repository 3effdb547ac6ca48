// Log audit (admin): every recorded action, newest first, page by page; filtered by the user who
// acted (their username) and by the kind of action (a family such as "user." or one action).
import { api } from '../api.js';
import { adminNav, pagedTable } from '../admin_ui.js';
import { clear, h, localTime } from '../dom.js';
import { t } from '../i18n.js';

const FAMILIES = [
  'attendance.',
  'certificate.',
  'funding_source.',
  'outbox.',
  'quiz.',
  'recording.',
  'region.',
  'restriction.',
  'session.',
  'training.',
  'user.',
];

// A text of the UI's language when it has one, else `fallback` (audit entries name actions and
// fields the UI may not know yet: they show readable, never as a missing text).
const known = (key, fallback) => {
  const text = t(key, { optional: true });
  return text === undefined ? fallback : text;
};

// "session.end" as "mengakhiri sesi".
const actionText = (action) => known(`act_${action.replace(/\./g, '_')}`, action.replace(/[._]/g, ' '));

// "session:4" as "Sesi #4".
function targetText(target) {
  if (!target) return '';
  const [kind, ...rest] = target.split(':');
  const id = rest.join(':');
  return `${known(`target_${kind}`, kind.replace(/_/g, ' '))} ${/^\d+$/.test(id) ? `#${id}` : id}`;
}

// The detail object as short "field: value" text (nested values as JSON).
function detailText(detail) {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail)
    .map(([k, v]) => `${known(`detail_${k}`, k.replace(/_/g, ' '))}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' · ');
}

export async function render(view, args, session) {
  if (session.user.role !== 'admin') {
    location.hash = '#/';
    return null;
  }
  const actor = h('input', {
    type: 'search',
    id: 'audit-actor',
    placeholder: t('audit_actor_hint'),
    'aria-label': t('audit_actor'),
  });
  const action = h(
    'select',
    { id: 'audit-action', 'aria-label': t('audit_action') },
    h('option', { value: '' }, t('all_actions')),
    FAMILIES.map((f) => h('option', { value: f }, t(`audit_${f.slice(0, -1)}`))),
  );
  const note = h('p', { class: 'muted', role: 'status' });
  const list = pagedTable({
    id: 'audit',
    empty: t('no_audit'),
    columns: [t('audit_at'), t('audit_actor'), t('audit_action'), t('audit_target'), t('audit_detail')],
    row: (e) =>
      h(
        'tr',
        { dataset: { entry: e.id } },
        h('td', null, localTime(e.at)),
        h('td', null, e.actor ? `${e.actor.full_name} (${e.actor.username})` : t('system')),
        h('td', { dataset: { action: e.action } }, actionText(e.action)),
        h('td', null, targetText(e.target)),
        h('td', { class: 'detail' }, detailText(e.detail)),
      ),
  });
  // The username typed, as the id the API filters by (exact match among the search results).
  async function actorId() {
    const name = actor.value.trim();
    if (!name) return '';
    const res = await api('GET', `/api/v1/users?q=${encodeURIComponent(name)}&limit=50`);
    const found = (res.data || []).find((u) => u.username === name);
    return found ? String(found.id) : null;
  }
  async function load() {
    note.textContent = '';
    const q = new URLSearchParams();
    const id = await actorId();
    if (id === null) {
      note.textContent = t('audit_unknown_user');
      list.empty();
      return;
    }
    if (id) q.set('actor_id', id);
    if (action.value) q.set('action', action.value);
    q.set('limit', '100');
    return list.load(`/api/v1/audit?${q}`);
  }
  actor.addEventListener('change', load);
  action.addEventListener('change', load);
  clear(
    view,
    adminNav('audit'),
    h('h2', null, t('audit_page')),
    h('div', { class: 'actions filters' }, actor, action),
    note,
    list.element,
  );
  await load();
  return null;
}
