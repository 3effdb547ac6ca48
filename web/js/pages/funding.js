// Sumber dana (admin): the funding sources (DAK, APBD, other) with their report as XLSX or CSV,
// and a form for a new one.
import { api } from '../api.js';
import { adminNav } from '../admin_ui.js';
import { clear, h } from '../dom.js';
import { field, jsonForm } from '../forms.js';
import { language, t } from '../i18n.js';

export async function render(view, args, session) {
  if (session.user.role !== 'admin') {
    location.hash = '#/';
    return null;
  }
  const body = h('tbody');
  async function show() {
    const items = (await api('GET', '/api/v1/funding-sources')).data || [];
    const report = (f, format) =>
      h(
        'a',
        { href: `/api/v1/reports/funding-sources/${f.id}?format=${format}&lang=${language()}` },
        format.toUpperCase(),
      );
    clear(
      body,
      items.length
        ? items.map((f) =>
            h(
              'tr',
              { dataset: { funding: f.id } },
              h('td', null, f.code),
              h('td', null, f.name),
              h('td', null, f.kind),
              h('td', null, String(f.fiscal_year)),
              h('td', { class: 'number' }, `Rp ${Number(f.amount_idr).toLocaleString('id-ID')}`),
              h('td', null, h('a', { href: `#/admin?funding=${f.id}` }, t('trainings'))),
              h('td', null, report(f, 'xlsx'), ' ', report(f, 'csv')),
            ),
          )
        : h('tr', null, h('td', { colspan: 7, class: 'muted' }, t('none'))),
    );
  }
  const form = jsonForm(
    [
      field(t('code'), 'code'),
      field(t('name'), 'name'),
      field(t('kind'), 'kind', {
        options: [
          ['DAK', 'DAK'],
          ['APBD', 'APBD'],
          ['other', t('kind_other')],
        ],
      }),
      field(t('fiscal_year'), 'fiscal_year', { type: 'number', value: new Date().getFullYear() }),
      field(t('amount'), 'amount_idr', { type: 'number', min: 0 }),
    ],
    t('add_funding'),
    async (v) => {
      const res = await api('POST', '/api/v1/funding-sources', {
        ...v,
        fiscal_year: Number(v.fiscal_year),
        amount_idr: Number(v.amount_idr),
      });
      if (res.status === 201) show();
      return res;
    },
  );
  form.id = 'funding-form';
  clear(
    view,
    adminNav('funding'),
    h('h2', null, t('funding')),
    h(
      'table',
      { class: 'report-table', id: 'funding' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [t('code'), t('name'), t('kind'), t('fiscal_year'), t('amount'), '', t('reports')].map((c) =>
            h('th', null, c),
          ),
        ),
      ),
      body,
    ),
    h('section', { class: 'card' }, h('h3', null, t('add_funding')), form),
  );
  await show();
  return null;
}
