// Pembatasan (admin): gathering restrictions per region with their history (in force, coming,
// ended), recording a new one and lifting one in force (it ends today). Recording or lifting
// one re-decides the delivery of the region's sessions at once.
import { api, apiAll } from '../api.js';
import { adminNav } from '../admin_ui.js';
import { clear, h, localDate } from '../dom.js';
import { field, jsonForm } from '../forms.js';
import { errorText, t } from '../i18n.js';

// Today in WIB, as the restrictions' dates are written.
const today = () => new Date(Date.now() + 7 * 3600000).toISOString().slice(0, 10);

function stateOf(r) {
  if (r.starts_on > today()) return 'coming';
  if (r.ends_on && r.ends_on < today()) return 'ended';
  return 'in_force';
}

function restrictionRow(r, reload) {
  const state = stateOf(r);
  const lift = state === 'ended' ? null : h('button', { type: 'button', class: 'link lift' }, t('lift'));
  lift?.addEventListener('click', async () => {
    const res = await api('PATCH', `/api/v1/restrictions/${r.id}`, { ends_on: today() });
    if (res.status === 200) reload();
    else lift.after(h('span', { class: 'error', role: 'alert' }, ` ${errorText(res.error)}`));
  });
  return h(
    'tr',
    { dataset: { restriction: r.id }, class: `restriction-${state}` },
    h('td', null, r.label),
    h('td', null, localDate(r.starts_on)),
    h('td', null, r.ends_on ? localDate(r.ends_on) : '…'),
    h('td', null, String(r.max_gathering)),
    h('td', null, r.reference),
    h('td', null, h('span', { class: `state state-${state}` }, t(`restriction_${state}`))),
    h('td', null, lift),
  );
}

export async function render(view, args, session) {
  if (session.user.role !== 'admin') {
    location.hash = '#/';
    return null;
  }
  const regions = (await api('GET', '/api/v1/regions')).data || [];
  // Each region's restrictions, to open on one with a restriction in force (else coming, else
  // any) and to mark those in the list.
  const states = await Promise.all(
    regions.map(async (r) => {
      const res = await api('GET', `/api/v1/regions/${encodeURIComponent(r.code)}/restrictions?limit=100`);
      return new Set(res.status === 200 ? res.data.map(stateOf) : []);
    }),
  );
  const regionSelect = h(
    'select',
    { name: 'region', 'aria-label': t('region') },
    regions.map((r, i) =>
      h('option', { value: r.code }, states[i].has('in_force') ? `${r.name} (${t('state_in_force')})` : r.name),
    ),
  );
  const first = ['in_force', 'coming', 'ended'].map((s) => states.findIndex((set) => set.has(s))).find((i) => i >= 0);
  if (first !== undefined) regionSelect.value = regions[first].code;
  if (args[0] && regions.some((r) => r.code === decodeURIComponent(args[0])))
    regionSelect.value = decodeURIComponent(args[0]);
  const history = h('tbody');
  async function show() {
    const res = await apiAll(`/api/v1/regions/${encodeURIComponent(regionSelect.value)}/restrictions`);
    if (res.status !== 200) {
      clear(history, h('tr', null, h('td', { colspan: 7, class: 'error' }, errorText(res.error))));
      return;
    }
    // Newest first: the one in force or coming on top, the history below.
    const items = [...res.data].sort((a, b) =>
      a.starts_on < b.starts_on ? 1 : a.starts_on > b.starts_on ? -1 : b.id - a.id,
    );
    clear(
      history,
      items.length
        ? items.map((r) => restrictionRow(r, show))
        : h('tr', null, h('td', { colspan: 7, class: 'muted' }, t('no_restrictions'))),
    );
  }
  regionSelect.addEventListener('change', show);
  const form = jsonForm(
    [
      field(t('starts_on'), 'starts_on', { type: 'date', value: today() }),
      field(t('ends_on'), 'ends_on', { type: 'date' }),
      field(t('max_gathering'), 'max_gathering', { type: 'number', min: 0, value: 5 }),
      field(t('label'), 'label', { value: 'PPKM' }),
      field(t('reference'), 'reference'),
    ],
    t('add_restriction'),
    async (v) => {
      const body = {
        starts_on: v.starts_on,
        max_gathering: Number(v.max_gathering),
        label: v.label,
        reference: v.reference,
      };
      if (v.ends_on) body.ends_on = v.ends_on;
      const res = await api('POST', `/api/v1/regions/${encodeURIComponent(regionSelect.value)}/restrictions`, body);
      if (res.status === 201) show();
      return res;
    },
  );
  form.id = 'restriction-form';
  clear(
    view,
    adminNav('restrictions'),
    h('h2', null, t('restrictions_page')),
    h(
      'section',
      { class: 'card', id: 'restrictions' },
      h('div', { class: 'actions' }, h('span', null, t('region')), regionSelect),
      h(
        'table',
        { class: 'report-table', id: 'restriction-history' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [t('label'), t('starts_on'), t('ends_on'), t('max_gathering'), t('reference'), t('status'), ''].map((c) =>
              h('th', null, c),
            ),
          ),
        ),
        history,
      ),
      h('h3', null, t('add_restriction')),
      form,
    ),
  );
  await show();
  return null;
}
