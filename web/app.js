// Placeholder page: sign in, show who is signed in, sign out. Text is set with textContent only.
const texts = {
  id: { tagline: 'Pelatihan daring Dinas Koperasi dan UKM.', login_title: 'Masuk', username: 'Nama pengguna',
        password: 'Kata sandi', login_button: 'Masuk', hello: 'Selamat datang', role: 'Peran', logout: 'Keluar',
        other: 'English', invalid_credentials: 'Nama pengguna atau kata sandi salah.',
        too_many_attempts: 'Terlalu banyak percobaan gagal. Coba lagi nanti.', network: 'Tidak dapat terhubung ke server.' },
  en: { tagline: 'Online trainings of the Cooperatives and SME Office.', login_title: 'Sign in', username: 'Username',
        password: 'Password', login_button: 'Sign in', hello: 'Welcome', role: 'Role', logout: 'Sign out',
        other: 'Bahasa Indonesia', invalid_credentials: 'Wrong username or password.',
        too_many_attempts: 'Too many failed attempts. Try again later.', network: 'Cannot reach the server.' },
};
let lang = localStorage.getItem('daring.lang') === 'en' ? 'en' : 'id';
let csrf = '';
const $ = (id) => document.getElementById(id);

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = texts[lang][el.dataset.i18n];
  $('lang').textContent = texts[lang].other;
}

function showUser(user) {
  $('login').hidden = !!user;
  $('welcome').hidden = !user;
  if (user) { $('who').textContent = user.full_name; $('role').textContent = user.role; }
}

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data };
}

$('lang').addEventListener('click', () => {
  lang = lang === 'id' ? 'en' : 'id';
  localStorage.setItem('daring.lang', lang);
  applyLanguage();
});

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const error = $('login-error');
  error.hidden = true;
  try {
    const { status, data } = await api('POST', '/api/v1/auth/login', { username: form.get('username'), password: form.get('password') });
    if (status === 200) {
      csrf = data.csrf_token;
      localStorage.setItem('daring.signed_in', '1');
      showUser(data.user);
      return;
    }
    error.textContent = texts[lang][data?.error?.code] || data?.error?.message || String(status);
  } catch { error.textContent = texts[lang].network; }
  error.hidden = false;
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/v1/auth/logout');
  csrf = '';
  localStorage.removeItem('daring.signed_in');
  showUser(null);
});

applyLanguage();
// Ask who is signed in only when this browser signed in before (the cookie is HttpOnly).
if (localStorage.getItem('daring.signed_in')) {
  api('GET', '/api/v1/me').then(({ status, data }) => {
    if (status === 200) { csrf = data.csrf_token; showUser(data); } else localStorage.removeItem('daring.signed_in');
  }).catch(() => {});
}
