// Reactions and the two signals a trainer needs on a bad link. Trainees tap them (`react`, no
// ack: the server counts and sends totals once a second); everyone sees the reactions of the
// last seconds; trainers and admins see the signals stand out ("Terlalu cepat", "Suara tidak
// terdengar") for a while after they come.
import { clear, h } from '../dom.js';
import { t } from '../i18n.js';

export const REACTIONS = [
  ['like', '👍'],
  ['clap', '👏'],
  ['laugh', '😂'],
  ['wow', '😮'],
  ['love', '❤️'],
];
export const SIGNALS = ['too_fast', 'cant_hear'];
const SHOWN_MS = 4000; // a second's totals stay this long
const SIGNAL_MS = 15000; // a signal stands out this long after the last one

// The trainee's buttons: five reactions and the two signals.
export function reactionButtons(client) {
  const send = (kind) => client.send({ type: 'react', kind });
  return h(
    'section',
    { class: 'card reactions-card', id: 'reactions' },
    h(
      'div',
      { class: 'reaction-buttons', role: 'group', 'aria-label': t('reactions') },
      REACTIONS.map(([kind, emoji]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'reaction',
            dataset: { kind },
            'aria-label': t(`react_${kind}`),
            onclick: () => send(kind),
          },
          emoji,
        ),
      ),
    ),
    h(
      'div',
      { class: 'actions signal-buttons' },
      SIGNALS.map((kind) =>
        h(
          'button',
          { type: 'button', class: 'signal secondary', dataset: { kind }, onclick: () => send(kind) },
          t(`react_${kind}`),
        ),
      ),
    ),
  );
}

// What came in: the reactions of the last seconds, and (staff) the signals' counts.
export function reactionFeed({ staff = false } = {}) {
  const line = h('p', { class: 'reaction-feed', id: 'reaction-feed', 'aria-live': 'polite' });
  const signals = new Map(); // kind -> {count, at}
  const signalBox = h('div', { class: 'signals', id: 'signals' });
  let fade = null;
  function drawSignals() {
    const now = Date.now();
    clear(
      signalBox,
      SIGNALS.filter((k) => signals.has(k) && now - signals.get(k).at < SIGNAL_MS).map((k) =>
        h('p', { class: 'signal-alert', dataset: { kind: k } }, `${t(`react_${k}`)}: ${signals.get(k).count}`),
      ),
    );
  }
  const timer = setInterval(drawSignals, 1000);
  return {
    el: staff ? h('section', { class: 'card reactions-card' }, h('h3', null, t('reactions')), signalBox, line) : line,
    add(m) {
      // Every kind this page was ever sent (the browser tests read it; the text fades).
      const kinds = new Set((line.dataset.kinds || '').split(' ').filter(Boolean));
      for (const k of Object.keys(m.counts)) kinds.add(k);
      line.dataset.kinds = [...kinds].join(' ');
      const parts = REACTIONS.filter(([k]) => m.counts[k]).map(([k, emoji]) => `${emoji} ${m.counts[k]}`);
      if (parts.length) {
        line.textContent = parts.join('  ');
        clearTimeout(fade);
        fade = setTimeout(() => {
          line.textContent = '';
        }, SHOWN_MS);
      }
      for (const k of SIGNALS) {
        if (!m.counts[k]) continue;
        const recent = signals.get(k);
        const fresh = !recent || Date.now() - recent.at >= SIGNAL_MS;
        signals.set(k, { count: (fresh ? 0 : recent.count) + m.counts[k], at: Date.now() });
      }
      drawSignals();
    },
    stop() {
      clearInterval(timer);
      clearTimeout(fade);
    },
  };
}
