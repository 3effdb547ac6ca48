// One training (admin, #/training/<id>): its sessions with their delivery status, pending
// approvals (approve online / postpone with a reason), adding and changing sessions, trainers,
// settings, the enrolled trainees (paged; enrolment by CSV upload with per-line errors), the
// decision log, and links to its quizzes and reports. Forms show 422 field errors next to the
// field.
import { api, apiAll } from '../api.js';
import { adminNav, pagedTable } from '../admin_ui.js';
import { clear, h, localTime } from '../dom.js';
import { field, jsonForm } from '../forms.js';
import { errorText, language, t } from '../i18n.js';

function sessionLine(s, offset, reload, admin = true) {
  const d = s.delivery;
  const reason = h('input', { name: 'reason', placeholder: t('reason'), 'aria-label': t('reason') });
  const act = async (body) => {
    const res = await api('POST', `/api/v1/sessions/${s.id}/delivery`, {
      ...body,
      reason: reason.value || t('approvals'),
    });
    if (res.status === 200) reload();
    else reason.setCustomValidity(errorText(res.error)), reason.reportValidity();
  };
  return h(
    'li',
    { dataset: { session: s.id }, class: `status-${d.status}` },
    h('strong', null, s.title),
    ` · ${localTime(s.starts_at)} · `,
    h('span', { class: `mode mode-${d.mode}` }, t(`mode_${d.mode}`)),
    ' · ',
    h('span', { class: 'status' }, t(`status_${d.status}`)),
    h('div', { class: 'muted' }, d.reason_i18n[language()] || d.reason),
    !['ended', 'cancelled'].includes(d.status)
      ? h('a', { class: 'deck-link', href: `#/deck/${s.id}` }, t('deck'))
      : null,
    d.status === 'pending_approval' && admin
      ? h(
          'div',
          { class: 'actions approval' },
          reason,
          h(
            'button',
            { type: 'button', class: 'approve', onclick: () => act({ mode: d.recommended_mode || 'online' }) },
            t('approve_online'),
          ),
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => act({ action: 'postpone' }) },
            t('postpone'),
          ),
        )
      : null,
    ['scheduled', 'pending_approval', 'postponed'].includes(d.status) ? sessionEditor(s, offset, reload, admin) : null,
  );
}

// Slides from text: each "# Title" line starts a slide, the lines under it are its Markdown body.
export function slidesFromText(text) {
  const slides = [];
  for (const line of String(text || '').split(/\r?\n/)) {
    const heading = line.match(/^#\s+(.*)$/);
    if (heading) slides.push({ title: heading[1].trim(), body: '' });
    else if (slides.length) slides[slides.length - 1].body += (slides[slides.length - 1].body ? '\n' : '') + line;
    else if (line.trim()) slides.push({ title: line.trim(), body: '' });
  }
  return slides.map((s) => ({ title: s.title, body: s.body.trim() }));
}

function offsetText(minutes) {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

// The slides as the form writes them: "# Title" lines, each followed by its Markdown body.
function slidesToText(slides) {
  return (slides || []).map((s) => (s.body ? `# ${s.title}\n${s.body}` : `# ${s.title}`)).join('\n');
}

// A UTC instant as the value of a datetime-local input in the training region's offset.
function localInput(iso, offset) {
  return new Date(Date.parse(iso) + offset * 60000).toISOString().slice(0, 16);
}

// The session form: empty to add a session (POST), filled to change one (PATCH).
function sessionFields(values = {}) {
  return [
    field(t('title'), 'title', { value: values.title ?? '' }),
    field(t('starts_at'), 'starts_at', { type: 'datetime-local', value: values.starts_at ?? '' }),
    field(t('ends_at'), 'ends_at', { type: 'datetime-local', value: values.ends_at ?? '' }),
    field(t('slides'), 'slides', { multiline: true, rows: 5, placeholder: t('slides_hint') }),
  ];
}

function sessionBody(v, offset) {
  const when = (local) => (local ? `${local}:00${offsetText(offset)}` : '');
  return { title: v.title, starts_at: when(v.starts_at), ends_at: when(v.ends_at), slides: slidesFromText(v.slides) };
}

function sessionForm(tr, offset, reload) {
  const form = jsonForm(sessionFields(), t('add_session'), async (v) => {
    const res = await api('POST', `/api/v1/trainings/${tr.id}/sessions`, sessionBody(v, offset));
    if (res.status === 201) reload();
    return res;
  });
  form.classList.add('session-form');
  return h('details', null, h('summary', null, t('add_session')), form);
}

// Changing a session that has not started: the form is filled from the session when opened.
// An administrator edits the whole session; an assigned trainer its content (title, slides):
// the schedule stays with the administrators.
function sessionEditor(s, offset, reload, admin = true) {
  const box = h('details', { class: 'session-edit' }, h('summary', null, t('edit_session')));
  box.addEventListener('toggle', async () => {
    if (!box.open || box.querySelector('form')) return;
    const full = (await api('GET', `/api/v1/sessions/${s.id}`)).data || s;
    const form = jsonForm(
      sessionFields({
        title: full.title,
        starts_at: localInput(full.starts_at, offset),
        ends_at: localInput(full.ends_at, offset),
      }),
      t('save'),
      async (v) => {
        const body = sessionBody(v, offset);
        // Deck pages cannot be typed: with a deck, the slides are edited on the deck page.
        if (withPages) delete body.slides;
        if (!admin) {
          delete body.starts_at;
          delete body.ends_at;
        }
        const res = await api('PATCH', `/api/v1/sessions/${s.id}`, body);
        if (res.status === 200) reload();
        return res;
      },
    );
    const withPages = (full.slides || []).some((sl) => sl.page);
    if (!admin)
      for (const name of ['starts_at', 'ends_at']) form.querySelector(`[name=${name}]`)?.closest('label')?.remove();
    const slidesField = form.querySelector('textarea[name=slides]');
    slidesField.value = slidesToText(full.slides);
    if (withPages) {
      const label = slidesField.closest('label') || slidesField;
      label.replaceWith(h('p', { class: 'muted' }, h('a', { href: `#/deck/${s.id}` }, t('deck'))));
    }
    form.classList.add('session-edit-form');
    box.append(form);
  });
  return box;
}

// The settings a training may change after it was created (not its region or funding source).
function settingsForm(tr, reload) {
  const form = jsonForm(
    [
      field(t('title'), 'title', { value: tr.title }),
      field(t('planned_mode'), 'planned_mode', {
        options: ['in_person', 'online', 'hybrid'].map((m) => [m, t(`mode_${m}`)]),
      }),
      field(t('switch_policy'), 'switch_policy', {
        options: [
          ['auto', t('policy_auto')],
          ['approval', t('policy_approval')],
        ],
      }),
      field(t('min_attendance_pct'), 'min_attendance_pct', {
        type: 'number',
        min: 0,
        max: 100,
        value: tr.min_attendance_pct,
      }),
      field(t('pass_score'), 'pass_score', { type: 'number', min: 0, max: 100, value: tr.pass_score }),
      field(t('room_capacity'), 'room_capacity', { type: 'number', min: 1, value: tr.room_capacity ?? '' }),
      field(t('venue'), 'venue', { value: tr.venue || '' }),
      field(t('replay_counts_label'), 'replay_counts_for_completion', {
        type: 'checkbox',
        checked: Boolean(tr.replay_counts_for_completion),
      }),
      field(t('reminder_hours'), 'reminder_hours', {
        value: (tr.reminder_hours || []).join(', '),
        placeholder: '24, 1',
      }),
    ],
    t('save_settings'),
    async (v) => {
      const number = (x) => (x === '' ? null : Number(x));
      const res = await api('PATCH', `/api/v1/trainings/${tr.id}`, {
        ...v,
        min_attendance_pct: number(v.min_attendance_pct),
        pass_score: number(v.pass_score),
        room_capacity: number(v.room_capacity),
        replay_counts_for_completion: v.replay_counts_for_completion === 'on',
        // "24, 1" -> [24, 1]; anything not a number goes to the server as is and comes back as a field error.
        reminder_hours: v.reminder_hours
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((x) => (/^\d+$/.test(x) ? Number(x) : x)),
      });
      if (res.status === 200) reload();
      return res;
    },
  );
  form.querySelector('select[name=planned_mode]').value = tr.planned_mode;
  form.querySelector('select[name=switch_policy]').value = tr.switch_policy;
  form.classList.add('settings-form');
  return h('details', null, h('summary', null, t('training_settings')), form);
}

// The enrolled trainees (withdrawn ones too, marked), page by page; a button withdraws one.
function enrollmentsSection(tr) {
  const path = `/api/v1/trainings/${tr.id}/enrollments`;
  const list = pagedTable({
    id: 'enrollments',
    columns: [t('username'), t('user_full_name'), t('user_nib'), t('enrolled_at'), ''],
    row: (e) => {
      const u = e.user;
      const withdraw = e.withdrawn_at
        ? h('span', { class: 'muted' }, `${t('withdrawn')} ${localTime(e.withdrawn_at)}`)
        : h('button', { type: 'button', class: 'link small' }, t('withdraw'));
      if (!e.withdrawn_at) {
        withdraw.addEventListener('click', async () => {
          if (!window.confirm(`${t('withdraw')}: ${u.full_name}?`)) return;
          const res = await api('DELETE', `${path}/${u.id}`);
          if (res.status >= 200 && res.status < 300) list.load(path);
          else withdraw.after(h('span', { class: 'error', role: 'alert' }, ` ${errorText(res.error)}`));
        });
      }
      return h(
        'tr',
        { dataset: { user: u.id } },
        h('td', null, u.username),
        h('td', null, u.full_name),
        h('td', null, u.nib || ''),
        h('td', null, localTime(e.enrolled_at)),
        h('td', null, withdraw),
      );
    },
  });
  list.load(path);
  return h('details', { class: 'enrollments' }, h('summary', null, t('enrolled_trainees')), list.element);
}

// The training's card: everything for an administrator; its sessions' content, quizzes and
// reports for an assigned trainer.
async function trainingCard(tr, trainers, reload, offset = 420, regionName = '', admin = true) {
  const detail = tr;
  const decisions = (await apiAll(`/api/v1/trainings/${tr.id}/decisions`)).data || [];
  const lines = h('ul', { class: 'line-errors' });
  const fileInput = h('input', { type: 'file', accept: '.csv,text/csv', name: 'csv', 'aria-label': t('enroll_csv') });
  const enrollStatus = h('p', { class: 'form-status', role: 'status' });
  const upload = h('button', { type: 'button' }, t('upload'));
  upload.addEventListener('click', async () => {
    clear(lines);
    enrollStatus.textContent = '';
    const file = fileInput.files[0];
    if (!file) return;
    const res = await api('POST', `/api/v1/trainings/${tr.id}/enrollments`, await file.text(), {
      contentType: 'text/csv',
    });
    if (res.status >= 200 && res.status < 300) {
      enrollStatus.textContent = t('saved');
      return;
    }
    enrollStatus.textContent = errorText(res.error);
    for (const l of res.error.lines || []) lines.append(h('li', null, `${t('line_error')} ${l.line}: ${l.message}`));
  });
  const trainerSelect = h(
    'select',
    { name: 'user_id', 'aria-label': t('assign_trainer') },
    trainers.map((u) => h('option', { value: u.id }, u.full_name)),
  );
  const assign = h('button', { type: 'button' }, t('assign_trainer'));
  const assignStatus = h('span', { class: 'error', role: 'alert' });
  assign.addEventListener('click', async () => {
    const res = await api('POST', `/api/v1/trainings/${tr.id}/trainers`, { user_id: Number(trainerSelect.value) });
    if (res.status >= 200 && res.status < 300) reload();
    else assignStatus.textContent = errorText(res.error);
  });
  // Each assigned trainer, with a button that ends the assignment (after a confirmation).
  const trainerChips = (detail.trainers || []).map((u) => {
    const remove = h(
      'button',
      { type: 'button', class: 'link small', 'aria-label': `${t('unassign_trainer')}: ${u.full_name}` },
      '×',
    );
    remove.addEventListener('click', async () => {
      if (!window.confirm(`${t('unassign_trainer')}: ${u.full_name}?`)) return;
      const res = await api('DELETE', `/api/v1/trainings/${tr.id}/trainers/${u.id}`);
      if (res.status >= 200 && res.status < 300) reload();
      else assignStatus.textContent = errorText(res.error);
    });
    return h('span', { class: 'chip', dataset: { trainer: u.id } }, u.full_name, ' ', remove);
  });
  return h(
    'section',
    { class: 'card training', dataset: { training: tr.id } },
    h('h2', null, tr.title),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: `#/reports/${tr.id}` }, t('reports')),
      h('a', { href: `#/quizzes/${tr.id}` }, t('quizzes')),
    ),
    h(
      'p',
      { class: 'muted' },
      `${regionName || tr.region_code} · ${t(`mode_${tr.planned_mode}`)} · ${t(tr.switch_policy === 'auto' ? 'policy_auto' : 'policy_approval')}`,
    ),
    h(
      'p',
      { class: 'trainers' },
      h('span', { class: 'muted' }, `${t('trainers')}: `),
      trainerChips.length ? trainerChips : t('none'),
    ),
    h('h4', null, t('sessions_of')),
    h(
      'ul',
      { class: 'sessions' },
      (detail.sessions || []).map((s) => sessionLine(s, offset, reload, admin)),
    ),
    admin
      ? [
          sessionForm(tr, offset, reload),
          settingsForm(tr, reload),
          h('div', { class: 'actions' }, trainerSelect, assign, assignStatus),
          h('div', { class: 'actions' }, h('span', null, t('enroll_csv')), fileInput, upload),
          enrollStatus,
          lines,
          enrollmentsSection(tr),
        ]
      : h('p', { class: 'muted', id: 'trainer-scope' }, t('trainer_scope')),
    decisions.length
      ? h(
          'details',
          null,
          h('summary', null, `${t('decisions')} (${decisions.length})`),
          h(
            'ul',
            null,
            decisions.map((d) =>
              h(
                'li',
                null,
                `${localTime(d.at)} · ${d.session_title}: ${t(`mode_${d.from.mode}`)} → ${t(`mode_${d.to.mode}`)} (${t(`status_${d.to.status}`)}) · `,
                d.reason_i18n[language()] || d.reason,
              ),
            ),
          ),
        )
      : null,
  );
}

export async function render(view, args, session) {
  if (session.user.role === 'trainee') {
    location.hash = '#/';
    return null;
  }
  const admin = session.user.role === 'admin';
  const nav = admin ? adminNav('training') : null;
  const id = Number(args[0]);
  async function load() {
    const [training, regions, trainers] = await Promise.all([
      api('GET', `/api/v1/trainings/${id}`),
      api('GET', '/api/v1/regions'),
      admin ? apiAll('/api/v1/users?role=trainer') : { data: [] },
    ]);
    if (training.status !== 200) {
      clear(view, nav, h('p', { class: 'error', role: 'alert' }, errorText(training.error)));
      return;
    }
    const region = (regions.data || []).find((r) => r.code === training.data.region_code);
    const offset = region?.utc_offset_minutes ?? 420;
    clear(
      view,
      nav,
      h('p', null, h('a', { href: admin ? '#/admin' : '#/' }, `← ${t(admin ? 'trainings' : 'back')}`)),
      await trainingCard(training.data, trainers.data || [], load, offset, region?.name, admin),
    );
  }
  await load();
  return null;
}
