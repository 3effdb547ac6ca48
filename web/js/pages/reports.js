// Reports of a training with charts (uPlot, served from /vendor) and downloads (CSV, XLSX):
// attendance per session, completion and pre/post scores.
import { api } from '../api.js';
import { clear, clock, h, number } from '../dom.js';
import { errorText, language, t } from '../i18n.js';
import { loadUplot } from '../uplot.js';

// A bar chart with its axes named (`axes`: [x label, y label]) and a legend of the series.
function barChart(uPlot, el, labels, series, axes) {
  if (!labels.length) {
    el.append(h('p', { class: 'muted' }, t('none')));
    return null;
  }
  const width = Math.min(640, el.clientWidth || 320);
  // The axes are drawn on the canvas; screen readers (and the browser tests) read them here.
  el.setAttribute('aria-label', axes.filter(Boolean).join(' / '));
  const x = labels.map((_, i) => i);
  return new uPlot(
    {
      width,
      height: 220,
      scales: {
        x: { time: false, range: [-0.5, labels.length - 0.5] },
        y: { range: (u, min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { label: axes[0], values: (u, splits) => splits.map((i) => (Number.isInteger(i) ? (labels[i] ?? '') : '')) },
        { label: axes[1], values: (u, splits) => splits.map((v) => number(v)) },
      ],
      // Side by side: with two series the first leans left of the tick, the second right.
      series: [
        { label: '' },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color,
          fill: `${s.color}aa`,
          paths: uPlot.paths.bars({
            size: [series.length > 1 ? 0.35 : 0.6, 60],
            align: series.length > 1 ? (i === 0 ? -1 : 1) : 0,
          }),
        })),
      ],
      legend: { show: true, live: false },
    },
    [x, ...series.map((s) => s.values)],
    el,
  );
}

// Replays per trainee and session: seconds of the recording played, apart from live presence,
// and whether the session counts as attended by replay.
function replayTable(m) {
  const lines = [];
  for (const r of m.rows) {
    r.sessions.forEach((cell, k) => {
      if (!cell.seconds_replayed) return;
      lines.push(
        h(
          'tr',
          { dataset: { user: r.user_id, session: cell.session_id } },
          h('td', null, r.full_name),
          h('td', null, m.sessions[k].title),
          h('td', { class: 'num seconds-replayed' }, clock(cell.seconds_replayed)),
          h('td', null, cell.attended_by_replay ? t('attended_by_replay') : ''),
        ),
      );
    });
  }
  if (!lines.length) return h('p', { class: 'muted', id: 'replay-table' }, t('none'));
  return h(
    'table',
    { class: 'report-table', id: 'replay-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, t('name')),
        h('th', null, t('sessions')),
        h('th', null, t('seconds_replayed')),
        h('th', null, ''),
      ),
    ),
    h('tbody', null, lines),
  );
}

export async function render(view, args) {
  const id = Number(args[0]);
  const [uPlot, matrix, completion, prepost] = await Promise.all([
    loadUplot(),
    api('GET', `/api/v1/reports/trainings/${id}/attendance`),
    api('GET', `/api/v1/reports/trainings/${id}/completion`),
    api('GET', `/api/v1/reports/trainings/${id}/pre-post`),
  ]);
  if (matrix.status !== 200) {
    clear(view, h('p', { class: 'error' }, errorText(matrix.error)));
    return null;
  }
  const m = matrix.data;
  const downloads = (path, label) =>
    h(
      'li',
      null,
      `${label}: `,
      h('a', { href: `${path}?format=csv&lang=${language()}`, download: '', class: 'download-csv' }, 'CSV'),
      ' · ',
      h('a', { href: `${path}?format=xlsx&lang=${language()}`, download: '' }, 'XLSX'),
    );
  const attendanceChart = h('div', { class: 'chart', id: 'chart-attendance' });
  const completionChart = h('div', { class: 'chart', id: 'chart-completion' });
  const gainChart = h('div', { class: 'chart', id: 'chart-gain' });
  const c = completion.data;
  const p = prepost.data;
  clear(
    view,
    h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back'))),
    h('h2', null, `${t('reports')}: ${m.training.title}`),
    h('section', { class: 'card' }, h('h3', null, t('attendance_chart')), attendanceChart),
    h(
      'section',
      { class: 'card' },
      h('h3', null, t('completion_chart')),
      c ? h('p', null, `${c.completed}/${c.trainees} ${t('completed')}`) : null,
      completionChart,
    ),
    h('section', { class: 'card' }, h('h3', null, t('replay')), replayTable(m)),
    h(
      'section',
      { class: 'card' },
      h('h3', null, t('gain_chart')),
      p && p.mean_gain !== null ? h('p', null, `${t('mean_gain')}: ${number(p.mean_gain)} ${t('points')}`) : null,
      gainChart,
    ),
    h(
      'section',
      { class: 'card' },
      h('h3', null, t('download')),
      h(
        'ul',
        null,
        downloads(`/api/v1/reports/trainings/${id}/attendance`, t('report_matrix')),
        downloads(`/api/v1/reports/trainings/${id}/completion`, t('report_completion')),
        downloads(`/api/v1/reports/trainings/${id}/pre-post`, t('report_prepost')),
        m.sessions
          .filter((s) => s.status === 'ended' || s.status === 'live')
          .map((s) => downloads(`/api/v1/reports/sessions/${s.id}/attendance`, `${t('report_session')}: ${s.title}`)),
      ),
    ),
  );

  const labels = m.sessions.map((s, i) => `${i + 1}`);
  const count = (status) => m.sessions.map((_, k) => m.rows.filter((r) => r.sessions[k].status === status).length);
  // A session not held yet counts neither way.
  const held = m.sessions.map((s) => s.status === 'ended' || s.status === 'live');
  const attended = m.sessions.map((_, k) => (held[k] ? count('present')[k] + count('late')[k] : null));
  const charts = [
    barChart(
      uPlot,
      attendanceChart,
      labels,
      [
        { label: t('present'), color: '#0a6e5c', values: attended },
        {
          label: t('not_present'),
          color: '#a3261b',
          values: m.sessions.map((_, k) => (held[k] ? m.rows.length - attended[k] : null)),
        },
      ],
      [t('axis_session'), t('axis_trainees')],
    ),
  ];
  if (held.some((x) => !x)) attendanceChart.append(h('p', { class: 'muted small' }, t('not_held_note')));
  if (c) {
    charts.push(
      barChart(
        uPlot,
        completionChart,
        [t('completed'), t('not_completed')],
        [{ label: t('completion_chart'), color: '#0a6e5c', values: [c.completed, c.trainees - c.completed] }],
        ['', t('axis_trainees')],
      ),
    );
  }
  if (p) {
    const both = p.rows.filter((r) => r.pre_percent !== null || r.post_percent !== null);
    charts.push(
      barChart(
        uPlot,
        gainChart,
        both.map((r) => r.full_name),
        [
          { label: t('kind_pre_test'), color: '#6b7c89', values: both.map((r) => r.pre_percent ?? 0) },
          { label: t('kind_post_test'), color: '#0a6e5c', values: both.map((r) => r.post_percent ?? 0) },
        ],
        ['', t('axis_score')],
      ),
    );
  }
  return () => charts.forEach((chart) => chart?.destroy());
}
