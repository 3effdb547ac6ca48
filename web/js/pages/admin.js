// Pelatihan (admin, the administration's first page): every training, searchable by title and
// filtered by region, fiscal year and funding source, page by page; each opens its own page.
// A form adds a training. Filters can come in the address (#/admin?funding=3).
import { api } from '../api.js';
import { adminNav, pagedTable } from '../admin_ui.js';
import { clear, h } from '../dom.js';
import { field, jsonForm } from '../forms.js';
import { t } from '../i18n.js';

function newTrainingForm(regions, funding, opened) {
  const form = jsonForm(
    [
      field(t('title'), 'title'),
      field(t('region'), 'region_code', { options: regions.map((r) => [r.code, r.name]) }),
      field(t('funding'), 'funding_source_id', { options: funding.map((f) => [f.id, f.code]) }),
      field(t('planned_mode'), 'planned_mode', {
        options: ['in_person', 'online', 'hybrid'].map((m) => [m, t(`mode_${m}`)]),
      }),
      field(t('switch_policy'), 'switch_policy', {
        options: [
          ['auto', t('policy_auto')],
          ['approval', t('policy_approval')],
        ],
      }),
    ],
    t('add_training'),
    async (v) => {
      const res = await api('POST', '/api/v1/trainings', { ...v, funding_source_id: Number(v.funding_source_id) });
      if (res.status === 201) opened(res.data.id);
      return res;
    },
  );
  form.id = 'training-form';
  return h('details', { class: 'card' }, h('summary', null, t('add_training')), form);
}

export async function render(view, args, session) {
  if (session.user.role !== 'admin') {
    location.hash = '#/';
    return null;
  }
  const [regionsRes, fundingRes] = await Promise.all([
    api('GET', '/api/v1/regions'),
    api('GET', '/api/v1/funding-sources'),
  ]);
  const regions = regionsRes.data || [];
  const funding = fundingRes.data || [];
  const fundingCode = new Map(funding.map((f) => [f.id, f.code]));
  const given = new URLSearchParams(location.hash.split('?')[1] || '');
  const search = h('input', {
    type: 'search',
    id: 'training-search',
    placeholder: t('training_search_hint'),
    'aria-label': t('search'),
    value: given.get('q') || '',
  });
  const option = (value, text) => h('option', { value }, text);
  const region = h(
    'select',
    { id: 'training-region', 'aria-label': t('region') },
    option('', t('all_regions')),
    regions.map((r) => option(r.code, r.name)),
  );
  const years = [...new Set(funding.map((f) => f.fiscal_year))].sort((a, b) => b - a);
  const year = h(
    'select',
    { id: 'training-year', 'aria-label': t('fiscal_year') },
    option('', t('all_years')),
    years.map((y) => option(y, String(y))),
  );
  const source = h(
    'select',
    { id: 'training-funding', 'aria-label': t('funding') },
    option('', t('all_funding')),
    funding.map((f) => option(f.id, f.code)),
  );
  region.value = given.get('region') || '';
  year.value = given.get('year') || '';
  source.value = given.get('funding') || '';
  const list = pagedTable({
    id: 'trainings',
    empty: t('no_trainings'),
    columns: [t('title'), t('region'), t('planned_mode'), t('switch_policy'), t('funding'), ''],
    row: (tr) =>
      h(
        'tr',
        { dataset: { training: tr.id } },
        h('td', null, h('a', { href: `#/training/${tr.id}` }, tr.title)),
        h('td', null, regions.find((r) => r.code === tr.region_code)?.name ?? tr.region_code),
        h('td', null, t(`mode_${tr.planned_mode}`)),
        h('td', null, t(tr.switch_policy === 'auto' ? 'policy_auto' : 'policy_approval')),
        h('td', null, fundingCode.get(tr.funding_source_id) || ''),
        h('td', null, h('a', { href: `#/reports/${tr.id}` }, t('reports'))),
      ),
  });
  function load() {
    const q = new URLSearchParams();
    if (search.value.trim()) q.set('q', search.value.trim());
    if (region.value) q.set('region', region.value);
    if (year.value) q.set('year', year.value);
    if (source.value) q.set('funding_source_id', source.value);
    return list.load(`/api/v1/trainings?${q}`);
  }
  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(load, 300);
  });
  for (const s of [region, year, source]) s.addEventListener('change', load);
  clear(
    view,
    adminNav('admin'),
    h('h2', null, t('trainings')),
    h('div', { class: 'actions filters' }, search, region, year, source),
    list.element,
    newTrainingForm(regions, funding, (id) => {
      location.hash = `#/training/${id}`;
    }),
  );
  await load();
  return () => clearTimeout(typing);
}
