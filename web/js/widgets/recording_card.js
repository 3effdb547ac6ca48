// The trainer's view of a session's recording: "recording" while the session is live; once it
// ended, its state, the replay and offline links and a delete button (trainers and admins).
import { api } from '../api.js';
import { clear, clock, h, size } from '../dom.js';
import { errorText, t } from '../i18n.js';

const READY_POLL_MS = 2000;

export function recordingCard(sessionId) {
  const el = h('section', { class: 'card recording', id: 'recording' });
  let timer = null;
  const path = `/api/v1/sessions/${sessionId}/recording`;
  const live = () =>
    clear(
      el,
      h(
        'p',
        { class: 'rec-live', id: 'recording-indicator' },
        h('span', { class: 'rec-dot' }),
        ` ${t('recording_live')}`,
      ),
    );
  const remove = async (button) => {
    if (!window.confirm(t('delete_recording_confirm'))) return;
    button.disabled = true;
    const res = await api('DELETE', path);
    clear(
      el,
      h(
        'p',
        { class: res.status === 204 ? 'muted' : 'error', id: 'recording-deleted' },
        res.status === 204 ? t('recording_deleted') : errorText(res.error),
      ),
    );
  };
  const ended = async () => {
    clearTimeout(timer);
    const res = await api('GET', path);
    if (res.status !== 200) {
      clear(el, h('p', { class: 'muted' }, t('no_recording')));
      return;
    }
    const r = res.data;
    if (r.status !== 'ready') {
      clear(el, h('p', { class: 'muted' }, t('recording_pending')));
      timer = setTimeout(ended, READY_POLL_MS);
      return;
    }
    const del = h('button', { type: 'button', class: 'danger', id: 'delete-recording' }, t('delete_recording'));
    del.addEventListener('click', () => remove(del));
    clear(
      el,
      h('h3', null, t('recording_title')),
      h(
        'p',
        { class: 'muted' },
        `${t('duration_label')}: ${clock(r.duration_ms / 1000)}`,
        r.audio ? ` · ${size(r.audio.bytes)}` : ` · ${t('no_audio')}`,
      ),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/replay/${sessionId}` }, t('replay')), del),
    );
  };
  return { el, live, ended, stop: () => clearTimeout(timer) };
}
