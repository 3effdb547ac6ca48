// Home by role: trainees see their trainings and sessions (with any move online and its reason),
// join live sessions, see their certificate; trainers start sessions and open the dashboard;
// admins also reach administration and reports.
import { api, apiAll } from '../api.js';
import { handoutList } from '../widgets/handouts.js';
import { clear, h, localTime, size } from '../dom.js';
import { errorText, language, t, withTexts } from '../i18n.js';

const RECORDING_SETTLE_MS = 3000;
const LATE_AFTER_MS = 15 * 60000; // a scheduled session not started this long after its start is late
const EARLY_START_MS = 30 * 60000; // starting earlier than this before the plan asks twice

// Starting a session lets trainees in at once: confirmed, with a plain warning when it is far
// from its planned start.
function confirmStart(s) {
  const early = Date.parse(s.starts_at) - Date.now() > EARLY_START_MS;
  const text = early ? `${t('start_early_confirm')} ${localTime(s.starts_at)}.` : t('start_confirm');
  return window.confirm(`${s.title}\n${text}`);
}

// The status as a trainee or trainer should read it: a scheduled session past its start is late.
function statusOf(s) {
  const d = s.delivery;
  if (d.status === 'scheduled' && Date.now() - Date.parse(s.starts_at) > LATE_AFTER_MS)
    return h('span', { class: 'status status-late' }, t('status_late'));
  return h('span', { class: `status status-${d.status}` }, t(`status_${d.status}`));
}

// "Moved online: <reason>", without saying it twice when the reason already does (the
// system's own reasons start with it; an administrator's may not).
function movedNotice(reason) {
  const prefix = t('moved_online');
  return reason.toLowerCase().startsWith(prefix.toLowerCase()) ? reason : `${prefix}: ${reason}`;
}

// Offline file sizes by session, asked once per visit (HEAD: the length without the file).
const offlineSizes = new Map();

// "Save for offline (± N MB)": the link shows once the size is known; gone if there is no
// ready recording.
function offlineLink(sessionId) {
  const url = `/api/v1/sessions/${sessionId}/recording/offline`;
  const link = h(
    'a',
    { class: 'button offline', href: url, download: `rekaman-sesi-${sessionId}.html`, hidden: true },
    t('save_offline'),
  );
  if (!offlineSizes.has(sessionId)) {
    offlineSizes.set(
      sessionId,
      fetch(url, { method: 'HEAD', credentials: 'same-origin' })
        .then((res) => (res.ok ? Number(res.headers.get('Content-Length')) : null))
        .catch(() => null),
    );
  }
  offlineSizes.get(sessionId).then((bytes) => {
    if (!bytes) return;
    link.textContent = `${t('save_offline')} (± ${size(bytes)})`;
    link.hidden = false;
  });
  return link;
}

function sessionRow(s, training, user, refresh) {
  const d = s.delivery;
  const staff = user.role !== 'trainee';
  const liveCapable = d.mode !== 'in_person';
  const notice =
    d.mode !== training.planned_mode && d.mode === 'online'
      ? h('p', { class: 'notice' }, movedNotice(d.reason_i18n[language()] || d.reason))
      : null;
  const actions = [];
  if (d.status === 'live' && liveCapable) {
    actions.push(
      staff
        ? h('a', { class: 'button', href: `#/dashboard/${s.id}` }, t('dashboard'))
        : h('a', { class: 'button', href: `#/live/${s.id}` }, t('join')),
    );
  }
  if (d.status === 'ended' && s.recording_ready) {
    actions.push(h('a', { class: 'button replay', href: `#/replay/${s.id}` }, t('replay')), offlineLink(s.id));
  }
  if (staff && ['scheduled', 'live', 'pending_approval', 'postponed'].includes(d.status) && liveCapable) {
    actions.push(h('a', { class: 'button deck-link', href: `#/deck/${s.id}` }, t('deck')));
  }
  if (staff && d.status === 'scheduled') {
    actions.push(
      h(
        'button',
        {
          type: 'button',
          class: 'start',
          onclick: async () => {
            if (!confirmStart(s)) return;
            const res = await api('POST', `/api/v1/sessions/${s.id}/start`, {});
            if (res.status === 200) location.hash = `#/dashboard/${s.id}`;
            else refresh(errorText(res.error));
          },
        },
        t('start'),
      ),
    );
  }
  return h(
    'li',
    { class: 'session', dataset: { session: s.id } },
    h('div', null, h('strong', null, s.title)),
    h(
      'div',
      { class: 'muted' },
      `${localTime(s.starts_at)} · `,
      h('span', { class: `mode mode-${d.mode}` }, t(`mode_${d.mode}`)),
      ' · ',
      statusOf(s),
    ),
    notice,
    actions.length ? h('div', { class: 'actions' }, actions) : null,
  );
}

// The training's handouts, listed (with their sizes) only when opened: no request before.
function handoutsToggle(trainingId, staff) {
  const box = h('details', { class: 'handouts-toggle' }, h('summary', null, t('handouts')));
  box.addEventListener(
    'toggle',
    () => {
      if (box.open && !box.dataset.loaded) {
        box.dataset.loaded = '1';
        box.append(handoutList(trainingId, { staff }).el);
      }
    },
    { once: false },
  );
  return box;
}

// One notice; a missed session's notice links to its replay.
function noticeItem(n) {
  const text = language() === 'en' ? n.text_en || n.text?.en : n.text_id || n.text?.id;
  if (n.kind !== 'recording_available' || !n.session_id) return h('li', null, text);
  return h(
    'li',
    null,
    text.replace(/:?\s*#\/replay\/\d+$/, '.'),
    ' ',
    h('a', { href: `#/replay/${n.session_id}`, class: 'replay-notice' }, t('replay')),
  );
}

export async function render(view, args, session) {
  const user = session.user;
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const progress = new Map(); // training id -> the trainee's progress (a promise)
  const refresh = (message) => {
    if (message) {
      error.textContent = message;
      error.hidden = false;
    } else load();
  };
  async function load() {
    const list = await apiAll('/api/v1/trainings');
    if (list.status !== 200) {
      refresh(errorText(list.error));
      return;
    }
    const trainings = await Promise.all(
      list.data.map((tr) => api('GET', `/api/v1/trainings/${tr.id}`).then((r) => r.data)),
    );
    // A session that just ended has its recording ready within seconds: look again soon.
    const settling = trainings
      .filter(Boolean)
      .some((tr) =>
        (tr.sessions || []).some(
          (s) =>
            s.delivery.status === 'ended' &&
            s.started_at &&
            !s.recording_ready &&
            Date.now() - Date.parse(s.ended_at) < 60000,
        ),
      );
    clearTimeout(soon);
    if (settling) soon = setTimeout(load, RECORDING_SETTLE_MS);
    const sections = [];
    for (const tr of trainings.filter(Boolean)) {
      const extra = [];
      if (user.role !== 'trainee') {
        extra.push(
          h(
            'div',
            { class: 'actions' },
            h('a', { href: `#/training/${tr.id}`, class: 'training-link' }, t('training_page')),
            h('a', { href: `#/reports/${tr.id}` }, t('reports')),
            h('a', { href: `#/quizzes/${tr.id}` }, t('quizzes')),
          ),
        );
      }
      const cert = user.role === 'trainee' ? h('span', { class: 'cert' }) : null;
      sections.push(
        h(
          'section',
          { class: 'card training', dataset: { training: tr.id } },
          h('h3', null, tr.title),
          h('p', { class: 'muted' }, tr.description || ''),
          h(
            'ul',
            { class: 'sessions' },
            (tr.sessions || []).map((s) => sessionRow(s, tr, user, refresh)),
          ),
          extra,
          handoutsToggle(tr.id, user.role !== 'trainee'),
          cert,
        ),
      );
      if (cert) {
        // My results; the certificate link once the training is completed.
        // Fetched once per visit, not on every refresh: the server computes it from the training's
        // whole attendance.
        if (!progress.has(tr.id)) progress.set(tr.id, api('GET', `/api/v1/me/trainings/${tr.id}/completion`));
        progress.get(tr.id).then(async (r) => {
          if (r.status !== 200) return;
          if (r.data.participation?.length) await withTexts('part');
          const p = r.data;
          const score = (v) => (v === null || v === undefined ? '–' : Math.round(v));
          cert.append(
            h(
              'p',
              { class: 'results' },
              `${t('results')}: ${t('present_for')} ${p.sessions_attended}/${p.sessions_held} ${t('sessions').toLowerCase()} (${Math.round(p.attendance_rate_pct)}%) · pre ${score(p.pre_percent)} · post ${score(p.post_percent)} · `,
              p.completed
                ? `${t('completed')}${p.reason_text ? ` — ${p.reason_text[language()]}` : ''}`
                : `${t('not_completed')}${p.reason_text ? ` — ${p.reason_text[language()]}` : ''}`,
            ),
          );
          // How the trainee took part in each session held.
          if (p.participation?.length)
            cert.append(
              h(
                'ul',
                { class: 'my-participation' },
                p.participation.map((s) =>
                  h(
                    'li',
                    { dataset: { session: s.session_id, level: s.level } },
                    `${s.title}: ${t('p_level')} ${t(`level_${s.level}`)} (${t('p_chat')} ${s.chat}, ${t('p_questions')} ${s.questions}, ${t('p_poll_answers')} ${s.poll_answers}, ${t('p_hands')} ${s.hands})`,
                  ),
                ),
              ),
            );
          if (p.completed)
            cert.append(
              h(
                'a',
                {
                  href: `/api/v1/trainings/${tr.id}/certificates/${user.id}`,
                  target: '_blank',
                  rel: 'noopener',
                  class: 'button',
                },
                t('certificate'),
              ),
            );
        });
      }
    }
    const notes = await api('GET', '/api/v1/me/notifications');
    const items = notes.status === 200 ? notes.data.items || notes.data || [] : [];
    clear(
      view,
      user.role === 'admin'
        ? h(
            'nav',
            { class: 'actions' },
            h('a', { class: 'button', href: '#/admin' }, t('admin')),
            h('a', { class: 'button', href: '#/users' }, t('users_page')),
          )
        : null,
      h('h2', null, t('my_trainings')),
      error,
      sections.length ? sections : h('p', null, t('no_trainings')),
      items.length
        ? h(
            'section',
            { class: 'card' },
            h('h3', null, t('notifications')),
            h('ul', { id: 'notifications' }, items.slice(0, 10).map(noticeItem)),
          )
        : null,
      account,
    );
  }
  let soon = null;
  // My account: changing my own password (the form loads when opened).
  const account = h('details', { class: 'card', id: 'my-account' }, h('summary', null, t('my_account')));
  account.addEventListener(
    'toggle',
    async () => {
      if (!account.open || account.querySelector('form')) return;
      const { passwordForm, preferencesForm } = await import('./password.js');
      account.append(
        h('h3', null, t('messages_outside')),
        h('p', { class: 'muted' }, t('messages_outside_hint')),
        preferencesForm(session.user),
        h('h3', null, t('change_password')),
        passwordForm(),
      );
    },
    { once: false },
  );
  await load();
  const timer = setInterval(load, 30000);
  return () => {
    clearInterval(timer);
    clearTimeout(soon);
  };
}
