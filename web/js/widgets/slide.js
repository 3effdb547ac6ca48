// A slide as the live page, the trainer's dashboard and the replay show it: its number of the
// count, its title and its Markdown body.
import { clear, h } from '../dom.js';
import { t } from '../i18n.js';
import { renderMarkdown } from '../markdown.js';

export function renderSlide(box, slide) {
  if (!slide) {
    clear(box);
    return;
  }
  clear(
    box,
    h('div', { class: 'muted slide-no' }, `${t('slide')} ${slide.index + 1}/${slide.count}`),
    h('h2', { class: 'slide-title' }, slide.title),
    renderMarkdown(slide.body),
  );
}
