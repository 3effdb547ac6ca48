// Pesan keluar (admin): messages sent outside the app, counted by channel and state, then listed
// page by page for one state (failures first, with the provider's answer); a failed, expired or
// cancelled message can be sent again, a waiting one cancelled.
import { api } from '../api.js';
import { adminNav, pagedTable } from '../admin_ui.js';
import { clear, h, localTime } from '../dom.js';
import { errorText, t } from '../i18n.js';

const STATES = ['pending', 'sending', 'sent', 'failed', 'expired', 'cancelled'];
const CHANNELS = ['whatsapp', 'email'];

function summaryTable(summary) {
  return h(
    'table',
    { class: 'report-table', id: 'outbox-summary' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, t('channel')),
        STATES.map((s) => h('th', null, t(`outbox_${s}`))),
      ),
    ),
    h(
      'tbody',
      null,
      CHANNELS.map((c) =>
        h(
          'tr',
          { dataset: { channel: c } },
          h(
            'th',
            null,
            c === 'email' ? t('user_email') : 'WhatsApp',
            summary.configured[c]
              ? null
              : h(
                  'div',
                  { class: 'muted small channel-hint' },
                  `${t('channel_not_configured')} ${t(c === 'email' ? 'configure_email' : 'configure_whatsapp')}`,
                ),
          ),
          STATES.map((s) => h('td', { class: 'number', dataset: { state: s } }, String(summary.counts[c][s]))),
        ),
      ),
    ),
  );
}

export async function render(view, args, session) {
  if (session.user.role !== 'admin') {
    location.hash = '#/';
    return null;
  }
  const summaryBox = h('div');
  const state = h(
    'select',
    { id: 'outbox-state', 'aria-label': t('status') },
    STATES.map((s) => h('option', { value: s }, t(`outbox_${s}`))),
  );
  state.value = 'failed';
  async function refreshSummary() {
    const res = await api('GET', '/api/v1/outbox/summary');
    clear(summaryBox, res.status === 200 ? summaryTable(res.data) : h('p', { class: 'error' }, errorText(res.error)));
  }
  const act = async (row, verb, cell) => {
    const res = await api('POST', `/api/v1/outbox/${row.id}/${verb}`, {});
    if (res.status === 200) {
      await refreshSummary();
      load();
    } else cell.append(h('span', { class: 'error', role: 'alert' }, ` ${errorText(res.error)}`));
  };
  const list = pagedTable({
    id: 'outbox',
    empty: t('none'),
    columns: [
      t('audit_at'),
      t('audit_actor'),
      t('channel'),
      t('message_kind'),
      t('attempts'),
      t('provider_answer'),
      '',
    ],
    row: (m) => {
      const cell = h('td');
      if (['failed', 'expired', 'cancelled'].includes(m.state))
        cell.append(
          h('button', { type: 'button', class: 'link retry', onclick: () => act(m, 'retry', cell) }, t('send_again')),
        );
      if (m.state === 'pending')
        cell.append(
          h(
            'button',
            { type: 'button', class: 'link cancel', onclick: () => act(m, 'cancel', cell) },
            t('cancel_message'),
          ),
        );
      return h(
        'tr',
        { dataset: { message: m.id } },
        h('td', null, localTime(m.updated_at)),
        h('td', null, `${m.user.full_name} (${m.user.username})`),
        h('td', null, m.channel === 'email' ? t('user_email') : 'WhatsApp'),
        h('td', null, t(`kind_${m.kind}`)),
        h('td', { class: 'number' }, String(m.attempts)),
        h('td', { class: 'detail' }, m.provider_answer || ''),
        cell,
      );
    },
  });
  const load = () => list.load(`/api/v1/outbox?state=${state.value}`);
  state.addEventListener('change', load);
  clear(
    view,
    adminNav('outbox'),
    h('h2', null, t('outbox_page')),
    summaryBox,
    h('div', { class: 'actions filters' }, h('span', null, t('status')), state),
    list.element,
  );
  await Promise.all([refreshSummary(), load()]);
  return null;
}
