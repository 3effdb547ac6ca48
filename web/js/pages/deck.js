// A session's slides and deck before (or during) the session, for its trainers and admins
// (#/deck/<session id>): the deck editor, and the training's handouts.
import { api } from '../api.js';
import { clear, h } from '../dom.js';
import { errorText, t } from '../i18n.js';
import { deckEditor } from '../widgets/deck_editor.js';
import { handoutList } from '../widgets/handouts.js';

export async function render(view, args) {
  const sessionId = Number(args[0]);
  const info = await api('GET', `/api/v1/sessions/${sessionId}`);
  if (info.status !== 200) {
    clear(view, h('p', { class: 'error' }, errorText(info.error)));
    return null;
  }
  const editor = deckEditor(sessionId);
  const handouts = handoutList(info.data.training_id, { staff: true });
  clear(
    view,
    h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back'))),
    h('h2', null, info.data.title),
    editor.el,
    handouts.el,
  );
  return () => editor.stop();
}
