// The trainer's pointer and pen over the deck page shown: with the pointer on, moving over the
// page shows trainees where (at most 10 moves a second, hidden on leaving); with the pen on, a
// stroke drawn with mouse or finger goes to everyone when lifted (at most 500 points, longer
// strokes go in pieces). Coordinates are shares of the page, so every screen draws them alike.
import { h } from '../dom.js';
import { errorText, t } from '../i18n.js';

const colours = ['#e11d48', '#2563eb', '#16a34a', '#111827'];
const pointerEveryMs = 100;
const maxPoints = 500;

export function penTools(client, view, error) {
  let mode = 'none';
  let colour = colours[0];
  let lastPointer = 0;
  let stroke = null;
  let strokeNo = 0;
  const pointerButton = h('button', { type: 'button', id: 'pointer-mode' }, t('pointer'));
  const penButton = h('button', { type: 'button', id: 'pen-mode' }, t('pen'));
  const swatches = colours.map((c) => {
    const b = h('button', { type: 'button', class: 'swatch', 'aria-label': c, dataset: { colour: c } });
    b.style.background = c; // through the CSSOM: the CSP refuses style attributes
    return b;
  });
  const clearButton = h('button', { type: 'button', id: 'ink-clear' }, t('ink_clear'));
  const el = h('div', { class: 'pen-tools', id: 'pen-tools' }, pointerButton, penButton, swatches, clearButton);
  const setMode = (next) => {
    mode = mode === next ? 'none' : next;
    pointerButton.classList.toggle('on', mode === 'pointer');
    penButton.classList.toggle('on', mode === 'pen');
    view.el.classList.toggle('drawing', mode === 'pen');
    if (mode !== 'pointer') client.send({ type: 'pointer', visible: false });
  };
  const chooseColour = (c) => {
    colour = c;
    for (const s of swatches) s.classList.toggle('chosen', s.dataset.colour === c);
  };
  chooseColour(colour);
  pointerButton.addEventListener('click', () => setMode('pointer'));
  penButton.addEventListener('click', () => setMode('pen'));
  for (const s of swatches) s.addEventListener('click', () => chooseColour(s.dataset.colour));
  clearButton.addEventListener('click', () => client.request({ type: 'ink_clear' }).catch((e) => error.show(e)));

  const share = (e) => {
    const r = view.frame.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, v));
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  };
  const send = (points) =>
    client
      .request({ type: 'ink', stroke: { id: `s${Date.now()}-${strokeNo++}`, color: colour, width: 4, points } })
      .catch((e) => error.show({ code: e.code, message: errorText(e) }));
  const frame = view.frame;
  frame.addEventListener('pointermove', (e) => {
    if (mode === 'pointer') {
      const now = performance.now();
      if (now - lastPointer < pointerEveryMs) return;
      lastPointer = now;
      const [x, y] = share(e);
      client.send({ type: 'pointer', x, y });
    } else if (mode === 'pen' && stroke) {
      const [x, y] = share(e);
      const last = stroke[stroke.length - 1];
      if (Math.hypot(x - last[0], y - last[1]) < 0.003) return;
      stroke.push([Number(x.toFixed(4)), Number(y.toFixed(4))]);
      if (stroke.length >= maxPoints) {
        send(stroke);
        stroke = [stroke[stroke.length - 1]];
      }
    }
  });
  frame.addEventListener('pointerleave', () => {
    if (mode === 'pointer') client.send({ type: 'pointer', visible: false });
  });
  frame.addEventListener('pointerdown', (e) => {
    if (mode !== 'pen') return;
    e.preventDefault();
    frame.setPointerCapture(e.pointerId);
    const [x, y] = share(e);
    stroke = [[Number(x.toFixed(4)), Number(y.toFixed(4))]];
  });
  const finish = () => {
    if (mode === 'pen' && stroke) send(stroke);
    stroke = null;
  };
  frame.addEventListener('pointerup', finish);
  frame.addEventListener('pointercancel', finish);
  return { el };
}
