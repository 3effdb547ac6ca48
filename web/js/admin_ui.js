// Pieces every administration page shares: the navigation between the pages, and a table that
// reads a paged list (RFC 8288 Link rel="next") one page at a time with a "load more" button.
import { api, nextPage } from './api.js';
import { clear, h } from './dom.js';
import { errorText, t } from './i18n.js';

const PAGES = [
  ['admin', 'trainings'],
  ['users', 'users_page'],
  ['restrictions', 'restrictions_page'],
  ['funding', 'funding'],
  ['outbox', 'outbox_page'],
  ['audit', 'audit_page'],
];

// The administration's navigation; `active` is the page shown (a hash name above).
export function adminNav(active) {
  return h(
    'nav',
    { class: 'admin-nav', 'aria-label': t('admin') },
    PAGES.map(([page, key]) =>
      page === active
        ? h('strong', { 'aria-current': 'page' }, t(key))
        : h('a', { href: `#/${page}`, id: `nav-${page}` }, t(key)),
    ),
  );
}

// A table over a paged list. `columns` are header texts; `row(item)` draws one <tr>.
// load(path) starts over from the first page of `path`; the button fetches the next one.
export function pagedTable({ id, columns, row, empty }) {
  const body = h('tbody');
  const more = h(
    'button',
    { type: 'button', class: 'secondary', id: id ? `more-${id}` : undefined, hidden: true },
    t('load_more'),
  );
  const table = h(
    'table',
    { class: 'report-table', id },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', null, c)),
      ),
    ),
    body,
  );
  let next = null;
  let generation = 0;
  async function page(path, mine) {
    const res = await api('GET', path);
    if (mine !== generation) return;
    if (res.status !== 200) {
      clear(
        body,
        h('tr', null, h('td', { colspan: columns.length, class: 'error', role: 'alert' }, errorText(res.error))),
      );
      more.hidden = true;
      return;
    }
    body.append(...res.data.map(row));
    if (!body.children.length)
      body.append(h('tr', null, h('td', { colspan: columns.length, class: 'muted' }, empty || t('none'))));
    next = nextPage(res.link);
    more.hidden = !next;
  }
  more.addEventListener('click', () => next && page(next, generation));
  return {
    element: h('div', { class: 'paged' }, table, more),
    load(path) {
      clear(body);
      return page(path, ++generation);
    },
    // Nothing to show (a filter that matches nobody): the empty line, no further pages.
    empty() {
      ++generation;
      more.hidden = true;
      clear(body, h('tr', null, h('td', { colspan: columns.length, class: 'muted' }, empty || t('none'))));
    },
  };
}
