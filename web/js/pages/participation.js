// After a session: each trainee's taking part (chat, questions, upvotes, poll answers, hands,
// time on the floor, reactions, the level by the rules in docs/architecture.md) as a sortable
// table, the session's activity per minute as a chart (uPlot), and the downloads.
import { api } from '../api.js';
import { clear, clock, h, localTime, minutes, number } from '../dom.js';
import { errorText, language, t, withTexts } from '../i18n.js';
import { loadUplot } from '../uplot.js';

const LEVEL_RANK = { aktif: 0, cukup: 1, pasif: 2 };
const COLUMNS = [
  ['full_name', 'user_full_name', (r) => r.full_name, (r) => r.full_name],
  ['status', 'status', (r) => t(`attendance_${r.status}`), (r) => r.status],
  ['present', 'present_for', (r) => `${minutes(r.seconds_present)} ${t('minutes')}`, (r) => r.seconds_present],
  ['chat', 'p_chat', (r) => number(r.participation.chat, 0), (r) => r.participation.chat],
  ['questions', 'p_questions', (r) => number(r.participation.questions, 0), (r) => r.participation.questions],
  ['votes', 'p_votes', (r) => number(r.participation.votes, 0), (r) => r.participation.votes],
  [
    'poll_answers',
    'p_poll_answers',
    (r) => number(r.participation.poll_answers, 0),
    (r) => r.participation.poll_answers,
  ],
  ['hands', 'p_hands', (r) => number(r.participation.hands, 0), (r) => r.participation.hands],
  ['floor', 'p_floor', (r) => clock(r.participation.floor_seconds), (r) => r.participation.floor_seconds],
  ['reactions', 'p_reactions', (r) => number(r.participation.reactions, 0), (r) => r.participation.reactions],
  ['level', 'p_level', (r) => t(`level_${r.participation.level}`), (r) => LEVEL_RANK[r.participation.level]],
];

// The table, sorted by a column when its header is pressed (again: the other way).
function participationTable(rows) {
  let by = 'level';
  let down = false;
  const table = h('table', { class: 'report-table participation', id: 'participation' });
  const draw = () => {
    const [, , , key] = COLUMNS.find((c) => c[0] === by);
    const sorted = [...rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
      return (down ? -c : c) || a.full_name.localeCompare(b.full_name);
    });
    clear(
      table,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          COLUMNS.map(([name, label]) =>
            h(
              'th',
              { 'aria-sort': name === by ? (down ? 'descending' : 'ascending') : 'none', dataset: { column: name } },
              h(
                'button',
                {
                  type: 'button',
                  class: 'link sort',
                  onclick: () => {
                    down = name === by ? !down : name !== 'full_name' && name !== 'level';
                    by = name;
                    draw();
                  },
                },
                t(label),
              ),
            ),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        sorted.map((r) =>
          h(
            'tr',
            { dataset: { user: r.user_id, level: r.participation.level } },
            COLUMNS.map(([name, , shown]) =>
              h('td', { class: name === 'full_name' ? null : 'num', dataset: { column: name } }, shown(r)),
            ),
          ),
        ),
      ),
    );
  };
  draw();
  return table;
}

// Activity per minute: one line per kind, the minutes as local clock times.
function activityChart(uPlot, el, activity) {
  if (!activity || !activity.minutes) {
    el.append(h('p', { class: 'muted' }, t('none')));
    return null;
  }
  const start = Date.parse(activity.from);
  const labels = Array.from({ length: activity.minutes }, (_, i) =>
    localTime(new Date(start + i * 60000).toISOString()).slice(11),
  );
  const kinds = [
    ['chat', 'p_chat', '#0a6e5c'],
    ['questions', 'p_questions', '#a3261b'],
    ['votes', 'p_votes', '#6b7c89'],
    ['poll_answers', 'p_poll_answers', '#1f5fa8'],
    ['hands', 'p_hands', '#b7791f'],
    ['reactions', 'p_reactions', '#7b3fa0'],
  ];
  el.setAttribute('aria-label', `${t('axis_minute')} / ${t('axis_actions')}`);
  return new uPlot(
    {
      width: Math.min(720, el.clientWidth || 320),
      height: 240,
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [
        {
          label: t('axis_minute'),
          values: (u, splits) => splits.map((i) => (Number.isInteger(i) ? (labels[i] ?? '') : '')),
        },
        { label: t('axis_actions'), values: (u, splits) => splits.map((v) => number(v)) },
      ],
      series: [{ label: '' }, ...kinds.map(([, label, color]) => ({ label: t(label), stroke: color, width: 2 }))],
      legend: { show: true, live: false },
    },
    [labels.map((_, i) => i), ...kinds.map(([key]) => activity[key])],
    el,
  );
}

export async function render(view, args) {
  const id = Number(args[0]);
  const [uPlot, report] = await Promise.all([
    loadUplot(),
    api('GET', `/api/v1/reports/sessions/${id}/attendance`),
    withTexts('part'),
  ]);
  if (report.status !== 200) {
    clear(view, h('p', { class: 'error' }, errorText(report.error)));
    return null;
  }
  const r = report.data;
  const chart = h('div', { class: 'chart', id: 'chart-activity' });
  const download = (path, label) =>
    h(
      'li',
      null,
      `${label}: `,
      h('a', { href: `${path}?format=csv&lang=${language()}`, download: '', class: 'download-csv' }, 'CSV'),
      ' · ',
      h('a', { href: `${path}?format=xlsx&lang=${language()}`, download: '' }, 'XLSX'),
    );
  const levels = r.participation || {};
  clear(
    view,
    h(
      'div',
      { class: 'live-head' },
      h('a', { href: `#/dashboard/${id}` }, t('back')),
      h('a', { href: `#/reports/${r.session.training_id}` }, t('open_report')),
    ),
    h('h2', null, `${t('participation_title')}: ${r.session.title}`),
    h(
      'p',
      { id: 'level-summary' },
      ['aktif', 'cukup', 'pasif'].map((l) =>
        h('span', { class: `badge level-${l}`, dataset: { level: l } }, `${t(`level_${l}`)} ${levels[l] ?? 0}`),
      ),
    ),
    h('p', { class: 'muted small' }, t('participation_rules')),
    h('section', { class: 'card' }, participationTable(r.rows)),
    h('section', { class: 'card' }, h('h3', null, t('activity_chart')), chart),
    h(
      'section',
      { class: 'card' },
      h('h3', null, t('download')),
      h(
        'ul',
        null,
        download(`/api/v1/reports/sessions/${id}/attendance`, t('report_session')),
        download(`/api/v1/sessions/${id}/questions`, t('questions_title')),
        download(`/api/v1/sessions/${id}/polls`, t('poll')),
      ),
    ),
  );
  const plot = activityChart(uPlot, chart, r.activity);
  return () => plot?.destroy();
}
