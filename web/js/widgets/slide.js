// A slide as the live page, the trainer's dashboard and the replay show it: its number of the
// count, its title and its Markdown body; a deck page shows its picture instead (in the page
// view the caller passes, widgets/page_view.js), its text only when the data saver is on.
import { clear, h } from '../dom.js';
import { t } from '../i18n.js';
import { renderMarkdown } from '../markdown.js';

export function renderSlide(box, slide, view = null) {
  if (!slide) {
    clear(box);
    return;
  }
  const number = h('div', { class: 'muted slide-no' }, `${t('slide')} ${slide.index + 1}/${slide.count}`);
  if (slide.page && view) {
    view.show(slide);
    clear(box, number, view.el);
    return;
  }
  view?.show(null);
  clear(box, number, h('h2', { class: 'slide-title' }, slide.title), renderMarkdown(slide.body));
}
