// The single page: sign-in, then pages by role, chosen by the URL hash. Pages load as modules on
// demand, so a trainee's phone fetches only what the live page needs.
import { api, setCsrf } from './js/api.js';
import { $, clear, h } from './js/dom.js';
import { errorText, forStaff, language, setLanguage, t } from './js/i18n.js';

export const session = { user: null };
let current = null; // the page's cleanup function
let generation = 0; // the latest route(); an older one still loading must not draw

function header() {
  $('lang').textContent = t('other_language');
  $('logout').textContent = t('logout');
  $('logout').hidden = !session.user;
  $('who').textContent = session.user ? session.user.full_name : '';
}

function loginPage(view) {
  const error = h('p', { class: 'error', id: 'login-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { id: 'login', novalidate: true },
    h('h2', null, t('login_title')),
    h('p', null, t('app_tagline')),
    h(
      'label',
      null,
      h('span', null, t('username')),
      h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: 64 }),
    ),
    h(
      'label',
      null,
      h('span', null, t('password')),
      h('input', {
        name: 'password',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
        maxlength: 128,
      }),
    ),
    error,
    h('button', { type: 'submit' }, t('login_button')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    error.hidden = true;
    const res = await api('POST', '/api/v1/auth/login', {
      username: data.get('username'),
      password: data.get('password'),
    });
    if (res.status === 200) {
      setCsrf(res.data.csrf_token);
      session.user = { ...res.data.user, must_change_password: res.data.must_change_password };
      localStorage.setItem('daring.signed_in', '1');
      route(); // a deep link (e.g. #/live/12) opens once signed in
      return;
    }
    error.textContent = errorText(res.error);
    error.hidden = false;
  });
  clear(view, form);
}

const pages = {
  '': () => import('./js/pages/home.js'),
  live: () => import('./js/pages/live_page.js'),
  dashboard: () => import('./js/pages/dashboard.js'),
  deck: () => import('./js/pages/deck.js'),
  admin: () => import('./js/pages/admin.js'),
  reports: () => import('./js/pages/reports.js'),
  quizzes: () => import('./js/pages/quizzes.js'),
  replay: () => import('./js/pages/replay.js'),
  users: () => import('./js/pages/users.js'),
  training: () => import('./js/pages/training.js'),
  restrictions: () => import('./js/pages/restrictions.js'),
  funding: () => import('./js/pages/funding.js'),
  audit: () => import('./js/pages/audit.js'),
  outbox: () => import('./js/pages/outbox.js'),
  participation: () => import('./js/pages/participation.js'),
};

export async function route() {
  const mine = ++generation;
  if (current) {
    current();
    current = null;
  }
  header();
  // Each page draws into its own box: a page still loading when the next route starts draws
  // into a box no longer shown, and its cleanup runs as soon as it is done.
  const view = h('div', { class: 'page' });
  clear($('view'), view);
  if (!session.user) {
    loginPage(view);
    return;
  }
  if (session.user.must_change_password) {
    // A reset or an import chose this password: the user picks their own before anything else.
    const { forcedChangePage } = await import('./js/pages/password.js');
    if (mine !== generation) return;
    clear(
      view,
      forcedChangePage(() => {
        session.user.must_change_password = false;
        route();
      }),
    );
    return;
  }
  // #/name/arg...?filters: the page reads its filters from the address itself.
  const [name = '', ...args] = location.hash.replace(/^#\/?/, '').split('?')[0].split('/');
  const load = pages[name] || pages[''];
  clear(view, h('p', { class: 'muted' }, t('loading')));
  try {
    if (session.user.role !== 'trainee') await forStaff();
    const page = await load();
    const cleanup = (await page.render(view, args, session)) || null;
    if (mine !== generation) {
      cleanup?.();
      return;
    }
    current = cleanup;
  } catch (e) {
    clear(view, h('p', { class: 'error' }, `${t('error_generic')}: ${e.message}`));
  }
}

$('lang').addEventListener('click', async () => {
  await setLanguage(language() === 'id' ? 'en' : 'id');
  route();
});
$('logout').addEventListener('click', async () => {
  await api('POST', '/api/v1/auth/logout');
  setCsrf('');
  session.user = null;
  localStorage.removeItem('daring.signed_in');
  location.hash = '#/';
  route();
});
window.addEventListener('hashchange', route);

// Ask who is signed in only when this browser signed in before (the cookie is HttpOnly), or a
// one-tap join link just signed it in (/?joined#/live/<id>).
const joined = new URLSearchParams(location.search).has('joined');
if (joined) history.replaceState(null, '', `/${location.hash}`);
if (localStorage.getItem('daring.signed_in') || joined) {
  api('GET', '/api/v1/me').then((res) => {
    if (res.status === 200) {
      setCsrf(res.data.csrf_token);
      session.user = res.data;
      localStorage.setItem('daring.signed_in', '1');
    } else localStorage.removeItem('daring.signed_in');
    route();
  });
} else {
  route();
}
